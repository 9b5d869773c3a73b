package io.eddy.sketches;

import io.eddy.serde.Serde;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Makes the sketch aggregations of this module: each takes a function picking the item (or value)
 * from a record and the sketch's accuracy parameter, with a documented default, and validates the
 * parameter at once (so a bad one fails when the pipeline is built, naming it).
 *
 * <p><b>Items.</b> Distinct counts, count-min and membership filters hash items of these types: any
 * {@code CharSequence} (as UTF-8), {@code Long}/{@code Integer}/{@code Short}/{@code Byte} (one
 * item per numeric value), {@code Double}/{@code Float}, {@code UUID} and {@code byte[]}; another
 * type fails its record with a message naming it (map it to one of these in the function). An item
 * function returning null skips the record; empty strings and arrays are skipped by DataSketches.
 *
 * <pre>{@code
 * Table<Windowed<String>, DistinctCount> visitors = Approx.aggregate(
 *         views.groupBy((k, v) -> v.page(), grouped).window(TumblingWindows.of(Duration.ofMinutes(1))),
 *         Sketches.distinctCount(PageView::userId), Named.as("visitors-per-page"));
 * }</pre>
 */
public final class Sketches {

    private Sketches() {
    }

    /** A HyperLogLog distinct count of {@code item}, lgK {@value DistinctCount#DEFAULT_LG_K} (1.6 % standard error). */
    public static <V> SketchAggregation<V, DistinctCount> distinctCount(Function<? super V, ?> item) {
        return distinctCount(item, DistinctCount.DEFAULT_LG_K);
    }

    /**
     * A HyperLogLog distinct count of {@code item} with {@code 2^lgK} registers: relative standard
     * error about {@code 1.04 / sqrt(2^lgK)}; see {@link DistinctCount}.
     *
     * @throws IllegalArgumentException unless {@code lgK} is in [4, 21]
     */
    public static <V> SketchAggregation<V, DistinctCount> distinctCount(Function<? super V, ?> item, int lgK) {
        Objects.requireNonNull(item, "item");
        return new SketchAggregation<>("distinctCount(lgK=" + lgK + ")", () -> DistinctCount.empty(lgK),
                (key, value, sketch) -> sketch.add(item.apply(value)), DistinctCount::union, DistinctCount.serde());
    }

    /**
     * A CPC distinct count of {@code item} with {@code 2^lgK} slots: error about
     * {@code 0.69 / sqrt(2^lgK)}, so lgK 11 matches {@link #distinctCount(Function, int)} at lgK 12
     * in under three quarters of the state, for more CPU per record; see {@link CompactDistinctCount}.
     *
     * @throws IllegalArgumentException unless {@code lgK} is in [4, 26]
     */
    public static <V> SketchAggregation<V, CompactDistinctCount> compactDistinctCount(Function<? super V, ?> item, int lgK) {
        Objects.requireNonNull(item, "item");
        return new SketchAggregation<>("compactDistinctCount(lgK=" + lgK + ")", () -> CompactDistinctCount.empty(lgK),
                (key, value, sketch) -> sketch.add(item.apply(value)), CompactDistinctCount::union,
                CompactDistinctCount.serde());
    }

    /** A KLL quantiles sketch of {@code value}, k {@value Quantiles#DEFAULT_K} (1.65 % rank error). */
    public static <V> SketchAggregation<V, Quantiles> quantiles(ToDoubleFunction<? super V> value) {
        return quantiles(value, Quantiles.DEFAULT_K);
    }

    /**
     * A KLL quantiles sketch of {@code value} with accuracy {@code k}; see {@link Quantiles}.
     *
     * @throws IllegalArgumentException unless {@code k} is in [8, 65535]
     */
    public static <V> SketchAggregation<V, Quantiles> quantiles(ToDoubleFunction<? super V> value, int k) {
        Objects.requireNonNull(value, "value");
        return new SketchAggregation<>("quantiles(k=" + k + ")", () -> Quantiles.empty(k),
                (key, v, sketch) -> sketch.add(value.applyAsDouble(v)), Quantiles::merge, Quantiles.serde());
    }

    /** The frequent items of {@code item}, map size {@value FrequentItems#DEFAULT_MAX_MAP_SIZE}. */
    public static <V> SketchAggregation<V, FrequentItems> frequentItems(Function<? super V, String> item) {
        return frequentItems(item, FrequentItems.DEFAULT_MAX_MAP_SIZE);
    }

