package io.eddy.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each sketch against the exact answer on generated data, over many seeds: the estimates must stay
 * within the sketch's stated bound at its stated confidence. Seeds are fixed, so every run checks
 * the same trials; a failure names the seed.
 */
class SketchAccuracyTest {

    @Test
    void hllWithLgK12IsWithinThreeStandardErrorsInAtLeast99PercentOfTrials() {
        int trials = 300;
        int within = 0;
        List<String> outside = new ArrayList<>();
        for (int seed = 0; seed < trials; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int distinct = 20_000 + random.nextInt(80_000);
            DistinctCount count = DistinctCount.empty(12);
            long base = random.nextLong();
            for (int i = 0; i < distinct; i++) {
                count.add(base + i);
                if (random.nextInt(4) == 0) {
                    count.add(base + random.nextInt(i + 1));   // repeats must not count
                }
            }
            double relativeError = Math.abs(count.estimate() - distinct) / distinct;
            if (relativeError <= 3 * count.relativeStandardError()) {
                within++;
            } else {
                outside.add("seed " + seed + ": " + relativeError);
            }
            assertThat(count.lowerBound(3)).as("seed %d", seed).isLessThanOrEqualTo(count.estimate());
            assertThat(count.upperBound(3)).as("seed %d", seed).isGreaterThanOrEqualTo(count.estimate());
        }
        assertThat(within).as("trials within 3 standard errors; outside: %s", outside)
                .isGreaterThanOrEqualTo((int) Math.ceil(0.99 * trials));
    }

    @Test
    void cpcWithLgK12IsWithinThreeStandardErrorsInAtLeast99PercentOfTrialsAndSmallerThanHllForTheSameError() {
        int trials = 200;
        int within = 0;
        for (int seed = 0; seed < trials; seed++) {
            SplittableRandom random = new SplittableRandom(1_000 + seed);
            int distinct = 20_000 + random.nextInt(80_000);
            CompactDistinctCount count = CompactDistinctCount.empty(12);
            CompactDistinctCount cpc11 = CompactDistinctCount.empty(11);   // error 1.5 %, below HLL lgK 12's 1.6 %
            DistinctCount hll = DistinctCount.empty(12);
            long base = random.nextLong();
            for (int i = 0; i < distinct; i++) {
                count.add(base + i);
                cpc11.add(base + i);
                hll.add(base + i);
            }
            if (Math.abs(count.estimate() - distinct) / distinct <= 3 * count.relativeStandardError()) {
                within++;
            }
            assertThat(cpc11.relativeStandardError()).isLessThan(hll.relativeStandardError());
            assertThat(cpc11.toByteArray().length).as("seed %d", seed).isLessThan(hll.toByteArray().length * 3 / 4);
        }
        assertThat(within).isGreaterThanOrEqualTo((int) Math.ceil(0.99 * trials));
    }

    @Test
    void hllIsExactForSmallCountsAndItsUnionEqualsOneSketchOfEverything() {
        DistinctCount small = DistinctCount.empty(12);
        for (int i = 0; i < 300; i++) {
            small.add("user-" + (i % 100));
        }
        assertThat(small.estimate()).isCloseTo(100, org.assertj.core.data.Offset.offset(0.5));

        DistinctCount all = DistinctCount.empty(12);
        DistinctCount merged = DistinctCount.empty(12);
        for (int part = 0; part < 4; part++) {
            DistinctCount partition = DistinctCount.empty(12);
            for (int i = 0; i < 30_000; i++) {
                String item = "item-" + (part * 20_000 + i);   // partitions overlap by a third
                partition.add(item);
                all.add(item);
            }
            merged = DistinctCount.union(merged, partition);
        }
        assertThat(DistinctCount.union(merged, merged).estimate()).as("union is idempotent").isEqualTo(merged.estimate());
        assertThat(DistinctCount.union(merged, all).estimate()).as("everything adds nothing to the union of its parts")
                .isEqualTo(DistinctCount.union(merged, merged).estimate());
        assertThat(Math.abs(merged.estimate() - 90_000) / 90_000).isLessThanOrEqualTo(3 * merged.relativeStandardError());
    }

