package io.eddy.state;

/**
 * A window store that a windowed aggregation reads and writes. Not thread-safe.
 *
 * <p>The store keeps windows for a retention period measured in stream time, the largest window
 * start ever written. A write to a window that has already expired ({@code windowStart <
 * streamTime - retention}) is ignored and counted in {@link #droppedExpiredWrites()}; the runtime
 * normally drops such late records before they reach the store.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WindowStore<K, V> extends ReadOnlyWindowStore<K, V> {

    /**
     * Sets the value of one window.
     *
     * @param key         the key; never null
     * @param windowStart the window start, epoch milliseconds
     * @param value       the new value, or null to delete the window
     */
    void put(K key, long windowStart, V value);

    /** Returns how many writes were ignored because their window had expired. */
    long droppedExpiredWrites();
}
