package io.eddy.dsl;

import java.time.Duration;

/** Argument checks shared by the window types; messages name the parameter. */
final class WindowArgs {
    private WindowArgs() {
    }

    /** Rejects negative or absurd durations with a message naming the parameter. */
    static long positiveMillis(String what, Duration d) {
        java.util.Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d.toMillis();
    }

    /** Rejects a negative grace period with a message naming it. */
    static long graceMillis(Duration d) {
        java.util.Objects.requireNonNull(d, "grace");
        if (d.isNegative()) {
            throw new IllegalArgumentException("grace must be >= 0, was " + d);
        }
        return d.toMillis();
    }
}
