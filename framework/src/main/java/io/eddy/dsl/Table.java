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
     * Joins with another table of the same key: the result has a row for each key present in both.
     * Both tables must be co-partitioned (they are when their topics have the same partition count
     * and the same keys).
     */
    <VO, R> Table<K, R> join(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner);

    /** Like {@link #join} but keeps every key of this table; {@code joiner} gets null for a missing other row. */
    <VO, R> Table<K, R> leftJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner);

    /** Keeps every key of either table; {@code joiner} gets null for the missing side. */
    <VO, R> Table<K, R> outerJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner);
}
