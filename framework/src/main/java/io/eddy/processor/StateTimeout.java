package io.eddy.processor;

/**
 * How the state of a key in {@link io.eddy.dsl.GroupedStream#mapWithState mapWithState} and
 * {@link io.eddy.dsl.GroupedStream#flatMapWithState flatMapWithState} times out (Spark's
 * {@code GroupStateTimeout}).
 */
public enum StateTimeout {
    /** The state never times out. */
    NONE,
    /**
     * The function sets a duration with {@link GroupState#setTimeoutDuration}; the state times out
     * when no record of the key arrives before the clock passes it.
     */
    PROCESSING_TIME,
    /**
     * The function sets an event time with {@link GroupState#setTimeoutTimestamp}; the state times
     * out when the watermark passes it (a vehicle that went silent).
     */
    EVENT_TIME
}
