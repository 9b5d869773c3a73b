package io.eddy.dsl;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a sink writer ({@link ForeachWriter#process}, {@link ForeachWriter#close} with a null
 * error, or any later writer of batches) to say that the system it writes to is overloaded and
 * the batch should be tried again later. It is not an error: the error handler never sees it.
 *
 * <p>What the runtime does: it aborts the whole batch at once (no transaction stays open while
 * waiting), rewinds every input partition the batch read to the batch's first record, holds the
 * inputs of the task whose writer threw (paused; the worker's other tasks go on) for
 * {@link #retryAfter()}, then processes those records again in a new batch with the same batch id
 * for that task. Records are neither lost nor committed twice; the writer sees the same
 * {@code (task, batchId)} again, so the usual idempotent writes make its output exactly once.
 * Counted in {@code AppMetrics.retriedBatches()}.
 *
 * <pre>{@code
 * public void process(SinkRecord<String, Long> r) {
 *     if (!db.tryWrite(r.key(), r.value())) {
 *         throw new SinkBackpressureException(Duration.ofMillis(500));
 *     }
 * }
 * }</pre>
 */
public class SinkBackpressureException extends RuntimeException {

    private final Duration retryAfter;

    /**
     * @param retryAfter how long to hold the task's input before retrying; not null, not negative
     * @throws IllegalArgumentException if {@code retryAfter} is negative
     */
    public SinkBackpressureException(Duration retryAfter) {
        this(retryAfter, "sink overloaded; retry after " + retryAfter);
    }

    /**
     * @param retryAfter how long to hold the task's input before retrying; not null, not negative
     * @param message what the sink said, for the log
     * @throws IllegalArgumentException if {@code retryAfter} is negative
     */
    public SinkBackpressureException(Duration retryAfter, String message) {
        super(message, null, false, false);
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** How long the task's input is held before the batch is retried. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
