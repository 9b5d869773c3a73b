package io.eddy.dsl;

import java.time.Duration;

/**
 * Fixed-size windows that start every {@code advance}, aligned to the epoch, so they overlap
 * when {@code advance < size} (Spark calls these sliding windows). A record at time {@code t}
 * belongs to every window {@code [s, s + size)} with {@code s} a multiple of {@code advance} and
 * {@code s <= t < s + size}. Immutable.
 *
 * @see Windows
 */
public final class HoppingWindows implements Windows {
    private final long sizeMs;
    private final long advanceMs;
    private final long graceMs;

    private HoppingWindows(long sizeMs, long advanceMs, long graceMs) {
        this.sizeMs = sizeMs;
        this.advanceMs = advanceMs;
        this.graceMs = graceMs;
    }

    /**
     * Windows of {@code size} starting every {@code advance}, with no grace period.
     *
     * @throws IllegalArgumentException if either is not positive, or {@code advance > size}
     */
    public static HoppingWindows of(Duration size, Duration advance) {
        long s = WindowArgs.positiveMillis("window size", size);
        long a = WindowArgs.positiveMillis("window advance", advance);
        if (a > s) {
            throw new IllegalArgumentException("window advance " + advance + " must not exceed the window size " + size
                    + " (records between windows would belong to none)");
        }
        return new HoppingWindows(s, a, 0);
    }

    /**
     * The same windows with a grace period.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public HoppingWindows grace(Duration grace) {
        return new HoppingWindows(sizeMs, advanceMs, WindowArgs.graceMillis(grace));
    }

    /** The window size. */
    public Duration size() {
        return Duration.ofMillis(sizeMs);
    }

    /** The distance between the starts of consecutive windows. */
    public Duration advance() {
        return Duration.ofMillis(advanceMs);
    }

    @Override
    public Duration grace() {
        return Duration.ofMillis(graceMs);
    }

    @Override
    public String toString() {
        return "HoppingWindows(size " + size() + ", advance " + advance() + ", grace " + grace() + ")";
    }
}
