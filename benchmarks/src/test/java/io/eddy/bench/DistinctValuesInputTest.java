package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DistinctValuesInputTest {
    private static final long BASE = 1_700_000_040_000L - Math.floorMod(1_700_000_040_000L, 60_000L);

    @Test
    void valuesAreDeterministicInTheirDomainAndWrittenInDecimal() {
        DistinctValuesInput input = new DistinctValuesInput(new EventTimeInput(1_000, 3, 2, BASE, 100, 0), 1_000);
        Set<Long> seen = new HashSet<>();
        for (long i = 0; i < 100_000; i++) {
            long v = input.value(i);
            assertThat(v).isBetween(0L, 999L);
            seen.add(v);
        }
        assertThat(seen).hasSize(1_000);
        assertThat(input.value(12_345)).isEqualTo(input.value(12_345));
        assertThat(new String(input.valueBytes(7), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(input.value(7)));
        assertThatThrownBy(() -> new DistinctValuesInput(new EventTimeInput(1, 1, 1, BASE, 1, 0), 0))
                .hasMessageContaining("cardinality");
    }

    @Test
    void distinctCountsAreThoseOfASetPerKeyAndWindow() {
        EventTimeInput layout = new EventTimeInput(60_000, 7, 3, BASE, 10_000, 3_000);
        DistinctValuesInput input = new DistinctValuesInput(layout, 20_000);
        EventTimeInput.Expected expected = layout.expected();
        Map<Integer, Set<Long>> sets = new HashMap<>();
        for (long i = 0; i < layout.records(); i++) {
            int cell = expected.cell(layout.keyOf(i), EventTimeInput.windowStart(layout.eventTime(i)));
            sets.computeIfAbsent(cell, c -> new HashSet<>()).add(input.value(i));
        }
        long[] distinct = input.distinctCounts(expected);
        assertThat(distinct).hasSameSizeAs(expected.counts());
        for (int cell = 0; cell < distinct.length; cell++) {
            Set<Long> set = sets.get(cell);
            assertThat(distinct[cell]).as("cell %d", cell).isEqualTo(set == null ? 0 : set.size());
            assertThat(distinct[cell]).isLessThanOrEqualTo(expected.counts()[cell]);
        }
    }

    @Test
    void aMillionValueDomainGivesCellsOfAlmostAllDistinctValuesAsTheFormulaSays() {
        // W11's defaults at a smaller scale: 10 keys, 100,000 records per minute, a domain of 1,000,000
        EventTimeInput layout = new EventTimeInput(300_000, 10, 8, BASE, 100_000, 0);
        DistinctValuesInput input = new DistinctValuesInput(layout, 1_000_000);
        EventTimeInput.Expected expected = layout.expected();
        long[] distinct = input.distinctCounts(expected);
        for (int cell = 0; cell < distinct.length; cell++) {
            assertThat(expected.counts()[cell]).isEqualTo(10_000);
            // 9,950 expected, standard deviation about 7
            assertThat((double) distinct[cell]).isCloseTo(DistinctValuesInput.expectedDistinct(10_000, 1_000_000),
                    within(50.0));
        }
        assertThat(DistinctValuesInput.expectedDistinct(10_000, 1_000_000)).isCloseTo(9_950.2, within(0.1));
        assertThat(DistinctValuesInput.expectedDistinct(1, 1_000_000)).isCloseTo(1.0, within(1e-9));
        assertThat(DistinctValuesInput.expectedDistinct(50_000, 1_000_000)).isCloseTo(48_770.6, within(0.1));
    }
}
