package io.eddy.dsl;

import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * A changelog view of a keyed state: the latest value per key. Tables come from aggregations,
 * from a compacted topic ({@link Pipeline#table}), from a stream ({@link RecordStream#toTable}),
 * or from joining two tables. Changes are emitted at each batch commit, one per changed key
 * (the last value in the batch; null for a deleted key).
 *
 * <p>A table can be transformed ({@link #mapValues}, {@link #filter}) into tables that keep no
 * state of their own, and regrouped ({@link #groupBy}) into a {@link GroupedTable} to aggregate
 * again: when a row changes, the regrouping subtracts the old row from its old group and adds the
 * new row to its new group, so a multi-level aggregation never counts a row twice.
 *
 * <pre>{@code
 * Table<String, Long> perUser = views.groupByKey(grouped, Named.as("views-per-user")).count(Named.as("views"));
 * Table<Long, Long> usersPerViewCount = perUser
 *     .groupBy((user, n) -> KeyValue.of(n, user), Grouped.with(Serdes.longs(), Serdes.string()), Named.as("by-count"))
 *     .count(Named.as("users-per-count"));
 * }</pre>
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface Table<K, V> {

    /** The table's changes as a stream: one record per key changed in a batch; deletions have null values. */
    RecordStream<K, V> toStream();

    /**
     * The table's output as a stream, in the given mode. {@code UPDATE} is {@link #toStream()};
     * {@code FINAL} needs a windowed aggregation and {@code COMPLETE} an aggregation whose
     * grouping declared {@link GroupedStream#boundedKeys bounded keys}; both are refused
     * otherwise when the pipeline is built, with a message saying why. Records emitted for a
     * window carry the window's last instant ({@code end - 1}, or a session's end) as timestamp.
     *
     * @throws IllegalArgumentException if this table cannot emit in {@code mode}
     */
    RecordStream<K, V> emit(OutputMode mode);

    /**
     * Keeps the table's latest rows in an in-process table readable from any thread (for tests and
     * notebooks): {@code toMemory(name, OutputMode.UPDATE)}.
     *
     * @see MemorySink
     */
    MemorySink<K, V> toMemory(String name);

    /**
     * Keeps the table's output in {@code mode} in an in-process table readable from any thread:
     * {@code UPDATE} and {@code FINAL} keep the latest value per key (a deleted row is removed),
     * {@code COMPLETE} keeps the whole result as of the last committed batch. The same modes as
     * {@link #emit(OutputMode)} are legal, with the same checks. Only committed batches show.
     *
     * @param name the sink's name (its operator in the plan is {@code toMemory-<name>}); not null or blank,
     *        unique among the pipeline's memory sinks
     * @throws IllegalArgumentException if this table cannot emit in {@code mode}
     * @see MemorySink
     */
    MemorySink<K, V> toMemory(String name, OutputMode mode);

    /**
     * Joins with another table of the same key: the result has a row for each key present in both.
     * Both tables must be co-partitioned (they are when their topics have the same partition count
     * and the same keys).
     */
    <VO, R> Table<K, R> join(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner);

    /**
     * Like {@link #join(Table, BiFunction)}, the join operator named {@code name}. The joined table
     * is computed from both sides' stores and keeps none of its own, so an unnamed join gets a
     * derived name ({@code tableJoin-<n>}) without a warning.
     */
    <VO, R> Table<K, R> join(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner, Named name);

    /** Like {@link #join} but keeps every key of this table; {@code joiner} gets null for a missing other row. */
    <VO, R> Table<K, R> leftJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner);

    /** Like {@link #leftJoin(Table, BiFunction)}, the join operator named {@code name}. */
    <VO, R> Table<K, R> leftJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner,
                                 Named name);

    /** Keeps every key of either table; {@code joiner} gets null for the missing side. */
    <VO, R> Table<K, R> outerJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner);

    /** Like {@link #outerJoin(Table, BiFunction)}, the join operator named {@code name}. */
    <VO, R> Table<K, R> outerJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner,
                                  Named name);

    /**
     * A table whose row for each key is {@code mapper(row)}: it keeps no store; its changes are
     * this table's changes mapped (a deleted row stays deleted). {@code mapper} runs on the task's
     * worker thread, when this table emits (at commit) and when the new table is looked up (a
     * join); it must not return null.
     */
    <VR> Table<K, VR> mapValues(Function<? super V, ? extends VR> mapper);

    /** Like {@link #mapValues(Function)}, the operator named {@code name}. */
    <VR> Table<K, VR> mapValues(Function<? super V, ? extends VR> mapper, Named name);

    /**
     * A table of the rows {@code predicate} accepts; it keeps no store. A row that stops passing is
     * deleted: its change is a null value (so {@link #toStream()} emits a tombstone, and a
     * regrouping subtracts it). When this table is a table-table join, which cannot tell a row's
     * previous value, every change that does not pass emits a null, whether the row passed before
     * or not.
     */
    Table<K, V> filter(BiPredicate<? super K, ? super V> predicate);

    /** Like {@link #filter(BiPredicate)}, the operator named {@code name}. */
    Table<K, V> filter(BiPredicate<? super K, ? super V> predicate, Named name);

    /** The rows {@code predicate} rejects; see {@link #filter(BiPredicate)}. */
    Table<K, V> filterNot(BiPredicate<? super K, ? super V> predicate);

    /** Like {@link #filterNot(BiPredicate)}, the operator named {@code name}. */
    Table<K, V> filterNot(BiPredicate<? super K, ? super V> predicate, Named name);

    /**
     * Regroups the rows by the key {@code selector} returns, through the repartition topic
     * {@code <application id>-<name>-repartition}, ready to aggregate again with retractions: each
     * change of a row sends a subtract of its old row (keyed by the old row's group) and an add of
     * its new row (keyed by its new group). {@code selector} returns the new key and the value to
     * aggregate, both non-null. Not available on windowed aggregations, nor on a table-table join
     * (which cannot tell a row's previous value; materialize it first with
     * {@code toStream().toTable(…)}).
     *
     * @throws IllegalArgumentException if this table cannot be regrouped
     */
    <K2, V2> GroupedTable<K2, V2> groupBy(BiFunction<? super K, ? super V, KeyValue<K2, V2>> selector,
                                          Grouped<K2, V2> grouped, Named name);

    /**
     * Like {@link #groupBy(BiFunction, Grouped, Named)}, with a repartition topic of a derived name
     * ({@code groupBy-<n>}), logged as unnamed when the pipeline is built.
     */
    <K2, V2> GroupedTable<K2, V2> groupBy(BiFunction<? super K, ? super V, KeyValue<K2, V2>> selector,
                                          Grouped<K2, V2> grouped);
}
