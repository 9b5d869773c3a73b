package io.eddy.dsl;

/**
 * What an aggregation emits at each batch commit (see {@link Table#emit}).
 */
public enum OutputMode {
    /**
     * Every row (key, or key and window) that changed in the batch, once, with its new value;
     * a deleted row (a session merged into another) has a null value. The default, and what
     * {@link Table#toStream()} gives.
     */
    UPDATE,
    /**
     * Each window exactly once, with its final value, in the batch in which the watermark passes
     * the window's end plus its grace period. Only for windowed aggregations: a plain aggregation
     * never closes, so {@code FINAL} on it is refused when the pipeline is built. A quiet input
     * still closes its windows: see "Event time" in {@link RecordStream#withEventTime(java.time.Duration)}.
     */
    FINAL,
    /**
     * The whole result (every key, or every live window) at each commit in which something
     * changed. Refused when the pipeline is built unless the grouping declared its key space
     * bounded ({@link GroupedStream#boundedKeys}); exceeding the bound stops the application.
     */
    COMPLETE
}
