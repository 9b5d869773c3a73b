package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfOddCountIsTheMiddleValue() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Stats.median(List.of(4L, 1L, 3L, 2L))).isEqualTo(2.5);
    }

    @Test
    void medianIgnoresUnknownValuesAndIsUnknownWithoutAny() {
        assertThat(Stats.median(List.of(-1.0, 5.0, -1.0))).isEqualTo(5.0);
        assertThat(Stats.median(List.of(-1.0))).isEqualTo(-1.0);
        assertThat(Stats.median(List.of())).isEqualTo(-1.0);
    }

    @Test
    void ratioHasTwoDecimalsAndIsUnknownWithoutADivisor() {
        assertThat(Stats.ratio(300_000, 240_000)).isEqualTo("1.25x");
        assertThat(Stats.ratio(1, 3)).isEqualTo("0.33x");
        assertThat(Stats.ratio(1, 0)).isEqualTo("n/a");
        assertThat(Stats.ratio(-1, 2)).isEqualTo("n/a");
    }

    @Test
    void ratesAndSizesAreShortAndReadable() {
        assertThat(Stats.rate(243_912)).isEqualTo("243.9k");
        assertThat(Stats.rate(1_250_000)).isEqualTo("1.25M");
        assertThat(Stats.rate(999)).isEqualTo("999");
        assertThat(Stats.rate(-1)).isEqualTo("n/a");
        assertThat(Stats.mib(256.0 * 1024 * 1024)).isEqualTo("256 MiB");
        assertThat(Stats.count(5_000_000)).isEqualTo("5,000,000");
    }

    @Test
    void heapSizesAsGivenToXmx() {
        assertThat(Stats.heapBytes("256m")).isEqualTo(256L << 20);
        assertThat(Stats.heapBytes("1G")).isEqualTo(1L << 30);
        assertThat(Stats.heapBytes("512k")).isEqualTo(512L << 10);
        assertThat(Stats.heapBytes("1048576")).isEqualTo(1L << 20);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stats.heapBytes("lots"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lots");
    }
}
