package io.eddy.dsl;

import java.time.Duration;

/**
 * Windows defined by a maximum time difference between records: for every distinct time
 * {@code t} at which a key has a record, the window {@code [t - maxDifference, t]} (both ends
 * inclusive) aggregates the key's records in it. The result key is
 * {@code Windowed(key, t - maxDifference, t + 1)} (end exclusive). This is "the aggregate of the
 * last {@code maxDifference} at each event"; it stores the key's records for
 * {@code maxDifference} plus the grace period, so the grouped stream needs a value serde
 * ({@link Grouped#with}). Immutable.
 *
 * @see Windows
 */
public final class SlidingWindows implements Windows {
    private final long maxDifferenceMs;
    private final long graceMs;

    private SlidingWindows(long maxDifferenceMs, long graceMs) {
        this.maxDifferenceMs = maxDifferenceMs;
        this.graceMs = graceMs;
    }

    /**
     * Windows covering {@code maxDifference} before each record, with no grace period.
     *
     * @throws IllegalArgumentException if {@code maxDifference} is not positive
     */
    public static SlidingWindows withMaxDifference(Duration maxDifference) {
        return new SlidingWindows(WindowArgs.positiveMillis("maximum time difference", maxDifference), 0);
    }

    /**
     * The same windows with a grace period.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public SlidingWindows grace(Duration grace) {
        return new SlidingWindows(maxDifferenceMs, WindowArgs.graceMillis(grace));
    }

    /** The largest time difference between two records of one window. */
    public Duration maxDifference() {
        return Duration.ofMillis(maxDifferenceMs);
    }

    @Override
    public Duration grace() {
        return Duration.ofMillis(graceMs);
    }

    @Override
    public String toString() {
        return "SlidingWindows(max difference " + maxDifference() + ", grace " + grace() + ")";
    }
}
