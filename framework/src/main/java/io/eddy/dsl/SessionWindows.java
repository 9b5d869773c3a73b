package io.eddy.dsl;

import java.time.Duration;

/**
 * Sessions: per key, records at most {@code gap} apart belong to one session
 * {@code Windowed(key, first, last)} (end inclusive). A record may extend a session or merge two;
 * merged-away sessions are deleted (an {@link OutputMode#UPDATE UPDATE} output emits a null value
 * for them). A session closes when the watermark reaches its last record time plus the gap plus
 * the grace period; a record is late when the session it would start would already be closed.
 * Closed sessions are never extended. Immutable.
 *
 * @see Windows
 */
public final class SessionWindows implements Windows {
    private final long gapMs;
    private final long graceMs;

    private SessionWindows(long gapMs, long graceMs) {
        this.gapMs = gapMs;
        this.graceMs = graceMs;
    }

    /**
     * Sessions with inactivity gap {@code gap}, with no grace period.
     *
     * @throws IllegalArgumentException if {@code gap} is not positive
     */
    public static SessionWindows withGap(Duration gap) {
        return new SessionWindows(WindowArgs.positiveMillis("session gap", gap), 0);
    }

    /**
     * The same sessions with a grace period.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public SessionWindows grace(Duration grace) {
        return new SessionWindows(gapMs, WindowArgs.graceMillis(grace));
    }

    /** The inactivity gap that ends a session. */
    public Duration gap() {
        return Duration.ofMillis(gapMs);
    }

    @Override
    public Duration grace() {
        return Duration.ofMillis(graceMs);
    }

    @Override
    public String toString() {
        return "SessionWindows(gap " + gap() + ", grace " + grace() + ")";
    }
}
