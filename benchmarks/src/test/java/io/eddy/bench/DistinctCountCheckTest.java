package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.eddy.sketches.DistinctCount;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistinctCountCheckTest {
    private static final long BASE = 1_700_000_040_000L - Math.floorMod(1_700_000_040_000L, 60_000L);

    /** Two keys, three windows of 100 records per key, of which the first two are closed at the end. */
    private static EventTimeInput.Expected expected() {
        return new EventTimeInput(600, 2, 1, BASE, 200, 0).expected();
    }

    private static byte[] key(int k, long start, Engine engine) {
        byte[] name = Workload.keyBytes(k);
        ByteBuffer b = ByteBuffer.allocate(name.length + WindowCountCheck.windowSuffixBytes(engine)).put(name)
                .putLong(start);
        if (engine == Engine.EDDY) {
            b.putLong(start + 60_000);
        }
        return b.array();
    }

    private static byte[] exact(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    private static byte[] sketch(long distinct) {
        DistinctCount hll = DistinctCount.empty(DistinctCount.DEFAULT_LG_K);
        for (long v = 0; v < distinct; v++) {
            hll = hll.add(Long.toString(v));
        }
        return hll.toByteArray();
    }

    @Test
    void exactAnswersMustBeTheTruth() {
        EventTimeInput.Expected e = expected();
        long[] truth = {90, 80, 70, 60, 50, 40};
        DistinctCountCheck ok = new DistinctCountCheck(e, truth, Engine.KAFKA_STREAMS);
        for (int w = 0; w < 2; w++) {
            for (int k = 0; k < 2; k++) {
                ok.accept(key(k, BASE + w * 60_000L, Engine.KAFKA_STREAMS), exact(truth[w * 2 + k]));
            }
        }
        assertThat(ok.error()).isNull();
        assertThat(ok.accuracy().windows()).isEqualTo(4);
        assertThat(ok.accuracy().max()).isZero();
        assertThat(ok.valueBytes()).isEqualTo(32);

        DistinctCountCheck offByOne = new DistinctCountCheck(e, truth, Engine.KAFKA_STREAMS);
        for (int w = 0; w < 2; w++) {
            for (int k = 0; k < 2; k++) {
                offByOne.accept(key(k, BASE + w * 60_000L, Engine.KAFKA_STREAMS), exact(truth[w * 2 + k] + (k == 1 ? 1 : 0)));
            }
        }
        assertThat(offByOne.error()).contains("2 wrong answers").contains("81.0 instead of 80");
    }

    @Test
    void sketchesMayBeOffByTheirErrorButNotByTenPercent() {
        EventTimeInput.Expected e = expected();
        long[] truth = {5_000, 5_000, 5_000, 5_000, 0, 0};
        DistinctCountCheck ok = new DistinctCountCheck(e, truth, Engine.EDDY);
        for (int w = 0; w < 2; w++) {
            for (int k = 0; k < 2; k++) {
                ok.accept(key(k, BASE + w * 60_000L, Engine.EDDY), sketch(5_000));
            }
        }
        assertThat(ok.error()).isNull();
        DistinctCountCheck.Accuracy accuracy = ok.accuracy();
        assertThat(accuracy.windows()).isEqualTo(4);
        assertThat(accuracy.max()).isLessThan(3 * DistinctCountCheck.STANDARD_ERROR);
        assertThat(accuracy.withinThreeStandardErrors()).isEqualTo(1.0);

        DistinctCountCheck tooFar = new DistinctCountCheck(e, truth, Engine.EDDY);
        tooFar.accept(key(0, BASE, Engine.EDDY), sketch(6_000));
        assertThat(tooFar.error()).contains("3 windows missing").contains("1 wrong answers");
    }

    @Test
    void missingDuplicateAndUnknownWindowsAreReported() {
        EventTimeInput.Expected e = expected();
        long[] truth = {1, 1, 1, 1, 1, 1};
        DistinctCountCheck check = new DistinctCountCheck(e, truth, Engine.KAFKA_STREAMS);
        check.accept(key(0, BASE, Engine.KAFKA_STREAMS), exact(1));
        check.accept(key(0, BASE, Engine.KAFKA_STREAMS), exact(1));
        check.accept(key(5, BASE, Engine.KAFKA_STREAMS), exact(1));
        assertThat(check.error()).isEqualTo("3 windows missing, 1 unknown records, 1 duplicates, 0 wrong answers");
    }

    @Test
    void accuracySkipsCellsWithoutAnAnswerOrAValue() {
        DistinctCountCheck.Accuracy a = DistinctCountCheck.accuracy(new double[] {110, 95, Double.NaN, 7},
                new long[] {100, 100, 100, 0});
        assertThat(a.windows()).isEqualTo(2);
        assertThat(a.mean()).isCloseTo(0.075, within(1e-12));
        assertThat(a.max()).isCloseTo(0.10, within(1e-12));
        assertThat(a.p99()).isCloseTo(0.10, within(1e-12));
        assertThat(a.withinThreeStandardErrors()).isEqualTo(0.0);
        assertThat(DistinctCountCheck.accuracy(new double[] {Double.NaN}, new long[] {1}).toString())
                .isEqualTo("no window to compare");
    }

    @Test
    void sideBySideShowsBothEnginesAndTheirRatios() {
        RunResult eddy = new RunResult(Workload.W11, Engine.EDDY, 1, 1, 1_000_000, 10, 10, 10_000, 200L << 20,
                100L << 20, 400L << 20, 5_000, 1_000, 1, 1, -1, LatencyHistogram.Summary.NONE, null);
        RunResult streams = new RunResult(Workload.W11, Engine.KAFKA_STREAMS, 1, 1, 1_000_000, 10, 10, 100_000,
                400L << 20, 300L << 20, 600L << 20, 50_000, 9_000, 1, 1, -1, LatencyHistogram.Summary.NONE, null);
        RunResult other = new RunResult(Workload.W3, Engine.EDDY, 1, 1, 1_000_000, 10, 10, 1_000, 1, 1, 1, 1, 1, 1,
                1, -1, LatencyHistogram.Summary.NONE, null);
        DistinctCountCheck.Accuracy hll = new DistinctCountCheck.Accuracy(100, 0.01, 0.03, 0.035, 1.0);
        DistinctCountCheck.Accuracy none = new DistinctCountCheck.Accuracy(100, 0, 0, 0, 1.0);
        String table = DistinctCountReport.sideBySide(List.of(eddy, streams, other), Map.of(
                Engine.EDDY, new DistinctCountReport.Figures(2_000, 4_000_000, 1_500_000, 200_000, hll),
                Engine.KAFKA_STREAMS, new DistinctCountReport.Figures(8_000, 800_000_000, 90_000_000, 800, none)));
        assertThat(table)
                .contains("| Eddy (HLL lgK 12) | 100.0k | 5.0 µs | 200 MiB | 2,000 | 4.0 MB | 2.0 KB | 1.5 MB | "
                        + "1.000 %, 3.500 % |")
                .contains("| Kafka Streams (exact set) | 10.0k | 50.0 µs | 400 MiB | 8,000 | 800.0 MB | 100.0 KB | "
                        + "90.0 MB | 0.000 %, 0.000 % |")
                .contains("Eddy / Kafka Streams throughput: 10.00x; Kafka Streams / Eddy changelog bytes: 200.00x, "
                        + "state directory: 60.00x");
        assertThat(DistinctCountReport.bytes(999)).isEqualTo("999 B");
        assertThat(DistinctCountReport.bytes(2_500_000_000.0)).isEqualTo("2.50 GB");
    }
}
