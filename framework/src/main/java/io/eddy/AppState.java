package io.eddy;

/**
 * The lifecycle of an {@link EddyApp}:
 * <pre>
 * CREATED → STARTING → RUNNING ⇄ REBALANCING → STOPPED
 *                 ↘──────────────↘──────────→ ERROR
 * </pre>
 * STOPPED and ERROR are terminal.
 */
public enum AppState {
    /** Built, not started. */
    CREATED,
    /** Started; workers are joining the group for the first time. */
    STARTING,
    /** Every worker has its tasks and is processing. */
    RUNNING,
    /** At least one worker is in a rebalance; the others keep processing. */
    REBALANCING,
    /** A fatal error stopped the application; {@link EddyApp#failure()} says which. */
    ERROR,
    /** Closed, or finished its backlog under {@link Trigger#availableNow()}. */
    STOPPED;

    /** Whether no further transition can happen. */
    public boolean isTerminal() {
        return this == ERROR || this == STOPPED;
    }
}
