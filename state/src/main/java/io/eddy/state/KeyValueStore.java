package io.eddy.state;

/**
 * A key-value store that a stateful operator reads and writes. Writes are buffered until the
 * task's micro-batch commits; reads see them immediately. Not thread-safe.
 *
 * <pre>{@code
 * Long count = store.get(word);
 * store.put(word, count == null ? 1L : count + 1);
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface KeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V> {

    /**
     * Sets the value of {@code key}.
     *
     * @param key   the key; never null
     * @param value the new value, or null to delete the key
     */
    void put(K key, V value);

    /**
     * Deletes {@code key}; does nothing if it is absent.
     *
     * @param key the key; never null
     */
    void delete(K key);
}
