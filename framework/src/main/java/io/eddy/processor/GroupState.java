package io.eddy.processor;

import java.time.Duration;

/**
 * The one state value of a key in {@link io.eddy.dsl.GroupedStream#mapWithState mapWithState} /
 * {@link io.eddy.dsl.GroupedStream#flatMapWithState flatMapWithState} (Spark's {@code GroupState}),
 * with its timeout. A call for a record has {@link #hasTimedOut()} false; a call because the
 * timeout passed has it true and no record (the value argument is null). A timeout set in one call
 * replaces the previous one; a call that sets none after a record leaves none (the key does not
 * time out until a later call sets one), as in Spark. As in Spark, timeouts are checked when the
 * batch commits, after its records: a record of the key in the same batch in which the watermark
 * (or the clock) passes its timeout is processed first and cancels the timeout. For a stricter
 * event-time order, use a {@link KeyedProcessor} and its timers.
 *
 * @param <S> state type
 */
public interface GroupState<S> {

    /** Whether the key has a state. */
    boolean exists();

    /**
     * The state.
     *
     * @throws java.util.NoSuchElementException if there is none
     */
    S get();

    /** The state, or null if there is none. */
    S getOrNull();

    /** Sets the state. @throws NullPointerException if {@code state} is null (use {@link #remove()}) */
    void update(S state);

    /** Removes the state (and its timeout). */
    void remove();

    /** Whether this call is the key's timeout rather than a record. */
    boolean hasTimedOut();

    /**
     * Times the key out after {@code duration} of processing time without a record.
     *
     * @throws IllegalStateException if the operator's timeout is not {@link StateTimeout#PROCESSING_TIME}
     */
    void setTimeoutDuration(Duration duration);

    /**
     * Times the key out once the watermark passes {@code eventTime} (epoch milliseconds).
     *
     * @throws IllegalStateException if the operator's timeout is not {@link StateTimeout#EVENT_TIME}
     */
    void setTimeoutTimestamp(long eventTime);

    /** The task's watermark (see {@link KeyedContext#watermark()}). */
    long watermark();

    /** The current record's timestamp, or the timeout's time in a timeout call. */
    long timestamp();
}
