package io.eddy.dsl;

import java.time.Duration;

/**
 * The window of a stream-stream join: two records of one key join when their event times are at
 * most {@code maxDifference} apart. A record waits in the join's state until the watermark
 * passes its time plus {@code maxDifference} plus the grace period; then it is dropped, and a
 * left or outer join emits it with a null partner if it never joined. Immutable.
 */
public final class JoinWindows {
    private final long maxDifferenceMs;
    private final long graceMs;

    private JoinWindows(long maxDifferenceMs, long graceMs) {
        this.maxDifferenceMs = maxDifferenceMs;
        this.graceMs = graceMs;
    }

    /**
     * Records at most {@code maxDifference} apart join; no grace period.
     *
     * @throws IllegalArgumentException if {@code maxDifference} is negative
     */
    public static JoinWindows of(Duration maxDifference) {
        java.util.Objects.requireNonNull(maxDifference, "maxDifference");
        if (maxDifference.isNegative()) {
            throw new IllegalArgumentException("join window maximum difference must be >= 0, was " + maxDifference);
        }
        return new JoinWindows(maxDifference.toMillis(), 0);
    }

    /**
     * The same window with a grace period.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public JoinWindows grace(Duration grace) {
        return new JoinWindows(maxDifferenceMs, WindowArgs.graceMillis(grace));
    }

    /** The largest event-time difference of two joined records. */
    public Duration maxDifference() {
        return Duration.ofMillis(maxDifferenceMs);
    }

    /** How long, in watermark time, a record keeps waiting for partners after its window ended. */
    public Duration grace() {
        return Duration.ofMillis(graceMs);
    }

    @Override
    public String toString() {
        return "JoinWindows(max difference " + maxDifference() + ", grace " + grace() + ")";
    }
}