    /**
     * The frequent items of {@code item} with map size {@code maxMapSize}: counts within
     * {@code 3.5 / maxMapSize} of the stream length; see {@link FrequentItems}.
     *
     * @throws IllegalArgumentException unless {@code maxMapSize} is a power of two in [8, 2^26]
     */
    public static <V> SketchAggregation<V, FrequentItems> frequentItems(Function<? super V, String> item, int maxMapSize) {
        Objects.requireNonNull(item, "item");
        return new SketchAggregation<>("frequentItems(maxMapSize=" + maxMapSize + ")",
                () -> FrequentItems.empty(maxMapSize), (key, v, sketch) -> sketch.add(item.apply(v)),
                FrequentItems::merge, FrequentItems.serde());
    }

    /** A count-min sketch of {@code item} with the defaults (epsilon 0.01, delta 0.01). */
    public static <V> SketchAggregation<V, CountMin> countMin(Function<? super V, ?> item) {
        return countMin(item, CountMin.DEFAULT_EPSILON, CountMin.DEFAULT_DELTA);
    }

    /**
     * A count-min sketch of {@code item} whose estimates overcount by more than {@code epsilon} of
     * the total with probability at most {@code delta}; see {@link CountMin}.
     *
     * @throws IllegalArgumentException unless both are in (0, 1) and the sketch fits 2^24 counters
     */
    public static <V> SketchAggregation<V, CountMin> countMin(Function<? super V, ?> item, double epsilon, double delta) {
        Objects.requireNonNull(item, "item");
        return new SketchAggregation<>("countMin(epsilon=" + epsilon + ", delta=" + delta + ")",
                () -> CountMin.withError(epsilon, delta), (key, v, sketch) -> sketch.add(item.apply(v)),
                CountMin::merge, CountMin.serde());
    }

    /**
     * A Bloom filter of {@code item}, sized for {@code expectedItems} at false-positive probability
     * {@code fpp} ({@value MembershipFilter#DEFAULT_FPP} is a common choice); see {@link MembershipFilter}.
     *
     * @throws IllegalArgumentException unless {@code expectedItems} is positive and {@code fpp} in (0, 1)
     */
    public static <V> SketchAggregation<V, MembershipFilter> membership(Function<? super V, ?> item,
                                                                          long expectedItems, double fpp) {
        Objects.requireNonNull(item, "item");
        return new SketchAggregation<>("membership(expectedItems=" + expectedItems + ", fpp=" + fpp + ")",
                () -> MembershipFilter.create(expectedItems, fpp), (key, v, sketch) -> sketch.add(item.apply(v)),
                MembershipFilter::union, MembershipFilter.serde());
    }

    /**
     * A uniform sample of at most {@code capacity} record values, written with {@code valueSerde};
     * see {@link Sample}. Two samples merge by re-offering the second's items to a copy of the first,
     * which is uniform only when the second saw no more items than its capacity.
     *
     * @throws IllegalArgumentException unless {@code capacity} is in [1, 2^20]
     */
    public static <V> SketchAggregation<V, Sample<V>> sample(int capacity, Serde<V> valueSerde) {
        Objects.requireNonNull(valueSerde, "valueSerde");
        Serde<Sample<V>> serde = Sample.serde(valueSerde);
        return new SketchAggregation<>("sample(capacity=" + capacity + ")", () -> Sample.empty(capacity),
                (key, v, sample) -> {
                    sample.seedIfEmpty(Objects.hashCode(key));
                    return sample.add(v);
                }, (a, b) -> {
                    Sample<V> merged = serde.deserialize("merge", serde.serialize("merge", a));
                    b.items().forEach(merged::add);
                    return merged;
                }, serde);
    }

    /**
     * A stratified sample: at most {@code perStratum} values for each value of {@code stratum};
     * see {@link StratifiedSample}. Sessions merge stratum by stratum as {@link #sample} does.
     *
     * @throws IllegalArgumentException unless {@code perStratum} is in [1, 2^20]
     */
    public static <V, S> SketchAggregation<V, StratifiedSample<S, V>> stratifiedSample(
            Function<? super V, ? extends S> stratum, int perStratum, Serde<S> stratumSerde, Serde<V> valueSerde) {
        Objects.requireNonNull(stratum, "stratum");
        Serde<StratifiedSample<S, V>> serde = StratifiedSample.serde(stratumSerde, valueSerde);
        return new SketchAggregation<>("stratifiedSample(perStratum=" + perStratum + ")",
                () -> StratifiedSample.empty(perStratum), (key, v, sample) -> sample.add(stratum.apply(v), v),
                (a, b) -> {
                    StratifiedSample<S, V> merged = serde.deserialize("merge", serde.serialize("merge", a));
                    b.strata().forEach((s, sample) -> sample.items().forEach(item -> merged.add(s, item)));
                    return merged;
                }, serde);
    }
}
