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
 * <p>{@link #lowLatency(Duration)} is the exception: no batches, each record is processed and its
 * output sent as soon as it is polled, and offsets are committed in the background (at-least-once;
 * see its Javadoc for what it supports).
 *
 * <p>Immutable; validated by {@link EddyApp.Builder#build()}.
 *
 * <pre>{@code
 * .trigger(Trigger.every(Duration.ofMillis(200)))
 * .trigger(Trigger.availableNow())   // drain the backlog, then stop
 * .guarantee(Guarantee.AT_LEAST_ONCE).trigger(Trigger.lowLatency(Duration.ofMillis(100)))
 * }</pre>
 */
public final class Trigger {

    static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    private final Duration interval;
    private final boolean availableNow;
    private final boolean lowLatency;

    private Trigger(Duration interval, boolean availableNow, boolean lowLatency) {
        this.interval = interval;
        this.availableNow = availableNow;
        this.lowLatency = lowLatency;
    }

    /** Commits a batch every {@code interval} while records arrive; runs until closed. */
    public static Trigger every(Duration interval) {
        return new Trigger(interval, false, false);
    }

    /**
     * Processes exactly the records present in the input topics when the application starts (up
     * to the last stable offset of each partition), in batches committed every 100 ms, then stops
     * by itself: the application's state becomes {@link AppState#STOPPED}. Records that arrive
     * after the start are left for the next run.
     */
    public static Trigger availableNow() {
        return new Trigger(DEFAULT_INTERVAL, true, false);
    }

    /** Like {@link #availableNow()} with batches committed every {@code interval}. */
    public static Trigger availableNow(Duration interval) {
        return new Trigger(interval, true, false);
    }

    /**
     * Record-at-a-time processing for the lowest latency (Storm's model rather than micro-batches):
     * each polled record goes through the pipeline at once and its output is sent at once (the
     * producer does not linger, and there is no transaction); the consumed offsets are committed
     * asynchronously every {@code commitInterval}, after the output and state changes sent before
     * them are acknowledged. Requires {@link Guarantee#AT_LEAST_ONCE}: after a crash or a lost
     * partition, the records processed since the last offset commit are processed again, so the
     * output may hold duplicates and a count or aggregate may count a record twice; nothing is
     * lost.
     *
     * <p>Supported operators: the stateless ones (map, mapValues, flatMap, flatMapValues, filter,
     * selectKey, peek, split/branch, merge, toKafka, groupBy's repartition) and keyed aggregations
     * to a table (count, aggregate, reduce) whose every update is emitted at once
     * ({@link io.eddy.dsl.OutputMode#UPDATE}), plus toTable and table mapValues/filter/toStream.
     * Refused by {@link EddyApp.Builder#build()}, naming each operator: event time and windows,
     * joins, global tables, the processor API (process, processValues, mapWithState,
     * updateStateByKey), dropDuplicates, table groupBy, foreach and console sinks, and FINAL or
     * COMPLETE output.
     *
     * @param commitInterval how often consumed offsets (and state changes) are committed; it bounds
     *        how much is reprocessed after a crash, not the latency; positive
     * @return the trigger; never null
     */
    public static Trigger lowLatency(Duration commitInterval) {
        return new Trigger(commitInterval, false, true);
    }

    /**
     * The longest time a batch stays open; for {@link #lowLatency(Duration)}, the interval of its
     * offset commits.
     */
    public Duration interval() {
        return interval;
    }

    /** Whether the application stops once the backlog present at start is processed. */
    public boolean isAvailableNow() {
        return availableNow;
    }

    /** Whether records are processed one at a time, at-least-once (see {@link #lowLatency(Duration)}). */
    public boolean isLowLatency() {
        return lowLatency;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Trigger t && t.availableNow == availableNow && t.lowLatency == lowLatency
                && Objects.equals(t.interval, interval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(interval, availableNow, lowLatency);
    }

    @Override
    public String toString() {
        String kind = availableNow ? "Trigger.availableNow(" : lowLatency ? "Trigger.lowLatency(" : "Trigger.every(";
        return kind + interval + ")";
    }
}
