package io.eddy.internal.runtime;

import io.eddy.BatchProgress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The figures of {@link BatchProgress} that the batch loop measures as it goes: where a batch's
 * time went (poll, process, flush, commit, state write, restore), the oldest record's timestamp
 * (for the scheduling and end-to-end delays), and the input rate from the growth of the end
 * offsets between two committed batches.
 *
 * <p>Cost: a few additions per poll and per partition chunk, never per record, plus one pass over
 * the worker's partitions per commit. All times are milliseconds of the loop's clock, so a test's
 * manual clock drives every figure. Not thread-safe: the loop's thread only.
 */
final class ProgressMeter {
    /** Keys of {@link BatchProgress#durationMs()}. */
    static final String POLL = "poll";
    static final String PROCESS = "process";
    static final String FLUSH = "flush";
    static final String COMMIT = "commit";
    static final String STATE_WRITE = "stateWrite";
    static final String RESTORE = "restore";
    static final String TOTAL = "total";

    private long pollMs;
    private long processMs;
    private long flushMs;
    private long commitMs;
    private long stateWriteMs;
    private long restoreMs;
    private long oldestTimestamp = Long.MAX_VALUE;

    private Map<TopicPartition, Long> previousEnds;
    private long previousEndsAt;

    void polled(long ms) {
        pollMs += ms;
    }

    void processed(long ms) {
        processMs += ms;
    }

    void flushed(long ms) {
        flushMs += ms;
    }

    void committed(long ms) {
        commitMs += ms;
    }

    void stateWritten(long ms) {
        stateWriteMs += ms;
    }

    void restored(long ms) {
        restoreMs += ms;
    }

    /** A record of the batch (the first of a chunk of one partition) had this timestamp; negative = none. */
    void recordTimestamp(long timestamp) {
        if (timestamp >= 0 && timestamp < oldestTimestamp) {
            oldestTimestamp = timestamp;
        }
    }

    /** The time the open batch spent so far on anything but polling: process, flush, commit, state write. */
    long busyMs() {
        return processMs + flushMs + commitMs + stateWriteMs;
    }

    /** The open batch's end-to-end delay if it commits at {@code committedAt}; -1 if unknown. */
    long endToEndMs(long committedAt) {
        return oldestTimestamp == Long.MAX_VALUE ? -1 : Math.max(0, committedAt - oldestTimestamp);
    }

    /** The batch was aborted: what it measured is dropped (its records are processed again). */
    void aborted() {
        processMs = 0;
        flushMs = 0;
        commitMs = 0;
        stateWriteMs = 0;
        oldestTimestamp = Long.MAX_VALUE;
    }

    /**
     * Fills in the measured figures of a committed batch and starts measuring the next.
     *
     * @param progress the batch's progress so far
     * @param startedAt when the batch's first record was processed (or its timers ran)
     * @param committedAt when its commit (and state write) ended
     * @param endOffsets the end offsets of the worker's input partitions now (those known)
     */
    void finish(BatchProgress.Builder progress, long startedAt, long committedAt, Map<TopicPartition, Long> endOffsets) {
        Map<String, Long> durations = new LinkedHashMap<>();
        durations.put(POLL, pollMs);
        durations.put(PROCESS, processMs);
        durations.put(FLUSH, flushMs);
        durations.put(COMMIT, commitMs);
        durations.put(STATE_WRITE, stateWriteMs);
        durations.put(RESTORE, restoreMs);
        durations.put(TOTAL, committedAt - startedAt);
        progress.durationMs(durations);
        if (oldestTimestamp != Long.MAX_VALUE) {
            progress.schedulingDelay(Duration.ofMillis(startedAt - oldestTimestamp));
            progress.endToEndDelay(Duration.ofMillis(committedAt - oldestTimestamp));
        }
        progress.inputRecordsPerSecond(previousEnds == null ? Double.NaN
                : inputRate(previousEnds, previousEndsAt, endOffsets, committedAt));
        previousEnds = endOffsets;
        previousEndsAt = committedAt;
        pollMs = 0;
        restoreMs = 0;
        aborted();
    }

    /**
     * Records per second that arrived in the partitions known at both times: the growth of their
     * end offsets over the time between. A partition whose end went back (a recreated topic) counts
     * as zero. {@link Double#NaN} if no time passed or no partition is known at both times.
     */
    static double inputRate(Map<TopicPartition, Long> before, long beforeAt, Map<TopicPartition, Long> after,
                            long afterAt) {
        long elapsed = afterAt - beforeAt;
        if (elapsed <= 0) {
            return Double.NaN;
        }
        long arrived = 0;
        boolean any = false;
        for (Map.Entry<TopicPartition, Long> e : after.entrySet()) {
            Long was = before.get(e.getKey());
            if (was != null) {
                any = true;
                arrived += Math.max(0, e.getValue() - was);
            }
        }
        return any ? arrived * 1000.0 / elapsed : Double.NaN;
    }
}
