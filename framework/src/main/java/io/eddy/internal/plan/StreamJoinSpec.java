package io.eddy.internal.plan;

import io.eddy.serde.Serde;
import java.util.function.BiFunction;

/**
 * What both sides of a windowed stream-stream join share, fixed when the pipeline is defined.
 *
 * @param maxDifferenceMs how far apart in event time two records may be to join
 * @param graceMs how long after its window a record still waits for a partner
 * @param leftStore the records of this (left) stream
 * @param rightStore the records of the other (right) stream
 * @param leftTimers timers of the left side; null where that side emits no unmatched records
 * @param rightTimers timers of the right side; null where that side emits no unmatched records
 */
@SuppressWarnings("rawtypes")
public record StreamJoinSpec(JoinType type, long maxDifferenceMs, long graceMs, StoreSpec leftStore,
                             StoreSpec rightStore, StoreSpec leftTimers, StoreSpec rightTimers, Serde keySerde,
                             Serde leftSerde, Serde rightSerde, BiFunction joiner) {
}
