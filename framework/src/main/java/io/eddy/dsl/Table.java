package io.eddy.dsl;

import java.util.function.BiFunction;

/**
 * A changelog view of a keyed state: the latest value per key. Tables come from aggregations,
 * from a compacted topic ({@link Pipeline#table}), from a stream ({@link RecordStream#toTable}),
 * or from joining two tables. Changes are emitted at each batch commit, one per changed key
 * (the last value in the batch; null for a deleted key).
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
}
