package io.eddy.state;

import java.util.Objects;

/**
 * A key together with the time interval it belongs to: a window of a window store or a session
 * of a session store.
 *
 * <ul>
 *   <li>For a <b>window</b>, {@code end} is <em>exclusive</em>: the window covers
 *       {@code [start, end)} and {@code end = start + windowSize}.</li>
 *   <li>For a <b>session</b>, {@code end} is <em>inclusive</em>: the session covers
 *       {@code [start, end]}, the timestamps of its first and last record, so a session of a
 *       single record has {@code start == end}.</li>
 * </ul>
 *
 * @param key   the record key; never null
 * @param start the start of the interval, in epoch milliseconds
 * @param end   the end of the interval (see above); never before {@code start}
 * @param <K>   the key type
 */
public record Windowed<K>(K key, long start, long end) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code key} is null
     * @throws IllegalArgumentException if {@code end < start}
     */
    public Windowed {
        Objects.requireNonNull(key, "key");
        if (end < start) {
            throw new IllegalArgumentException("end " + end + " is before start " + start);
        }
    }
}
