package io.eddy.dsl;

import io.eddy.serde.Serde;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * A stream whose records are grouped by key, each key owned by exactly one task, ready to be
 * aggregated. Aggregations keep one value per key in a state store named after the operator
 * (see {@link Named}) and produce a {@link Table}: at each commit, every key whose aggregate
 * changed in the batch is emitted once, with its new value.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface GroupedStream<K, V> {

    /** Counts records per key, in the store {@code name}. */
    Table<K, Long> count(Named name);

    /**
     * Counts records per key, in a store with a derived name ({@code count-<n>}), logged as unnamed
     * when the pipeline is built; prefer {@link #count(Named)}.
     */
    Table<K, Long> count();

    /**
     * Combines the values of each key with {@code reducer}, in the store {@code name}; the first
     * value is the initial aggregate. Null values are ignored; the reducer must not return null.
     */
    Table<K, V> reduce(BinaryOperator<V> reducer, Named name);

    /**
     * Like {@link #reduce(BinaryOperator, Named)}, in a store with a derived name
     * ({@code reduce-<n>}), logged as unnamed when the pipeline is built.
     */
    Table<K, V> reduce(BinaryOperator<V> reducer);

    /**
     * Folds the values of each key into an aggregate that starts as {@code initializer.get()}.
     *
     * @param aggregateSerde serializes aggregates for the store and its changelog
     */
    <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                              Serde<A> aggregateSerde, Named name);

    /**
     * Like {@link #aggregate(Supplier, Aggregator, Serde, Named)}, in a store with a derived name
     * ({@code aggregate-<n>}), logged as unnamed when the pipeline is built.
     */
    <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                              Serde<A> aggregateSerde);

    /**
     * Cuts the grouped stream into event-time windows; see {@link Windows} for the kinds and
     * {@link RecordStream#withEventTime} for where event time comes from.
     */
    WindowedStream<K, V> window(Windows windows);

    /**
     * Declares that at most {@code maxKeys} distinct keys are grouped, per task, which
     * {@link OutputMode#COMPLETE} requires. A batch that would hold more fails the application
     * with an error naming the bound.
     *
     * @throws IllegalArgumentException if {@code maxKeys} is not positive
     */
    GroupedStream<K, V> boundedKeys(long maxKeys);
}
