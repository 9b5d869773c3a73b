package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class EventTimeInputTest {
    private static final long BASE = 1_700_000_040_000L - Math.floorMod(1_700_000_040_000L, 60_000L);

    @Test
    void eventTimeAdvancesOneMinutePerRecordsPerMinuteWithBoundedJitter() {
        EventTimeInput input = new EventTimeInput(1_000_000, 1_000, 8, BASE, 100_000, 5_000);
        assertThat(input.eventTime(0)).isBetween(BASE - 5_000, BASE);
        assertThat(input.eventTime(100_000)).isBetween(BASE + 60_000 - 5_000, BASE + 60_000);
        long max = Long.MIN_VALUE;
        for (long i = 0; i < 200_000; i++) {
            long t = input.eventTime(i);
            if (i > 0) {
                assertThat(t).as("record %d is at most the disorder behind all before it", i)
                        .isGreaterThanOrEqualTo(max - 5_000);
            }
            max = Math.max(max, t);
        }
    }

    @Test
    void jitterStaysInItsRangeAndIsZeroWithoutDisorder() {
        long seenMax = 0;
        for (long i = 0; i < 100_000; i++) {
            long j = EventTimeInput.jitter(i, 250);
            assertThat(j).isBetween(0L, 250L);
            seenMax = Math.max(seenMax, j);
            assertThat(EventTimeInput.jitter(i, 0)).isZero();
        }
        assertThat(seenMax).isEqualTo(250);
        assertThat(EventTimeInput.jitter(42, 1_000)).isEqualTo(EventTimeInput.jitter(42, 1_000));
    }

    @Test
    void partitionsAreTheDefaultPartitionersChoice() {
        EventTimeInput input = new EventTimeInput(10, 500, 8, BASE, 10, 0);
        int[] byKey = input.partitionsByKey();
        for (int k = 0; k < 500; k++) {
            assertThat(byKey[k]).isEqualTo(BuiltInPartitioner.partitionForKey(Workload.keyBytes(k), 8));
        }
    }

    @Test
    void windowStartsAlignToTheMinute() {
        assertThat(EventTimeInput.windowStart(BASE)).isEqualTo(BASE);
        assertThat(EventTimeInput.windowStart(BASE + 59_999)).isEqualTo(BASE);
        assertThat(EventTimeInput.windowStart(BASE - 1)).isEqualTo(BASE - 60_000);
        assertThat(EventTimeInput.windowStart(-1)).isEqualTo(-60_000);
    }

    @Test
    void oneKeyInOrderFillsWholeMinutesAndClosesThoseTheLastRecordPassed() {
        // 300 records at 100 per minute: one every 600 ms, the last at base + 179.4 s
        EventTimeInput.Expected e = new EventTimeInput(300, 1, 1, BASE, 100, 0).expected();
        assertThat(e.firstWindowStart()).isEqualTo(BASE);
        assertThat(e.windows()).isEqualTo(3);
        assertThat(e.counts()).containsExactly(100, 100, 100);
        assertThat(e.mustClose()).containsExactly(true, true, false);
        assertThat(e.required()).isEqualTo(2);
        assertThat(e.nonEmpty()).isEqualTo(3);

        // the window [base + 60 s, base + 120 s) closes once event time reaches its end plus the disorder:
        // with 20 s, 140 s, which the last records (at least 179.4 s - 20 s) reach
        EventTimeInput.Expected e20 = new EventTimeInput(300, 1, 1, BASE, 100, 20_000).expected();
        assertThat(e20.mustClose()[e20.cell(0, BASE + 60_000)]).isTrue();
        assertThat(e20.mustClose()[e20.cell(0, BASE + 120_000)]).isFalse();
        // with 60 s, 180 s, beyond every record (at most 179.4 s)
        EventTimeInput.Expected e60 = new EventTimeInput(300, 1, 1, BASE, 100, 60_000).expected();
        assertThat(e60.mustClose()[e60.cell(0, BASE + 60_000)]).isFalse();
        assertThat(e60.mustClose()[e60.cell(0, BASE)]).isTrue();
    }

    @Test
    void expectedCountsAndClosedWindowsFollowEachKeysPartition() {
        EventTimeInput input = new EventTimeInput(50_000, 37, 3, BASE, 7_000, 4_000);
        EventTimeInput.Expected e = input.expected();
        Map<Long, Long> counts = new HashMap<>();
        long[] maxByPartition = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
        for (long i = 0; i < 50_000; i++) {
            int k = (int) (i % 37);
            long t = input.eventTime(i);
            counts.merge(EventTimeInput.windowStart(t) * 100 + k, 1L, Long::sum);
            int p = input.partitionOf(k);
            maxByPartition[p] = Math.max(maxByPartition[p], t);
        }
        long total = 0;
        long required = 0;
        for (Map.Entry<Long, Long> c : counts.entrySet()) {
            int k = (int) Math.floorMod(c.getKey(), 100L);
            long start = Math.floorDiv(c.getKey(), 100L);
            int cell = e.cell(k, start);
            assertThat(cell).isNotNegative();
            assertThat(e.counts()[cell]).isEqualTo(c.getValue());
            boolean closed = start + 60_000 <= maxByPartition[input.partitionOf(k)] - 4_000;
            assertThat(e.mustClose()[cell]).as("key %d window %d", k, start).isEqualTo(closed);
            total += e.counts()[cell];
            required += closed ? 1 : 0;
        }
        assertThat(total).isEqualTo(50_000);
        assertThat(e.nonEmpty()).isEqualTo(counts.size());
        assertThat(e.required()).isEqualTo(required).isPositive();
    }

    @Test
    void cellsOutsideTheInputAreMinusOne() {
        EventTimeInput.Expected e = new EventTimeInput(300, 2, 1, BASE, 100, 0).expected();
        assertThat(e.cell(1, BASE + 60_000)).isEqualTo(3);
        assertThat(e.cell(2, BASE)).isEqualTo(-1);
        assertThat(e.cell(-1, BASE)).isEqualTo(-1);
        assertThat(e.cell(0, BASE + 1)).isEqualTo(-1);
        assertThat(e.cell(0, BASE - 60_000)).isEqualTo(-1);
        assertThat(e.cell(0, BASE + 3 * 60_000)).isEqualTo(-1);
    }

    @Test
    void loadedInputEndsBeforeTheLoadAndSpansAtMostTwoDays() {
        long now = 1_800_000_012_345L;
        EventTimeInput input = EventTimeInput.loadedAt(now, 5_000_000, 1_000, 8, 100_000, 5_000);
        assertThat(Math.floorMod(input.baseMillis(), 60_000L)).isZero();
        assertThat(input.eventTime(4_999_999)).isLessThan(now - 9 * 60_000).isGreaterThan(now - 12 * 60_000);
        assertThat(EventTimeInput.windowCount(5_000_000, 100_000, 5_000)).isEqualTo(52);
        assertThat(input.expected().windows()).isLessThanOrEqualTo(52);
        assertThatThrownBy(() -> EventTimeInput.loadedAt(now, 5_000_000, 1_000, 8, 1_000, 0))
                .hasMessageContaining("--w3-records-per-minute");
        assertThatThrownBy(() -> new EventTimeInput(10, 1, 1, BASE + 1, 10, 0)).hasMessageContaining("baseMillis");
    }
}
