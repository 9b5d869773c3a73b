package io.eddy.internal.plan;

import io.eddy.dsl.Aggregator;
import io.eddy.dsl.Merger;
import io.eddy.serde.Serde;
import java.util.function.Supplier;

/**
 * What a windowed aggregation needs, fixed when the pipeline is defined. User functions and
 * serdes are held with erased types: the DSL checked them.
 *
 * @param kind which windows
 * @param sizeMs fixed windows: the size; sliding windows: the maximum difference; sessions: the gap
 * @param advanceMs fixed windows: the advance (tumbling: the size); 0 otherwise
 * @param graceMs how long after its end a window accepts records
 * @param store the aggregates
 * @param recordStore sliding windows: the records of each key; null otherwise
 * @param timerStore the close-time timers, present once a {@code FINAL} output is declared; null before
 * @param merger sessions only: combines the aggregates of merged sessions; null otherwise
 * @param lateNode the first operator of the late-records stream, or null (late records are counted)
 * @param maxKeys the declared bound on distinct keys, or 0
 */
@SuppressWarnings("rawtypes")
public record WindowSpec(Kind kind, long sizeMs, long advanceMs, long graceMs, StoreSpec store, StoreSpec recordStore,
                         StoreSpec timerStore, Serde keySerde, Serde valueSerde, Serde aggregateSerde,
                         Supplier initializer, Aggregator aggregator, Merger merger, PlanNode lateNode, long maxKeys) {

    /** Which windows. */
    public enum Kind { FIXED, SLIDING, SESSION }

    /** A copy whose close-time timers live in {@code timers}. */
    WindowSpec withTimerStore(StoreSpec timers) {
        return new WindowSpec(kind, sizeMs, advanceMs, graceMs, store, recordStore, timers, keySerde, valueSerde,
                aggregateSerde, initializer, aggregator, merger, lateNode, maxKeys);
    }
}
