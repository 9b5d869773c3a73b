package io.eddy.dsl;

import java.time.Duration;

/**
 * Fixed-size, non-overlapping windows aligned to the epoch: a record at time {@code t} belongs to
 * the window starting at {@code t - floorMod(t, size)}. Immutable.
 *
 * @see Windows
 */
public final class TumblingWindows implements Windows {
    private final long sizeMs;
    private final long graceMs;

    private TumblingWindows(long sizeMs, long graceMs) {
        this.sizeMs = sizeMs;
        this.graceMs = graceMs;
    }

    /**
     * Windows of {@code size}, with no grace period.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public static TumblingWindows of(Duration size) {
        return new TumblingWindows(WindowArgs.positiveMillis("window size", size), 0);
    }

    /**
     * The same windows with a grace period.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public TumblingWindows grace(Duration grace) {
        return new TumblingWindows(sizeMs, WindowArgs.graceMillis(grace));
    }

    /** The window size. */
    public Duration size() {
        return Duration.ofMillis(sizeMs);
    }

    @Override
    public Duration grace() {
        return Duration.ofMillis(graceMs);
    }

    @Override
    public String toString() {
        return "TumblingWindows(size " + size() + ", grace " + grace() + ")";
    }
}
