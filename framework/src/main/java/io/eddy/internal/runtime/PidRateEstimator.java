package io.eddy.internal.runtime;

/**
 * Estimates, after each committed batch, the input rate a worker's processing sustains within its
 * trigger: the backpressure bound of {@link io.eddy.FlowControl.Backpressure}.
 *
 * <h2>The controller</h2>
 * It observes, per batch: the records processed, the busy time they took (processing, flush,
 * commit and state write: everything but waiting for input), the trigger interval, and the
 * trigger delay (how far the worker is behind its trigger's schedule, see
 * {@link io.eddy.BatchProgress#triggerDelay()}). From these:
 * <pre>
 *   processing rate  r = records / busy time
 *   error            e = bound − r                  (the bound asks more than processing did)
 *   backlog term     h = delay · r / interval      (the records the delay stands for, per interval)
 *   change           de = (e − previous e) / elapsed seconds
 *   next bound         = max(minRate, bound − P·e − I·h − D·de)
 * </pre>
 * With the default gains (P = 1, I = 0.2, D = 0) the bound follows the processing rate and keeps
 * a margin below it while the worker is behind, so the worker catches up with its trigger; the
 * margin vanishes once the delay is gone. The first observation has no bound to compare with: the
 * bound starts at {@code r − I·h}. Batches with no records, or no busy time, change nothing.
 *
 * <p>The idea (PID on the error between processing and ingestion rates, with the scheduling delay
 * as the integral term) is the one of Spark Streaming's rate estimator; this is a separate
 * implementation over Eddy's figures. Not thread-safe: one worker's loop.
 */
final class PidRateEstimator {
    private final double proportional;
    private final double integral;
    private final double derivative;
    private final double minRate;

    private boolean started;
    private double rate;
    private double lastError;
    private long lastTime;

    PidRateEstimator(double proportional, double integral, double derivative, double minRate) {
        this.proportional = proportional;
        this.integral = integral;
        this.derivative = derivative;
        this.minRate = minRate;
    }

    /**
     * Takes one batch's figures and returns the new bound, in records per second, or
     * {@link Double#NaN} when there is none yet.
     *
     * @param now when the batch committed, in milliseconds of the loop's clock
     * @param records records the batch processed
     * @param busyMs the time the batch spent on them (not waiting for input)
     * @param delayMs the worker's trigger delay after the batch
     * @param intervalMs the trigger interval the batch ran with
     */
    double update(long now, long records, long busyMs, long delayMs, long intervalMs) {
        if (records <= 0 || busyMs <= 0 || intervalMs <= 0) {
            return started ? rate : Double.NaN;
        }
        double processingRate = records * 1000.0 / busyMs;
        double backlog = delayMs * processingRate / intervalMs;
        if (!started) {
            started = true;
            rate = Math.max(minRate, processingRate - integral * backlog);
            lastError = 0;
            lastTime = now;
            return rate;
        }
        double elapsed = Math.max(1, now - lastTime) / 1000.0;
        double error = rate - processingRate;
        double change = (error - lastError) / elapsed;
        rate = Math.max(minRate, rate - proportional * error - integral * backlog - derivative * change);
        lastError = error;
        lastTime = now;
        return rate;
    }

    /** The current bound, or {@link Double#NaN} before the first observation. */
    double rate() {
        return started ? rate : Double.NaN;
    }
}
