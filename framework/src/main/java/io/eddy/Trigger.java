package io.eddy;

import java.time.Duration;
import java.util.Objects;

/**
 * When a worker ends a micro-batch and commits it. A batch starts with the first record a worker
 * processes after the previous commit and ends when the trigger's interval has passed since then
 * (or earlier, when {@link EddyApp.Builder#maxRecordsPerBatch} records were processed). Batches
 * never contain records that arrived after the commit they end with, so the interval bounds the
 * time a record waits for its commit.
 *
 * <p>Immutable; validated by {@link EddyApp.Builder#build()}.
 *
 * <pre>{@code
 * .trigger(Trigger.every(Duration.ofMillis(200)))
 * .trigger(Trigger.availableNow())   // drain the backlog, then stop
 * }</pre>
 */
public final class Trigger {

    static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    private final Duration interval;
    private final boolean availableNow;

    private Trigger(Duration interval, boolean availableNow) {
        this.interval = interval;
        this.availableNow = availableNow;
    }

    /** Commits a batch every {@code interval} while records arrive; runs until closed. */
    public static Trigger every(Duration interval) {
        return new Trigger(interval, false);
    }

    /**
     * Processes exactly the records present in the input topics when the application starts (up
     * to the last stable offset of each partition), in batches committed every 100 ms, then stops
     * by itself: the application's state becomes {@link AppState#STOPPED}. Records that arrive
     * after the start are left for the next run.
     */
    public static Trigger availableNow() {
        return new Trigger(DEFAULT_INTERVAL, true);
    }

    /** Like {@link #availableNow()} with batches committed every {@code interval}. */
    public static Trigger availableNow(Duration interval) {
        return new Trigger(interval, true);
    }

    /** The longest time a batch stays open. */
    public Duration interval() {
        return interval;
    }

    /** Whether the application stops once the backlog present at start is processed. */
    public boolean isAvailableNow() {
        return availableNow;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Trigger t && t.availableNow == availableNow && Objects.equals(t.interval, interval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(interval, availableNow);
    }

    @Override
    public String toString() {
        return (availableNow ? "Trigger.availableNow(" : "Trigger.every(") + interval + ")";
    }
}
