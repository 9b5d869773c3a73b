package io.eddy.internal.runtime;

import io.eddy.BatchProgress;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} committed batches of all workers of an instance, oldest first: a ring
 * buffer written by the workers and read by whoever asks (an HTTP endpoint, a metrics scrape).
 * Thread-safe; adding is a lock and an array store, reading copies at most {@code capacity} references.
 */
final class ProgressHistory {
    private final BatchProgress[] ring;
    private long added;

    ProgressHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.ring = new BatchProgress[capacity];
    }

    synchronized void add(BatchProgress progress) {
        ring[(int) (added % ring.length)] = progress;
        added++;
    }

    /** The newest batch, or null before the first. */
    synchronized BatchProgress last() {
        return added == 0 ? null : ring[(int) ((added - 1) % ring.length)];
    }

    /** The batches kept, oldest first. */
    synchronized List<BatchProgress> snapshot() {
        int n = (int) Math.min(added, ring.length);
        List<BatchProgress> out = new ArrayList<>(n);
        for (long i = added - n; i < added; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return out;
    }
}