    @Test
    void kllRankErrorIsWithinItsBoundForAtLeast99PercentOfQueries() {
        double[] ranks = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};
        int queries = 0;
        int within = 0;
        for (int seed = 0; seed < 100; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int n = 50_000;
            double[] values = new double[n];
            Quantiles sketch = Quantiles.empty(200);
            for (int i = 0; i < n; i++) {
                values[i] = seed % 2 == 0 ? random.nextDouble() : -Math.log(1 - random.nextDouble()) * 100; // uniform, exponential
                sketch.add(values[i]);
            }
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            double bound = sketch.normalizedRankError();
            for (double rank : ranks) {
                double q = sketch.quantile(rank);
                double trueRank = (double) upperIndex(sorted, q) / n;   // fraction of values <= q
                queries++;
                if (Math.abs(trueRank - rank) <= bound) {
                    within++;
                }
            }
            assertThat(sketch.count()).isEqualTo(n);
        }
        assertThat((double) within / queries).as("queries within the normalized rank error").isGreaterThanOrEqualTo(0.99);
    }

    private static int upperIndex(double[] sorted, double value) {
        int i = Arrays.binarySearch(sorted, value);
        if (i < 0) {
            return -i - 1;
        }
        while (i < sorted.length && sorted[i] == value) {
            i++;
        }
        return i;
    }

    @Test
    void bloomFilterHasNoFalseNegativesAndAFalsePositiveRateWithinOneAndAHalfTimesFpp() {
        double fpp = 0.01;
        int expected = 20_000;
        long falsePositives = 0;
        long probes = 0;
        for (int seed = 0; seed < 30; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            MembershipFilter filter = MembershipFilter.create(expected, fpp);
            long[] added = random.longs(expected).toArray();
            for (long item : added) {
                filter.add(item);
            }
            for (long item : added) {
                assertThat(filter.mightContain(item)).as("seed %d: item %d was added", seed, item).isTrue();
            }
            java.util.Set<Long> addedSet = new java.util.HashSet<>();
            for (long item : added) {
                addedSet.add(item);
            }
            for (int i = 0; i < 20_000; i++) {
                long probe = random.nextLong();
                if (!addedSet.contains(probe)) {
                    probes++;
                    if (filter.mightContain(probe)) {
                        falsePositives++;
                    }
                }
            }
        }
        assertThat((double) falsePositives / probes).isLessThanOrEqualTo(1.5 * fpp);
    }

    @Test
    void countMinNeverUndercountsAndOvercountsByMoreThanEpsilonNAtMostDeltaOfTheTime() {
        double epsilon = 0.002;
        double delta = 0.01;
        long items = 0;
        long beyond = 0;
        for (int seed = 0; seed < 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            CountMin sketch = CountMin.withError(epsilon, delta);
            Map<Integer, Long> exact = new HashMap<>();
            for (int i = 0; i < 100_000; i++) {
                int item = zipf(random, 20_000);
                sketch.add(item);
                exact.merge(item, 1L, Long::sum);
            }
            CountMin restored = CountMin.fromByteArray(sketch.toByteArray());
            for (Map.Entry<Integer, Long> e : exact.entrySet()) {
                long estimate = restored.estimate(e.getKey());
                assertThat(estimate).as("seed %d item %d", seed, e.getKey()).isGreaterThanOrEqualTo(e.getValue());
                items++;
                if (estimate - e.getValue() > epsilon * sketch.total()) {
                    beyond++;
                }
            }
        }
        assertThat((double) beyond / items).isLessThanOrEqualTo(delta);
    }

    /** Roughly Zipf(1) over [0, n): a heavy head and a long tail. */
    private static int zipf(SplittableRandom random, int n) {
        return (int) Math.min(n - 1, Math.floor(Math.exp(random.nextDouble() * Math.log(n)))) - 1 + 1;
    }

    @Test
    void frequentItemsFindsEveryItemAboveTheErrorAndBoundsItsCount() {
        SplittableRandom random = new SplittableRandom(7);
        FrequentItems sketch = FrequentItems.empty(64);
        Map<String, Long> exact = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            String url = "/page/" + zipf(random, 5_000);
            sketch.add(url);
            exact.merge(url, 1L, Long::sum);
        }
        long maxError = sketch.maximumError();
        assertThat((double) maxError).isLessThanOrEqualTo(FrequentItems.aprioriError(64, 200_000));
        List<String> reported = sketch.top(Integer.MAX_VALUE).stream().map(FrequentItems.ItemCount::item).toList();
        exact.forEach((item, count) -> {
            if (count > maxError) {
                assertThat(reported).as("%s counted %d > max error %d", item, count, maxError).contains(item);
            }
        });
        for (FrequentItems.ItemCount row : sketch.top(10)) {
            long truth = exact.get(row.item());
            assertThat(truth).isBetween(row.lowerBound(), row.upperBound());
        }
    }

    @Test
    void reservoirSamplesAreUniformByChiSquared() {
        int population = 50;
        int capacity = 5;
        int trials = 20_000;
        long[] inclusions = new long[population];
        for (int seed = 0; seed < trials; seed++) {
            Sample<Integer> sample = Sample.empty(capacity, seed);
            for (int i = 0; i < population; i++) {
                sample.add(i);
            }
            assertThat(sample.items()).hasSize(capacity).doesNotHaveDuplicates();
            sample.items().forEach(i -> inclusions[i]++);
        }
        double expected = (double) trials * capacity / population;
        double chiSquared = 0;
        for (long observed : inclusions) {
            chiSquared += (observed - expected) * (observed - expected) / expected;
        }
        // 49 degrees of freedom: P(chi2 > 85.35) = 0.001
        assertThat(chiSquared).as("chi-squared of inclusion counts %s", Arrays.toString(inclusions)).isLessThan(85.35);
    }

    @Test
    void aStratifiedSampleHoldsEveryStratumHoweverRare() {
        StratifiedSample<String, Integer> sample = StratifiedSample.empty(5);
        SplittableRandom random = new SplittableRandom(3);
        Map<String, Integer> sizes = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            int r = random.nextInt(100_000);
            String stratum = r < 3 ? "rare" : r < 1_000 ? "uncommon" : "common";
            sizes.merge(stratum, 1, Integer::sum);
            sample.add(stratum, i);
        }
        assertThat(sample.strata().keySet()).containsExactlyInAnyOrderElementsOf(sizes.keySet());
        sizes.forEach((stratum, size) -> {
            assertThat(sample.stratum(stratum).items()).hasSize(Math.min(5, size));
            assertThat(sample.stratum(stratum).seen()).isEqualTo((long) size);
        });
        var serde = StratifiedSample.serde(io.eddy.serde.Serdes.string(), io.eddy.serde.Serdes.ints());
        byte[] bytes = serde.serialize("t", sample);
        assertThat(serde.serialize("t", serde.deserialize("t", bytes))).isEqualTo(bytes);
    }
}
