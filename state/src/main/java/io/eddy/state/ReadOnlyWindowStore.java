package io.eddy.state;

import java.util.Map;

/**
 * Read access to a window store: values per key and fixed-size time window, identified by the
 * window start. Windows older than the store's retention (relative to the largest window start
 * written so far) are invisible and eventually deleted. Not thread-safe.
 *
 * <p>The returned {@link Windowed} keys have an exclusive end, {@code start + windowSize()}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ReadOnlyWindowStore<K, V> {

    /** Returns the store's name, unique within the application. Never null. */
    String name();

    /** Returns the size of the windows in milliseconds. */
    long windowSize();

    /**
     * Returns the value of one window.
     *
     * @param key         the key; never null
     * @param windowStart the window start, epoch milliseconds
     * @return the value, or null if absent or expired
     */
    V fetch(K key, long windowStart);

    /**
     * Returns the windows of {@code key} whose start lies in {@code [fromStart, toStart]},
     * ordered by start. The iterator must be closed.
     *
     * @param key       the key; never null
     * @param fromStart the lowest window start, inclusive
     * @param toStart   the highest window start, inclusive
     */
    StoreIterator<Map.Entry<Windowed<K>, V>> fetch(K key, long fromStart, long toStart);

    /**
     * Returns the windows of all keys whose start lies in {@code [fromStart, toStart]}. The
     * windows of one key come in start order; the order across keys is that of the store's
     * internal encoding and is not specified (keys are not necessarily contiguous). The iterator
     * must be closed.
     *
     * @param fromStart the lowest window start, inclusive
     * @param toStart   the highest window start, inclusive
     */
    StoreIterator<Map.Entry<Windowed<K>, V>> fetchAll(long fromStart, long toStart);

    /**
     * Returns every live window; the windows of one key come in start order, the order across
     * keys is not specified. The iterator must be closed.
     */
    StoreIterator<Map.Entry<Windowed<K>, V>> all();
}
