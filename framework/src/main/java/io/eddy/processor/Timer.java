package io.eddy.processor;

import java.util.Objects;

/**
 * A timer of one key: its clock and its time (epoch milliseconds). A key has at most one timer
 * per (domain, time).
 */
public record Timer(TimeDomain domain, long time) {
    /** Checks the domain. */
    public Timer {
        Objects.requireNonNull(domain, "domain");
    }
}
