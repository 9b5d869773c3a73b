package io.eddy.internal.runtime;

import io.eddy.dsl.SinkBackpressureException;

/**
 * A task's sink threw {@link SinkBackpressureException}: the loop aborts the batch, rewinds, and
 * holds that task's inputs for {@link #retryAfterMs}. Never reaches the error handler.
 */
final class SinkBackpressureSignal extends RuntimeException {
    final int task;
    final long retryAfterMs;

    SinkBackpressureSignal(int task, String operator, SinkBackpressureException cause) {
        super("sink '" + operator + "' of task " + task + " signalled backpressure: " + cause.getMessage(), cause,
                false, false);
        this.task = task;
        this.retryAfterMs = cause.retryAfter().toMillis();
    }
}
