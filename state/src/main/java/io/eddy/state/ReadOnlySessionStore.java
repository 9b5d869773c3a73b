package io.eddy.state;

import java.util.Map;

/**
 * Read access to a session store: values per key and session, where a session is the interval
 * {@code [start, end]} (both inclusive) spanned by a burst of activity of one key. Sessions whose
 * end is older than the retention (relative to the largest session end written) are invisible
 * and eventually deleted. Not thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ReadOnlySessionStore<K, V> {

    /** Returns the store's name, unique within the application. Never null. */
    String name();

    /**
     * Returns the value of exactly one session.
     *
     * @param key   the key; never null
     * @param start the session start, inclusive
     * @param end   the session end, inclusive
     * @return the value, or null if there is no such session
     */
    V fetchSession(K key, long start, long end);

    /**
     * Returns the sessions of {@code key} that end at or after {@code earliestSessionEnd} and
     * start at or before {@code latestSessionStart}, ordered by end, then start. To find the
     * sessions a record at time {@code t} may merge with, given an inactivity gap {@code g}, call
     * {@code findSessions(key, t - g, t + g)}. The iterator must be closed.
     *
     * @param key                the key; never null
     * @param earliestSessionEnd the smallest session end to return
     * @param latestSessionStart the largest session start to return
     */
    StoreIterator<Map.Entry<Windowed<K>, V>> findSessions(
            K key, long earliestSessionEnd, long latestSessionStart);

    /**
     * Returns every live session; the sessions of one key come ordered by end, then start, the
     * order across keys is not specified. The iterator must be closed.
     */
    StoreIterator<Map.Entry<Windowed<K>, V>> all();
}
