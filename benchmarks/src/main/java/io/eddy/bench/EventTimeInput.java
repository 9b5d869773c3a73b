package io.eddy.bench;

import org.apache.kafka.common.utils.Utils;

/**
 * The input of {@link Workload#W3}, the windowed count, and what its output must hold. A pure
 * function of its parameters, so the loader, the engines' settings and the check agree.
 *
 * <h2>Layout</h2>
 * Record {@code i} (from 0) has key {@code key-<i mod keys>} (as {@link Workload#keyBytes}), goes
 * to partition {@link #partitionOf(int)} of that key (Kafka's default partitioner: murmur2 of the
 * key bytes), and carries the record timestamp {@link #eventTime(long)}:
 * {@code base + floor(i * 60000 / recordsPerMinute) - jitter(i)}, where {@code jitter(i)} is a
 * hash of {@code i} in {@code [0, disorderMillis]}. Event time therefore advances by one minute
 * every {@code recordsPerMinute} records, so {@code records} records span
 * {@code records / recordsPerMinute} one-minute windows, and every record's event time is at least
 * the largest event time before it (in the whole topic, so in its partition too) minus
 * {@code disorderMillis}: the disorder is bounded.
 *
 * <h2>Why nothing is late, and which windows must close</h2>
 * Every engine gets {@code disorderMillis} as its allowance for disorder: Eddy as the allowed delay
 * of {@code withEventTime} (grace 0), so a task's watermark is its partition's largest event time
 * minus the delay; Kafka Streams as the windows' grace, so a window closes when the task's stream
 * time (its partition's largest timestamp) reaches its end plus the grace; the plain clients with
 * Eddy's rule. Each task reads one input partition. With disorder bounded by the allowance, no
 * record falls into a closed window, so the true count of a (key, window) is the number of input
 * records in it. Once all input is processed, the windows whose end is at most
 * {@code max event time of the key's partition - disorderMillis} are closed under all three rules
 * and must have been emitted, each exactly once ({@link #expected()}).
 *
 * @param records input records
 * @param keys distinct keys
 * @param partitions input partitions
 * @param baseMillis the event time of record 0 before its jitter; a multiple of the window size
 * @param recordsPerMinute input records per minute of event time
 * @param disorderMillis the largest jitter, and every engine's allowance for disorder
 */
