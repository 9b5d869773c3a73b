package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreNearestRank() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 100; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(100);
        assertThat(h.percentile(0.50)).isEqualTo(50);
        assertThat(h.percentile(0.99)).isEqualTo(99);
        assertThat(h.percentile(1.0)).isEqualTo(100);
        assertThat(h.percentile(0.001)).isEqualTo(1);
        assertThat(h.summary()).isEqualTo(new LatencyHistogram.Summary(100, 50, 99, 100));
    }

    @Test
    void aFewSlowRecordsMoveTheP99AndTheMaxButNotTheMedian() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 990; i++) {
            h.record(40);
        }
        for (int i = 0; i < 10; i++) {
            h.record(2_000);
        }
        assertThat(h.percentile(0.5)).isEqualTo(40);
        assertThat(h.percentile(0.99)).isEqualTo(40);
        assertThat(h.percentile(0.991)).isEqualTo(2_000);
        assertThat(h.max()).isEqualTo(2_000);
    }

    @Test
    void negativeValuesCountAsZeroAndHugeOnesAsTheMax() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-3);
        h.record(LatencyHistogram.EXACT_LIMIT_MILLIS + 5_000L);
        assertThat(h.percentile(0.5)).isZero();
        assertThat(h.percentile(1.0)).isEqualTo(LatencyHistogram.EXACT_LIMIT_MILLIS + 5_000L);
    }

    @Test
    void emptyHistogramHasNoFigures() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.summary()).isEqualTo(LatencyHistogram.Summary.NONE);
        assertThat(h.percentile(0.99)).isEqualTo(-1);
        assertThatThrownBy(() -> h.percentile(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pacedProducerScheduleIsLinearInTime() {
        assertThat(LatencyProbe.dueRecords(50_000, 0)).isZero();
        assertThat(LatencyProbe.dueRecords(50_000, 1_000_000)).isEqualTo(50);          // 1 ms
        assertThat(LatencyProbe.dueRecords(50_000, 40_000_000_000L)).isEqualTo(2_000_000);   // 40 s
        assertThat(LatencyProbe.dueRecords(3, 500_000_000)).isEqualTo(1);               // 0.5 s at 3/s
    }
}
