package io.eddy.state.internal;

import io.eddy.state.StoreIterator;
import java.util.Map;
import java.util.NavigableSet;

/**
 * The storage under an {@link Engine}: ordered byte maps called <em>segments</em>, identified by a
 * long, plus a small metadata map, all written together by one atomic {@link #write}. A key-value
 * store uses a single segment; window and session stores use one segment per time interval so
 * that retention can drop a whole segment at once. Implemented by RocksDB (one column family per
 * segment) and in memory (one skip-list map per segment). Single-threaded except
 * {@link #addMetrics}, which may run on any thread.
 */
interface Backend extends AutoCloseable {

    /** Names the store and its location, for messages. */
    String describe();

    /** Returns the ids of the existing segments, ascending (a snapshot). */
    NavigableSet<Long> segments();

    /** Returns the committed value of {@code key} in {@code segment}, or null. */
    byte[] get(long segment, byte[] key);

    /**
     * Returns the committed entries of {@code segment} between the bounds (null = open), in key
     * order, as of now; values are never null. Empty if the segment does not exist.
     */
    StoreIterator<Map.Entry<byte[], byte[]>> range(long segment, byte[] fromInclusive, byte[] toInclusive);

    /** Returns an estimate of the number of entries of {@code segment}. */
    long approximateCount(long segment);

    /** Returns a metadata value, or null. */
    byte[] meta(String key);

    /**
     * Applies all changes and metadata atomically. Segments that do not exist are created.
     *
     * @param changes     per segment, key to value, null value = delete
     * @param meta        metadata entries to set
     * @param disableWal  whether to skip the write-ahead log (restore: the changelog is the log)
     */
    void write(Map<Long, ? extends Map<byte[], byte[]>> changes, Map<String, byte[]> meta, boolean disableWal);

    /** Deletes a whole segment; does nothing if it does not exist. */
    void dropSegment(long segment);

    /** Adds engine metrics of this store to {@code into}, summing with existing entries. */
    void addMetrics(Map<String, Long> into);

    /** Releases everything. Idempotent. */
    @Override
    void close();
}
