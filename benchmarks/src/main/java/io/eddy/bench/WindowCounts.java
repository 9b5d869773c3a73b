package io.eddy.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plain clients' state for {@link Workload#W3} on one input partition: tumbling-window counts
 * per (key, window) on the heap, and a watermark with Eddy's rule for a task with one partition.
 *
 * <ul>
 *   <li>The watermark starts at {@link Long#MIN_VALUE} and moves only at {@link #commit}: to
 *       (the largest event time seen − the allowed delay), never backwards. Records between two
 *       commits all see the watermark of the previous commit.</li>
 *   <li>A record counts into its window unless that window is closed (its end is at most the
 *       watermark); then it is late, dropped and counted.</li>
 *   <li>{@link #commit} closes every window whose end the new watermark reached, hands each of its
 *       counts to {@link Sink#closed} (the FINAL output) exactly once and forgets it; then hands
 *       every count changed since the last commit whose window is still open to
 *       {@link Sink#changed} (the changelog).</li>
 * </ul>
 * The caller persists the largest event time with the committed offsets and the changed counts
 * in a changelog, so {@link #restore} and {@link #restoreMaxEventTime} can rebuild this state.
 * Not thread-safe: one loop thread owns it.
 */
final class WindowCounts {
    private final long size;
    private final long delay;
    /** Open windows by start, each a map from key to its count. */
    private final TreeMap<Long, Map<String, Counter>> windows = new TreeMap<>();
    private final List<Counter> changed = new ArrayList<>();
    private long maxEventTime = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long lateRecords;
    /** The last window a record went into: consecutive records mostly share it. */
    private long lastStart = Long.MIN_VALUE;
    private Map<String, Counter> lastWindow;

    /** Where {@link #commit} sends closed windows and changed counts. */
    interface Sink {
        /**
         * A closed window's final count; {@code logged} says whether the changelog holds an entry
         * for it, which must now be deleted.
         */
        void closed(String key, long start, long count, boolean logged);

        /** A count changed since the last commit, in a window still open. */
        void changed(String key, long start, long count);
    }

    /** A key's count in one window. */
    private static final class Counter {
        final String key;
        final long start;
        long count;
        boolean changed;
        boolean logged;

        Counter(String key, long start, long count) {
            this.key = key;
            this.start = start;
            this.count = count;
        }
    }

    /**
     * @param sizeMillis window size
     * @param allowedDelayMillis how far behind the largest event time the watermark stays
     */
    WindowCounts(long sizeMillis, long allowedDelayMillis) {
        if (sizeMillis < 1 || allowedDelayMillis < 0) {
            throw new IllegalArgumentException("size must be positive and delay not negative: " + sizeMillis + ", "
                    + allowedDelayMillis);
        }
        this.size = sizeMillis;
        this.delay = allowedDelayMillis;
    }

    /**
     * Counts a record of {@code key} at event time {@code eventTime} into its window.
     *
     * @return false if the window is already closed: the record is late and not counted
     */
    boolean add(String key, long eventTime) {
        long start = eventTime - Math.floorMod(eventTime, size);
        if (start + size <= watermark) {
            lateRecords++;
            return false;
        }
        maxEventTime = Math.max(maxEventTime, eventTime);
        Map<String, Counter> window;
        if (start == lastStart) {
            window = lastWindow;
        } else {
            window = windows.computeIfAbsent(start, s -> new HashMap<>());
            lastStart = start;
            lastWindow = window;
        }
        Counter c = window.get(key);
        if (c == null) {
            c = new Counter(key, start, 0);
            window.put(key, c);
        }
        c.count++;
        if (!c.changed) {
            c.changed = true;
            changed.add(c);
        }
        return true;
    }

    /**
     * Moves the watermark, emits the windows it closes and the changed counts of open windows;
     * see the class comment.
     */
    void commit(Sink sink) {
        if (maxEventTime != Long.MIN_VALUE) {
            watermark = Math.max(watermark, maxEventTime - delay);
        }
        while (!windows.isEmpty() && windows.firstKey() + size <= watermark) {
            Map.Entry<Long, Map<String, Counter>> closed = windows.pollFirstEntry();
            for (Counter c : closed.getValue().values()) {
                sink.closed(c.key, c.start, c.count, c.logged);
            }
            if (closed.getKey() == lastStart) {
                lastStart = Long.MIN_VALUE;
                lastWindow = null;
            }
        }
        for (Counter c : changed) {
            c.changed = false;
            if (c.start + size > watermark) {
                sink.changed(c.key, c.start, c.count);
                c.logged = true;
            }
        }
        changed.clear();
    }

    /** Puts back a count read from the changelog (no output, nothing marked changed). */
    void restore(String key, long start, long count) {
        Counter c = new Counter(key, start, count);
        c.logged = true;
        windows.computeIfAbsent(start, s -> new HashMap<>()).put(key, c);
    }

    /** Removes a count, for a changelog tombstone read while restoring. */
    void restoreDeleted(String key, long start) {
        Map<String, Counter> window = windows.get(start);
        if (window != null) {
            window.remove(key);
            if (window.isEmpty()) {
                windows.remove(start);
            }
        }
    }

    /** Puts back the largest event time committed with the offsets; the watermark follows from it. */
    void restoreMaxEventTime(long eventTime) {
        maxEventTime = Math.max(maxEventTime, eventTime);
        if (maxEventTime != Long.MIN_VALUE) {
            watermark = Math.max(watermark, maxEventTime - delay);
        }
    }

    /** The largest event time seen (or restored); {@link Long#MIN_VALUE} if none. */
    long maxEventTime() {
        return maxEventTime;
    }

    /** The watermark as of the last commit; {@link Long#MIN_VALUE} if none yet. */
    long watermark() {
        return watermark;
    }

    /** Records dropped because their window was closed. */
    long lateRecords() {
        return lateRecords;
    }

    /** Open (key, window) counts held. */
    int openCounts() {
        int n = 0;
        for (Map<String, Counter> w : windows.values()) {
            n += w.size();
        }
        return n;
    }
}
