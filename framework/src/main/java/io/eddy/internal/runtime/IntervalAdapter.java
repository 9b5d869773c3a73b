package io.eddy.internal.runtime;

/**
 * The adaptive trigger interval of {@link io.eddy.FlowControl#withAdaptiveInterval}: after each
 * committed batch, the next interval.
 *
 * <ul>
 *   <li>Input is waiting (the batch ended with a backlog): the interval grows by half, up to the
 *       ceiling. A backlog means latency is dominated by waiting in Kafka, and larger batches
 *       spend less of their time committing, so the backlog drains sooner.</li>
 *   <li>The worker keeps up: the batch's end-to-end delay is about its interval plus a fixed
 *       overhead (poll, commit), so the interval moves halfway towards
 *       {@code interval + target − delay}: shorter when the batch overshot the target, longer
 *       when it had room. The halfway step damps the noise of single batches.</li>
 * </ul>
 * Always within [floor, ceiling]. Not thread-safe: one worker's loop.
 */
final class IntervalAdapter {
    private final long floorMs;
    private final long ceilingMs;
    private final long targetMs;
    private long intervalMs;

    IntervalAdapter(long floorMs, long ceilingMs, long targetMs, long initialMs) {
        this.floorMs = floorMs;
        this.ceilingMs = ceilingMs;
        this.targetMs = targetMs;
        this.intervalMs = clamp(initialMs);
    }

    long intervalMs() {
        return intervalMs;
    }

    /**
     * Takes a committed batch's figures and returns the next interval.
     *
     * @param endToEndMs the batch's end-to-end delay, or negative if unknown (no record timestamps)
     * @param backlog whether input was left to read when the batch committed
     */
    long update(long endToEndMs, boolean backlog) {
        if (backlog) {
            intervalMs = clamp(intervalMs + Math.max(1, intervalMs / 2));
        } else if (endToEndMs >= 0) {
            long wanted = intervalMs + targetMs - endToEndMs;
            intervalMs = clamp(intervalMs + (wanted - intervalMs) / 2);
        }
        return intervalMs;
    }

    private long clamp(long ms) {
        return Math.max(floorMs, Math.min(ceilingMs, ms));
    }
}
