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

    /** Counts records per key. */
    Table<K, Long> count(Named name);

    /** Counts records per key, in a store with a derived name ({@code count-<n>}). */
    Table<K, Long> count();

    /** Combines the values of each key with {@code reducer}; the first value is the initial aggregate. */
    Table<K, V> reduce(BinaryOperator<V> reducer, Named name);

    /**
     * Folds the values of each key into an aggregate that starts as {@code initializer.get()}.
     *
     * @param aggregateSerde serializes aggregates for the store and its changelog
     */
    <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                              Serde<A> aggregateSerde, Named name);

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
