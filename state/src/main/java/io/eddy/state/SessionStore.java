package io.eddy.state;

/**
 * A session store that a session-windowed aggregation reads and writes. A session is identified
 * by its key, start and end; merging sessions means removing the old ones and putting the merged
 * one. Writes of sessions that have already expired are ignored. Not thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface SessionStore<K, V> extends ReadOnlySessionStore<K, V> {

    /**
     * Sets the value of a session.
     *
     * @param session the session (end inclusive); never null
     * @param value   the new value, or null to remove the session
     */
    void put(Windowed<K> session, V value);

    /**
     * Removes a session; does nothing if it is absent.
     *
     * @param session the session (end inclusive); never null
     */
    void remove(Windowed<K> session);
}
