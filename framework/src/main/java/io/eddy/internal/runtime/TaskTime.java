package io.eddy.internal.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The event-time clock of one task: per input partition, the largest event time seen and when
 * it last delivered a record; from them, the task's watermark.
 *
 * <h2>The watermark rule</h2>
 * <pre>
 *   candidate = min over partitions p that are not idle of (maxEventTime(p) − delay(p))
 *   idle(p)   = now − lastRecordAt(p) ≥ idleTimeout        (a partition with no record yet: MIN)
 *   if every partition is idle (the task is quiet):
 *   candidate = max over p of (maxEventTime(p) − delay(p)) + (now − lastRecordAt(task))
 *   watermark = max(watermark, candidate)                  only when a batch commits
 * </pre>
 * The quiet rule is what closes the last windows of a stream that falls silent: event time is
 * assumed to move with the wall clock once nothing arrives. A restored watermark (committed by
 * the task's previous owner) is a lower bound for everything, so it never goes back.
 *
 * <p>Records call {@link #observe} (one comparison); the worker calls {@link #active} once per
 * partition per poll; {@link #advance} runs at commit. Not thread-safe: the task's worker thread
 * owns it.
 */
public final class TaskTime {
    private final long idleTimeoutMs;
    private final List<PartitionClock> partitions = new ArrayList<>();
    private PartitionClock current;
    private long watermark = Long.MIN_VALUE;
    private long committedWatermark = Long.MIN_VALUE;
    /** The watermark resumed from the previous owner: the quiet rule's base until a record is seen. */
    private long restoredWatermark = Long.MIN_VALUE;
    private long lastRecordAt;

    /** One input partition of the task (the task's partition of one topic). */
    private static final class PartitionClock {
        final String topic;
        final long delayMs;
        long maxEventTime = Long.MIN_VALUE;
        /** {@link #maxEventTime} as of the last commit: an aborted batch's records must not count. */
        long committedMaxEventTime = Long.MIN_VALUE;
        long lastRecordAt;

        PartitionClock(String topic, long delayMs, long now) {
            this.topic = topic;
            this.delayMs = delayMs;
            this.lastRecordAt = now;
        }

        long high() {
            return maxEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : maxEventTime - delayMs;
        }
    }

    TaskTime(long idleTimeoutMs, long now) {
        this.idleTimeoutMs = idleTimeoutMs;
        this.lastRecordAt = now;
    }

    /** Adds the task's partition of {@code topic}, whose event times may be {@code delayMs} out of order. */
    void register(String topic, long delayMs, long now) {
        if (find(topic) == null) {
            partitions.add(new PartitionClock(topic, delayMs, now));
        }
    }

    private PartitionClock find(String topic) {
        for (PartitionClock p : partitions) {
            if (p.topic.equals(topic)) {
                return p;
            }
        }
        return null;
    }

    /** The partition of {@code topic} delivered records in the poll at {@code now}. */
    void active(String topic, long now) {
        PartitionClock p = find(topic);
        if (p != null) {
            p.lastRecordAt = now;
            lastRecordAt = Math.max(lastRecordAt, now);
        }
    }

    /** A record of {@code topic} has event time {@code eventTime}. */
    void observe(String topic, long eventTime) {
        PartitionClock p = current;
        if (p == null || p.topic != topic && !p.topic.equals(topic)) {
            p = find(topic);
            if (p == null) {
                return;   // not an event-time input (a source that reaches no event-time operator)
            }
            current = p;
        }
        if (eventTime > p.maxEventTime) {
            p.maxEventTime = eventTime;
        }
    }

    /** The watermark as of the start of the current batch; {@link Long#MIN_VALUE} before any. */
    public long watermark() {
        return watermark;
    }

    /**
     * The watermark the current batch started with; equal to {@link #watermark()} until
     * {@link #advance} runs at commit.
     */
    long batchStartWatermark() {
        return committedWatermark;
    }

    /** Resumes from a watermark committed earlier (never moves it back). */
    public void restore(long committed) {
        watermark = Math.max(watermark, committed);
        committedWatermark = watermark;
        restoredWatermark = watermark;
    }

    /** The batch committed: its watermark is the new fallback for {@link #rollback}. */
    void committed() {
        committedWatermark = watermark;
        for (PartitionClock p : partitions) {
            p.committedMaxEventTime = p.maxEventTime;
        }
    }

    /** The batch aborted: its records will be processed again under the watermark they first saw. */
    void rollback() {
        watermark = committedWatermark;
        // the retried batch may hold fewer records; a watermark computed from event times the
        // aborted attempt saw would run ahead of what is committed, and make its records late
        for (PartitionClock p : partitions) {
            p.maxEventTime = p.committedMaxEventTime;
        }
    }

    /** What the watermark would become if the batch committed at {@code now}. */
    long candidate(long now) {
        if (partitions.isEmpty()) {
            return watermark;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        boolean allIdle = true;
        for (PartitionClock p : partitions) {
            long high = p.high();
            max = Math.max(max, high);
            if (now - p.lastRecordAt < idleTimeoutMs) {
                allIdle = false;
                min = Math.min(min, high);
            }
        }
        long candidate;
        if (allIdle) {
            // (largest event time seen − delay) + time since the last record; after a restart, before
            // any record, the restored watermark stands in for the unknown largest event time
            long base = max == Long.MIN_VALUE ? restoredWatermark : max;
            long quietFor = Math.max(0, now - lastRecordAt);
            candidate = base == Long.MIN_VALUE ? Long.MIN_VALUE : saturatedAdd(base, quietFor);
        } else {
            candidate = min;
        }
        return Math.max(watermark, candidate);
    }

    /** Moves the watermark to its {@link #candidate} at commit time; returns the new watermark. */
    long advance(long now) {
        watermark = candidate(now);
        return watermark;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
