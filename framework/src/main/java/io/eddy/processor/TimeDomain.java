package io.eddy.processor;

/** The clock a timer follows. */
public enum TimeDomain {
    /** The task's watermark: the timer fires once the watermark reaches its time. */
    EVENT_TIME,
    /** The wall clock: the timer fires at the first commit at or after its time. */
    PROCESSING_TIME
}
