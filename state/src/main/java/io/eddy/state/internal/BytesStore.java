package io.eddy.state.internal;

import io.eddy.state.StoreIterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A store of byte keys and values with a batch protocol: the unit the runtime changelogs and
 * restores. Keys are ordered unsigned-lexicographically.
 *
 * <p>Writes go to a <em>dirty buffer</em> that collapses per key; reads see it first
 * (read-your-writes). At the end of a micro-batch the runtime reads the buffer with
 * {@link #forEachDirty}, produces it to the changelog inside the Kafka transaction and, once the
 * transaction has committed, calls {@link #commit(long)}, which applies the buffer and the
 * changelog offset to the engine atomically. If the transaction aborts it calls {@link #abort()}.
 *
 * <p><b>Threading:</b> a store is used by one worker thread; no method is thread-safe.
 * <b>Ownership:</b> the store keeps the arrays passed to {@link #put} (callers must not modify
 * them afterwards) and callers must not modify the arrays it returns.
 * <b>Failures:</b> engine failures surface as {@link io.eddy.state.StateStoreException}; use after
 * {@link #close()} throws it too.
 */
public interface BytesStore extends AutoCloseable {

    /** Returns the store's name. */
    String name();

    /**
     * Returns the current value of {@code key}: from the dirty buffer, else the cache, else the
     * engine.
     *
     * @param key the key; never null
     * @return the value, or null if absent, deleted or (window/session stores) expired
     */
    byte[] get(byte[] key);

    /**
     * Buffers a write. A later write of the same key replaces it. Window and session stores
     * ignore (and count) writes whose time has expired.
     *
     * @param key        the key; never null
     * @param valueOrNull the value, or null to delete
     */
    void put(byte[] key, byte[] valueOrNull);

    /**
     * Returns the merged view of dirty buffer and committed data between two keys, in key order,
     * without deleted (or expired) entries. The view is a snapshot taken now: later writes do
     * not affect it. The iterator must be closed.
     *
     * @param fromInclusive the lowest key, or null for none
     * @param toInclusive   the highest key, or null for none
     */
    StoreIterator<Map.Entry<byte[], byte[]>> range(byte[] fromInclusive, byte[] toInclusive);

    /** Returns an estimate of the number of committed entries; cheap. */
    long approximateCount();

    /**
     * Returns the figures of this store alone, under the names {@link StateEnvironment#metrics()}
     * sums over every store: read cache ({@code cache.weight.bytes}, hits, misses), write-behind
     * ({@code store.write-behind.bytes}) and, for a RocksDB store, its memtables
     * ({@code rocksdb.memtable.usage.bytes}), table readers and SST files ({@code rocksdb.sst.bytes}).
     * A few native property reads; never null.
     */
    Map<String, Long> metrics();

    /** Returns the sum of key and value lengths in the dirty buffer. */
    long dirtyBytes();

    /** Returns the number of keys in the dirty buffer. */
    int dirtyCount();

    /**
     * Calls {@code changelogRecord} once per key in the dirty buffer, in the order the keys were
     * first written in this batch, with the last value written (null for a delete). Does not
     * change the buffer.
     */
    void forEachDirty(BiConsumer<byte[], byte[]> changelogRecord);

    /**
     * Makes the dirty entries committed: reads keep seeing them and {@link #abort} no longer
     * drops them. They reach the engine in one atomic write with a changelog offset (RocksDB: one
     * {@code WriteBatch} including the metadata column family): at once for window and session
     * stores; for key-value stores possibly later, collapsed with the commits that follow
     * (write-behind), and at the latest on {@link #close()}. A crash loses what the engine did
     * not get; the engine's offset says where the changelog replay starts. On a failed engine
     * write the store keeps what it had and a {@link io.eddy.state.StateStoreException} is
     * thrown.
     *
     * @param changelogOffset the changelog offset of the last record of this batch
     */
    void commit(long changelogOffset);

    /**
     * Puts the store back to its last commit: the dirty buffer is discarded; committed entries,
     * including those the engine has not got yet, stay.
     */
    void abort();

    /**
     * Returns the changelog offset of the last {@link #commit} or {@link #restore}, or -1 if
     * none; just after opening, the offset the engine holds. In-memory stores return -1 after
     * being reopened because nothing persists.
     */
    long committedOffset();

    /**
     * Applies already-committed changelog records in order (a null value is a delete) together
     * with {@code lastOffset}, atomically; RocksDB writes them without its write-ahead log.
     * Window and session stores ignore and count records that have expired.
     *
     * @param records    the records, in changelog order; may repeat keys
     * @param lastOffset the offset of the last record
     * @throws IllegalStateException if the dirty buffer is not empty
     */
    void restore(List<Map.Entry<byte[], byte[]>> records, long lastOffset);

    /**
     * Returns how many writes and restored records were ignored because their time had expired
     * (window and session stores); always 0 for key-value stores.
     */
    default long droppedExpiredWrites() {
        return 0;
    }

    /**
     * Moves a window or session store's stream time forward to {@code streamTime} (never back):
     * keys older than {@code streamTime - retention} become invisible, and their segments are
     * dropped at the next commit. For stores opened with
     * {@link StoreOptions#withExplicitStreamTime()} this is the only way stream time advances.
     * Key-value stores ignore it.
     */
    default void advanceStreamTime(long streamTime) {
    }

    /**
     * Discards the dirty buffer, writes committed entries the engine has not got yet, and
     * releases the engine (for RocksDB: iterators, column family handles, the database and its
     * options), even if that write fails (the failure is then thrown). Idempotent.
     */
    @Override
    void close();
}
