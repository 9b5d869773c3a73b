package io.eddy.processor;

import java.util.List;

/**
 * The timers of the current key. Timers are state: registering and deleting take effect for the
 * batch being processed and become durable when it commits; an aborted batch's changes vanish.
 * A timer fires once, in a commit, after the batch's records: event-time timers when the task's
 * watermark reaches them, processing-time timers when the clock does (a quiet task still commits
 * a batch without records for them).
 */
public interface TimerService {

    /**
     * Registers an event-time timer; registering an existing one again is a no-op. A time at or
     * below the current watermark fires at the next commit; registered from {@code onTimer}
     * while timers fire, it fires in the same commit, in time order with the others. Without
     * {@code RecordStream#withEventTime} upstream, event time is the record timestamp with no
     * allowed delay.
     */
    void registerEventTime(long time);

    /** Registers a processing-time timer; registering an existing one again is a no-op. */
    void registerProcessingTime(long time);

    /** Deletes an event-time timer if registered. */
    void deleteEventTime(long time);

    /** Deletes a processing-time timer if registered. */
    void deleteProcessingTime(long time);

    /** Deletes every timer of the current key. */
    void deleteAll();

    /** The current key's timers, event time first, each domain in time order. */
    List<Timer> list();
}
