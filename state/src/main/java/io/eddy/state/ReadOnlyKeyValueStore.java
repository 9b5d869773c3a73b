package io.eddy.state;

import java.util.Map;

/**
 * Read access to a key-value store.
 *
 * <p>Keys are ordered by their <em>serialized</em> bytes, compared as unsigned bytes
 * lexicographically; this is the order of {@link #range} and {@link #all}, and it equals the
 * natural order of the key type only for serdes designed for it (for example big-endian
 * unsigned integers or UTF-8 strings). Reads see uncommitted writes of the current batch. Not
 * thread-safe: use from the owning task's thread.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ReadOnlyKeyValueStore<K, V> {

    /** Returns the store's name, unique within the application. Never null. */
    String name();

    /**
     * Returns the value of {@code key}.
     *
     * @param key the key; never null
     * @return the value, or null if the key is absent
     */
    V get(K key);

    /**
     * Returns the entries whose serialized keys lie between the bounds, in serialized-key order.
     * The iterator must be closed.
     *
     * @param fromInclusive the lowest key, or null for no lower bound
     * @param toInclusive   the highest key, or null for no upper bound
     * @return an iterator over the entries; empty if {@code from} sorts after {@code to}
     */
    StoreIterator<Map.Entry<K, V>> range(K fromInclusive, K toInclusive);

    /** Returns all entries in serialized-key order. The iterator must be closed. */
    StoreIterator<Map.Entry<K, V>> all();

    /**
     * Returns an estimate of the number of committed entries. Exact for in-memory stores, an
     * estimate (which may count deleted or overwritten entries) for RocksDB stores. Cheap.
     */
    long approximateCount();
}