record EventTimeInput(long records, int keys, int partitions, long baseMillis, long recordsPerMinute,
                      long disorderMillis) {
    /** The window size: tumbling one-minute windows. */
    static final long WINDOW_MILLIS = 60_000;

    /**
     * The most (key, window) cells {@link #expected()} keeps (16M longs, 128 MiB): more would not
     * fit the harness's heap.
     */
    static final long MAX_CELLS = 16L << 20;

    /** Input event times end at least this long before the load: the broker refuses timestamps far in the future. */
    private static final long END_BEFORE_NOW_MILLIS = 10 * 60_000L;

    /** Input event times may span at most this much: older records would fall to the topics' retention (7 days). */
    static final long MAX_SPAN_MILLIS = 2 * 24 * 3600_000L;

    EventTimeInput {
        if (records < 1 || keys < 1 || partitions < 1 || recordsPerMinute < 1 || disorderMillis < 0) {
            throw new IllegalArgumentException("records, keys, partitions and recordsPerMinute must be positive and "
                    + "disorderMillis not negative: " + records + ", " + keys + ", " + partitions + ", "
                    + recordsPerMinute + ", " + disorderMillis);
        }
        if (Math.floorMod(baseMillis, WINDOW_MILLIS) != 0) {
            throw new IllegalArgumentException("baseMillis must be a multiple of " + WINDOW_MILLIS + ": " + baseMillis);
        }
    }

    /**
     * The input for a load at {@code nowMillis}: event times end about ten minutes before it (the
     * broker rejects records too far in the future), so the base is in the past by the span.
     *
     * @throws IllegalArgumentException if the event times would span more than two days
     */
    static EventTimeInput loadedAt(long nowMillis, long records, int keys, int partitions, long recordsPerMinute,
                                   long disorderMillis) {
        long span = spanMillis(records, recordsPerMinute);
        if (span > MAX_SPAN_MILLIS) {
            throw new IllegalArgumentException("W3's event time would span " + span / 60_000 + " minutes (--records "
                    + records + " at --w3-records-per-minute " + recordsPerMinute + "), more than "
                    + MAX_SPAN_MILLIS / 60_000 + "; raise --w3-records-per-minute");
        }
        long base = windowStart(nowMillis - END_BEFORE_NOW_MILLIS - span);
        return new EventTimeInput(records, keys, partitions, base, recordsPerMinute, disorderMillis);
    }

    /** How much event time {@code records} records span before jitter. */
    static long spanMillis(long records, long recordsPerMinute) {
        return Math.multiplyHigh(records, WINDOW_MILLIS) != 0 ? Long.MAX_VALUE
                : records * WINDOW_MILLIS / recordsPerMinute;
    }

    /**
     * How many one-minute windows {@link #expected()} covers for {@code records} records, at most:
     * the span and the disorder on both sides, in minutes, plus two partial windows.
     */
    static long windowCount(long records, long recordsPerMinute, long disorderMillis) {
        long span = spanMillis(records, recordsPerMinute);
        return span >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : (span + 2 * disorderMillis) / WINDOW_MILLIS + 2;
    }

    /** The key index of record {@code index}. */
    int keyOf(long index) {
        return (int) (index % keys);
    }

    /** The partition of key {@code key}: what Kafka's default partitioner chooses for its bytes. */
    int partitionOf(int key) {
        return Utils.toPositive(Utils.murmur2(Workload.keyBytes(key))) % partitions;
    }

    /** Every key's partition, indexed by key. */
    int[] partitionsByKey() {
        int[] byKey = new int[keys];
        for (int k = 0; k < keys; k++) {
            byKey[k] = partitionOf(k);
        }
        return byKey;
    }

    /** The event time (record timestamp) of record {@code index}. */
    long eventTime(long index) {
        return baseMillis + index * WINDOW_MILLIS / recordsPerMinute - jitter(index, disorderMillis);
    }

    /** A hash of {@code index} in {@code [0, disorderMillis]}: how far record {@code index} lags behind. */
    static long jitter(long index, long disorderMillis) {
        if (disorderMillis == 0) {
            return 0;
        }
        long z = index + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return Math.floorMod(z, disorderMillis + 1);
    }

    /** The start of the tumbling one-minute window holding event time {@code t}. */
    static long windowStart(long t) {
        return t - Math.floorMod(t, WINDOW_MILLIS);
    }

    /**
     * Computes the true count of every (key, window) and which windows must be closed at the end
     * of the input (see the class comment).
     *
     * @throws IllegalStateException if there are more than {@link #MAX_CELLS} (key, window) cells
     */
    Expected expected() {
        long first = windowStart(baseMillis - disorderMillis);
        long last = windowStart(eventTime(records - 1) + disorderMillis);
        long windows = (last - first) / WINDOW_MILLIS + 1;
        if (windows * keys > MAX_CELLS) {
            throw new IllegalStateException(windows + " windows x " + keys + " keys are too many to check; use fewer "
                    + "keys or more records per minute");
        }
        long[] counts = new long[(int) (windows * keys)];
        int[] partitionOfKey = partitionsByKey();
        long[] maxByPartition = new long[partitions];
        java.util.Arrays.fill(maxByPartition, Long.MIN_VALUE);
        for (long i = 0; i < records; i++) {
            int key = keyOf(i);
            long t = eventTime(i);
            counts[(int) ((windowStart(t) - first) / WINDOW_MILLIS * keys + key)]++;
            int p = partitionOfKey[key];
            maxByPartition[p] = Math.max(maxByPartition[p], t);
        }
        boolean[] mustClose = new boolean[counts.length];
        long required = 0;
        for (int w = 0; w < windows; w++) {
            long end = first + (w + 1) * WINDOW_MILLIS;
            for (int k = 0; k < keys; k++) {
                int cell = w * keys + k;
                long max = maxByPartition[partitionOfKey[k]];
                if (counts[cell] > 0 && max != Long.MIN_VALUE && end <= max - disorderMillis) {
                    mustClose[cell] = true;
                    required++;
                }
            }
        }
        return new Expected(keys, first, (int) windows, counts, mustClose, required);
    }

    /**
     * The true W3 output: per (key, window) cell {@code window * keys + key}, its count and whether
     * it must have been emitted by the end of the input.
     *
     * @param keys distinct keys
     * @param firstWindowStart the start of window 0
     * @param windows how many windows the cells cover
     * @param counts the true count of each cell (0 for a cell no record falls into)
     * @param mustClose whether each cell's window is closed once all input is processed
     * @param required how many cells must be closed (the output records expected by the end)
     */
    record Expected(int keys, long firstWindowStart, int windows, long[] counts, boolean[] mustClose,
                    long required) {

        /** The cell of key {@code key} and the window starting at {@code start}, or -1 if there is none. */
        int cell(int key, long start) {
            if (key < 0 || key >= keys || start < firstWindowStart || Math.floorMod(start, WINDOW_MILLIS) != 0) {
                return -1;
            }
            long w = (start - firstWindowStart) / WINDOW_MILLIS;
            return w >= windows ? -1 : (int) (w * keys + key);
        }

        /** How many cells hold at least one record. */
        long nonEmpty() {
            long n = 0;
            for (long c : counts) {
                n += c > 0 ? 1 : 0;
            }
            return n;
        }
    }
}
