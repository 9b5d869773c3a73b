package io.eddy.dsl;

/**
 * A table that every instance of the application reads in full from its topic (all partitions),
 * for joining a stream with reference data whatever the stream's partitioning: the stream-static
 * join. It is loaded before processing starts and then kept up to date in the background, so a
 * join sees the latest value read so far (updates are not aligned with the stream's batches).
 * Kept in memory: meant for reference data, not for large tables.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface GlobalTable<K, V> {
}
