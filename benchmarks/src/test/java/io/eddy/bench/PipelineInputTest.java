package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PipelineInputTest {
    private static final long BASE = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 60_000L);

    @Test
    void theEnrichedOrderCarriesItsAmountAndRegionThroughEveryEngine() {
        byte[] letters = "abcdefghijklmnopqrstuvwxyz".repeat(10).getBytes(StandardCharsets.US_ASCII);
        String order = new String(PipelineInput.orderValue(7, 100, letters, 3), StandardCharsets.US_ASCII);
        assertThat(order).hasSize(100).startsWith(PipelineInput.amount(7) + ",d");
        String enriched = PipelineInput.enrich(order, PipelineInput.regionName(5));
        assertThat(PipelineInput.regionOf(enriched)).isEqualTo("region-05");
        assertThat(PipelineInput.amountOf(enriched)).isEqualTo(PipelineInput.amount(7));
        assertThat(PipelineInput.amountOf(order)).isBetween(1L, 1_000L);
        // a value too short for the amount still holds it and the comma
        assertThat(PipelineInput.orderValue(7, 2, letters, 0)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void regionsSpreadOverAllOfThemAndTotalsRoundTrip() {
        boolean[] used = new boolean[PipelineInput.REGIONS];
        for (int k = 0; k < 10_000; k++) {
            used[PipelineInput.regionIndex(k)] = true;
        }
        assertThat(used).doesNotContain(false);
        PipelineInput.Totals t = PipelineInput.Totals.ZERO.add(5).add(7);
        assertThat(t).isEqualTo(new PipelineInput.Totals(2, 12));
        assertThat(PipelineInput.Totals.fromBytes(t.toBytes())).isEqualTo(t);
        assertThat(PipelineInput.Totals.fromBytes(new byte[8])).isNull();
        assertThat(PipelineInput.Totals.EDDY_SERDE.deserialize("t", PipelineInput.Totals.kafkaSerde().serializer()
                .serialize("t", t))).isEqualTo(t);
    }

    @Test
    void expectedTotalsAddUpToTheInputAndOnlyWindowsPastTheDelayMustClose() {
        // 12,000 orders at 1,000 per minute: 12 windows; a 2-minute delay
        PipelineInput input = new PipelineInput(12_000, 500, 4, BASE, 1_000, 120_000);
        PipelineInput.Expected e = input.expected();
        assertThat(e.windows()).isEqualTo(12);
        assertThat(Arrays.stream(e.counts()).sum()).isEqualTo(12_000);
        long sum = 0;
        for (long i = 0; i < 12_000; i++) {
            sum += PipelineInput.amount(i);
        }
        assertThat(Arrays.stream(e.sums()).sum()).isEqualTo(sum);
        // the last order is at BASE + 11,999 * 60 ms, just before the end of window 11; windows 0..8
        // end at most 2 minutes before that, so they must close; window 9 ends 3 minutes after BASE + 9 min
        long required = 0;
        for (int cell = 0; cell < e.counts().length; cell++) {
            int window = cell / PipelineInput.REGIONS;
            if (e.mustClose()[cell]) {
                required++;
                assertThat(window).isLessThanOrEqualTo(8);
            } else if (e.counts()[cell] > 0) {
                assertThat(window).isGreaterThanOrEqualTo(9);
            }
        }
        assertThat(e.required()).isEqualTo(required).isGreaterThanOrEqualTo(8L * PipelineInput.REGIONS);
        assertThat(e.cell("region-03", BASE + 60_000)).isEqualTo(PipelineInput.REGIONS + 3);
        assertThat(e.cell("region-24", BASE)).isEqualTo(-1);
        assertThat(e.cell("key-000001", BASE)).isEqualTo(-1);
        assertThat(e.cell("region-03", BASE + 1)).isEqualTo(-1);
        assertThat(e.cell("region-03", BASE + 12 * 60_000)).isEqualTo(-1);
    }

    @Test
    void ordersAreInEventTimeOrderAfterTheTable() {
        PipelineInput input = PipelineInput.loadedAt(BASE + 3_600_000, 6_000, 100, 8, 1_000, 0);
        assertThat(Math.floorMod(input.baseMillis(), 60_000L)).isZero();
        assertThat(input.eventTime(input.records() - 1)).isLessThanOrEqualTo(BASE + 3_600_000 - 600_000);
        assertThat(input.tableTimestamp()).isLessThan(input.eventTime(0));
        for (long i = 1; i < input.records(); i++) {
            assertThat(input.eventTime(i)).isGreaterThanOrEqualTo(input.eventTime(i - 1));
        }
        assertThatThrownBy(() -> PipelineInput.loadedAt(BASE, 1_000_000_000L, 100, 8, 1, 0))
                .hasMessageContaining("W9's event time would span");
    }

    @Test
    void checkAcceptsTheTrueOutputOfEitherKeyFormatAndNamesWhatIsWrong() {
        PipelineInput input = new PipelineInput(12_000, 500, 4, BASE, 1_000, 120_000);
        PipelineInput.Expected e = input.expected();
        for (int suffix : new int[] {8, 16}) {
            PipelineCheck check = new PipelineCheck(e, suffix);
            for (int cell = 0; cell < e.counts().length; cell++) {
                if (e.mustClose()[cell]) {
                    check.accept(key(cell, e, suffix), new PipelineInput.Totals(e.counts()[cell], e.sums()[cell]).toBytes());
                }
            }
            assertThat(check.complete()).isTrue();
            assertThat(check.error()).isNull();
        }
        PipelineCheck check = new PipelineCheck(e, 16);
        check.accept(key(0, e, 16), new PipelineInput.Totals(e.counts()[0] - 1, e.sums()[0]).toBytes());
        check.accept(key(0, e, 16), new PipelineInput.Totals(e.counts()[0], e.sums()[0]).toBytes());
        check.accept("nonsense".getBytes(StandardCharsets.US_ASCII), new byte[16]);
        assertThat(check.complete()).isFalse();
        assertThat(check.error()).contains("closed windows are missing", "1 windows have wrong totals (region-00 @",
                "1 output records repeat a window", "1 output records are not a (region, window)");
    }

    private static byte[] key(int cell, PipelineInput.Expected e, int suffix) {
        byte[] region = PipelineInput.regionName(cell % PipelineInput.REGIONS).getBytes(StandardCharsets.US_ASCII);
        long start = e.firstWindowStart() + (long) (cell / PipelineInput.REGIONS) * PipelineInput.WINDOW_MILLIS;
        ByteBuffer b = ByteBuffer.allocate(region.length + suffix).put(region).putLong(start);
        if (suffix == 16) {
            b.putLong(start + PipelineInput.WINDOW_MILLIS);
        }
        return b.array();
    }
}
