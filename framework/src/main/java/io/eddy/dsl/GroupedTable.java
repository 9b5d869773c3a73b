package io.eddy.dsl;

import io.eddy.serde.Serde;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * A table regrouped by a new key ({@link Table#groupBy}), ready to be aggregated again. Unlike a
 * {@link GroupedStream}, whose records only add, a regrouped table's rows change and disappear:
 * every aggregation here takes an <em>adder</em> and a <em>subtractor</em>. When a source row
 * changes from {@code old} to {@code new}, {@code old} is subtracted from its group and
 * {@code new} added to its group (the same or another), so the result always equals the
 * aggregation of the source table's current rows computed from scratch. A group whose last row is
 * subtracted is deleted (the table emits null for it), rather than kept with an empty aggregate.
 *
 * <p>The subtractor must undo the adder: {@code subtractor(k, v, adder(k, v, a))} must equal
 * {@code a} for the result to match a computation from scratch (true of sums and counts, not of
 * floating-point sums in general). Adders and subtractors run on the task's worker thread and must
 * not return null.
 *
 * @param <K> the new key type
 * @param <V> the type of the values aggregated
 */
public interface GroupedTable<K, V> {

    /** The number of source rows per group, in the store {@code name}. */
    Table<K, Long> count(Named name);

    /** Like {@link #count(Named)}, in a store with a derived name ({@code count-<n>}), logged as unnamed. */
    Table<K, Long> count();

    /**
     * Combines the values of each group with {@code adder} (the first value is the initial
     * aggregate) and removes a value with {@code subtractor(aggregate, value)}, in the store
     * {@code name}.
     */
    Table<K, V> reduce(BinaryOperator<V> adder, BinaryOperator<V> subtractor, Named name);

    /** Like {@link #reduce(BinaryOperator, BinaryOperator, Named)}, in a store with a derived name, logged as unnamed. */
    Table<K, V> reduce(BinaryOperator<V> adder, BinaryOperator<V> subtractor);

    /**
     * Folds the values of each group into an aggregate that starts as {@code initializer.get()}:
     * {@code adder(key, value, aggregate)} when a row joins the group,
     * {@code subtractor(key, value, aggregate)} when it leaves, in the store {@code name}.
     *
     * @param aggregateSerde serializes aggregates for the store and its changelog
     */
    <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> adder,
                              Aggregator<? super K, ? super V, A> subtractor, Serde<A> aggregateSerde, Named name);

    /** Like {@link #aggregate(Supplier, Aggregator, Aggregator, Serde, Named)}, in a store with a derived name. */
    <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> adder,
                              Aggregator<? super K, ? super V, A> subtractor, Serde<A> aggregateSerde);
}
