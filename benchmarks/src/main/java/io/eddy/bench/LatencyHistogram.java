package io.eddy.bench;

/**
 * Counts latencies in whole milliseconds (record timestamps have no finer resolution), exactly up
 * to {@link #EXACT_LIMIT_MILLIS}; larger values share one bucket and only the largest is kept.
 * Not thread-safe.
 */
final class LatencyHistogram {
    /** Latencies below this many milliseconds are counted exactly. */
    static final int EXACT_LIMIT_MILLIS = 600_000;

    /**
     * Percentiles and maximum of a set of latencies, in milliseconds; -1 where there were none.
     *
     * @param count latencies recorded
     * @param p50Millis the median
     * @param p99Millis the 99th percentile
     * @param maxMillis the largest
     */
    record Summary(long count, long p50Millis, long p99Millis, long maxMillis) {
        /** No latencies. */
        static final Summary NONE = new Summary(0, -1, -1, -1);
    }

    private final long[] counts = new long[EXACT_LIMIT_MILLIS + 1];
    private long total;
    private long max = -1;

    /** Records one latency; a negative one (clock skew) counts as 0. */
    void record(long millis) {
        long v = Math.max(0, millis);
        counts[(int) Math.min(v, EXACT_LIMIT_MILLIS)]++;
        total++;
        max = Math.max(max, v);
    }

    /** Latencies recorded. */
    long count() {
        return total;
    }

    /** The largest latency recorded, or -1. */
    long max() {
        return max;
    }

    /**
     * The smallest recorded value {@code v} such that at least a fraction {@code q} of all values
     * are at most {@code v} (the nearest-rank percentile); -1 if nothing was recorded. A value in
     * the overflow bucket is reported as {@link #max()}.
     *
     * @param q between 0 (exclusive) and 1 (inclusive)
     */
    long percentile(double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("percentile must be in (0, 1], was " + q);
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int v = 0; v < counts.length; v++) {
            seen += counts[v];
            if (seen >= rank) {
                return v == EXACT_LIMIT_MILLIS ? max : v;
            }
        }
        return max;
    }

    /** p50, p99 and max. */
    Summary summary() {
        return total == 0 ? Summary.NONE : new Summary(total, percentile(0.50), percentile(0.99), max);
    }
}
