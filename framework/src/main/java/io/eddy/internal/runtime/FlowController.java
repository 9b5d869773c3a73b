package io.eddy.internal.runtime;

import io.eddy.BatchProgress;
import io.eddy.FlowControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One worker's flow control (see {@link FlowControl}): which of a poll's records a source
 * partition may process now, which partitions are held (paused) and until when, how far the
 * worker is behind its trigger, and the trigger interval of the next batch.
 *
 * <h2>Admission</h2>
 * The loop asks {@link #admit} before processing a chunk of a partition's records. Each record
 * takes one token from every record bucket (the instance's, shared by its workers; the
 * partition's; the backpressure bound while it is in force) and its serialized size from every
 * byte bucket. Admission stops at the first record a bucket cannot pay for; the partition is then
 * held until every bucket has refilled to a quarter of its capacity, and the loop rewinds it to
 * that record and pauses it. Holding and rewinding per partition keeps each batch a contiguous
 * offset range and keeps nothing in memory beyond what the consumer already buffers.
 *
 * <h2>Trigger delay</h2>
 * Each batch whose processing runs past its interval adds the excess to the delay; the time each
 * poll waits for input (time the worker could spare) is taken off; never below zero. It is
 * the start lag of a fixed-rate trigger's batches behind their schedule, the figure Spark calls
 * the scheduling delay, and the integral term of the backpressure controller.
 *
 * <h2>Backpressure</h2>
 * After each batch the {@link PidRateEstimator} updates its estimate. The bound is put in force
 * when the trigger delay exceeds a quarter of the interval, and lifted when the delay is back to
 * zero and the bound did not hold back any partition during the batch (the input no longer
 * reaches it).
 *
 * <p>Not thread-safe (one worker's loop), except the shared {@link InstanceLimits}.
 */
final class FlowController {

    /** The per-instance buckets, shared by an instance's workers; null members are no limit. */
    static final class InstanceLimits {
        final TokenBucket records;
        final TokenBucket bytes;

        private InstanceLimits(TokenBucket records, TokenBucket bytes) {
            this.records = records;
            this.bytes = bytes;
        }

        static InstanceLimits of(FlowControl config, long intervalMs, long now) {
            return new InstanceLimits(bucket(config.maxRecordsPerSecond(), intervalMs, now),
                    bucket(config.maxBytesPerSecond(), intervalMs, now));
        }
    }

    /**
     * The worker consumer's {@code fetch.max.wait.ms} when flow control pauses partitions (unless
     * overridden): a resumed partition's records must come back within a hold's time, not after
     * the default 500 ms a fetch may be parked at the broker.
     */
    static final int FETCH_MAX_WAIT_MS = 25;

    /** Whether {@code config} pauses partitions: a rate limit or backpressure. */
    static boolean pausesInput(FlowControl config) {
        return config.maxRecordsPerSecond() > 0 || config.maxBytesPerSecond() > 0
                || config.maxRecordsPerSecondPerPartition() > 0 || config.maxBytesPerSecondPerPartition() > 0
                || config.backpressure().enabled();
    }

    /**
     * The shortest burst window of a rate limit's bucket: it holds at least this much of its rate,
     * so a loop turn slowed by a commit or a busy machine does not waste the refill (measured: with
     * 100 ms, a 2,000 records/s limit read 1,818 records/s on a loaded machine).
     */
    static final long LIMIT_BURST_MS = 250;
    /** The shortest burst window of the backpressure bound: batches stay near one interval's worth. */
    static final long BOUND_BURST_MS = 100;

    private final FlowControl config;
    private final long baseIntervalMs;
    private final Set<String> unlimitedTopics;
    private final InstanceLimits instance;
    private final boolean admissionLimits;
    private final PidRateEstimator estimator;
    private final IntervalAdapter adapter;

    private final Map<TopicPartition, TokenBucket[]> partitionBuckets = new HashMap<>();
    /** Held partitions and when each may resume. */
    private final Map<TopicPartition, Long> holds = new HashMap<>();

    private long delayMs;
    private long intervalMs;
    private TokenBucket bound;
    private boolean boundHeldBack;

    /**
     * @param config the options
     * @param baseIntervalMs the trigger's interval
     * @param unlimitedTopics topics not limited (the internal repartition topics)
     * @param instance the instance's shared buckets
     */
    FlowController(FlowControl config, long baseIntervalMs, Set<String> unlimitedTopics, InstanceLimits instance) {
        this.config = config;
        this.baseIntervalMs = baseIntervalMs;
        this.unlimitedTopics = Set.copyOf(unlimitedTopics);
        this.instance = instance;
        this.admissionLimits = instance.records != null || instance.bytes != null
                || config.maxRecordsPerSecondPerPartition() > 0 || config.maxBytesPerSecondPerPartition() > 0;
        FlowControl.Backpressure bp = config.backpressure();
        this.estimator = bp.enabled()
                ? new PidRateEstimator(bp.proportional(), bp.integral(), bp.derivative(), bp.minRate()) : null;
        FlowControl.AdaptiveInterval ai = config.adaptiveInterval();
        this.adapter = ai == null ? null : new IntervalAdapter(ai.floor().toMillis(), ai.ceiling().toMillis(),
                ai.targetLatency().toMillis(), baseIntervalMs);
        this.intervalMs = adapter == null ? baseIntervalMs : adapter.intervalMs();
    }

    /** No flow control: the trigger's interval, every record admitted. */
    static FlowController none(long intervalMs) {
        return new FlowController(FlowControl.none(), intervalMs, Set.of(), new InstanceLimits(null, null));
    }

    /** The interval of the open (or next) batch. */
    long intervalMs() {
        return intervalMs;
    }

    /**
     * How many of {@code records[from, to)} of {@code tp} may be processed now, as the index after
     * the last admitted one; their tokens are taken. If that is less than {@code to}, the
     * partition is now held: the caller rewinds it to the record at the returned index and pauses it.
     */
    int admit(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records, int from, int to, long now) {
        if ((!admissionLimits && bound == null) || unlimitedTopics.contains(tp.topic())) {
            return to;
        }
        TokenBucket[] own = partitionBuckets(tp, now);
        TokenBucket[] counted = {instance.records, own[0], bound};
        TokenBucket[] sized = {instance.bytes, own[1]};
        double recordTokens = Double.POSITIVE_INFINITY;
        for (TokenBucket b : counted) {
            if (b != null) {
                recordTokens = Math.min(recordTokens, b.available(now));
            }
        }
        double byteTokens = Double.POSITIVE_INFINITY;
        for (TokenBucket b : sized) {
            if (b != null) {
                byteTokens = Math.min(byteTokens, b.available(now));
            }
        }
        int end = from;
        long bytes = 0;
        while (end < to && end - from < recordTokens && bytes < byteTokens) {
            ConsumerRecord<byte[], byte[]> r = records.get(end);
            bytes += size(r.serializedKeySize(), r.key()) + size(r.serializedValueSize(), r.value());
            end++;
        }
        int admitted = end - from;
        for (TokenBucket b : counted) {
            if (b != null) {
                b.take(admitted);
            }
        }
        for (TokenBucket b : sized) {
            if (b != null) {
                b.take(bytes);
            }
        }
        if (end < to) {
            long wait = 1;
            for (TokenBucket b : counted) {
                if (b != null) {
                    wait = Math.max(wait, b.millisUntil(quantum(b), now));
                }
            }
            for (TokenBucket b : sized) {
                if (b != null) {
                    wait = Math.max(wait, b.millisUntil(quantum(b), now));
                }
            }
            if (bound != null && bound.available(now) < 1) {
                boundHeldBack = true;
            }
            holds.merge(tp, now + wait, Math::max);
        }
        return end;
    }

    /** A record part's serialized size: as the consumer reported it, else the bytes' length (0 for null). */
    private static int size(int serialized, byte[] bytes) {
        return serialized >= 0 ? serialized : bytes == null ? 0 : bytes.length;
    }

    private static double quantum(TokenBucket b) {
        return Math.max(1, b.capacity() / 4);
    }

    private TokenBucket[] partitionBuckets(TopicPartition tp, long now) {
        TokenBucket[] buckets = partitionBuckets.get(tp);
        if (buckets == null) {
            buckets = new TokenBucket[] {bucket(config.maxRecordsPerSecondPerPartition(), baseIntervalMs, now),
                    bucket(config.maxBytesPerSecondPerPartition(), baseIntervalMs, now)};
            partitionBuckets.put(tp, buckets);
        }
        return buckets;
    }

    /** A rate limit's bucket, or null for no limit. */
    private static TokenBucket bucket(double perSecond, long intervalMs, long now) {
        return perSecond <= 0 ? null
                : new TokenBucket(perSecond, capacity(perSecond, Math.max(LIMIT_BURST_MS, intervalMs)), now);
    }

    private static double capacity(double perSecond, long windowMs) {
        return Math.max(1, perSecond * windowMs / 1000.0);
    }

    private static double boundCapacity(double perSecond, long intervalMs) {
        return capacity(perSecond, Math.max(BOUND_BURST_MS, intervalMs));
    }

    /** Holds {@code partitions} until {@code until} (a slow sink asked for it). */
    void hold(Collection<TopicPartition> partitions, long until) {
        partitions.forEach(tp -> holds.merge(tp, until, Math::max));
    }

    /** Whether {@code tp} is held: it must stay paused. */
    boolean held(TopicPartition tp) {
        return holds.containsKey(tp);
    }

    /** Removes and returns the holds that ended by {@code now}: those partitions may resume. */
    List<TopicPartition> releaseDue(long now) {
        if (holds.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> due = new ArrayList<>();
        for (Iterator<Map.Entry<TopicPartition, Long>> it = holds.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TopicPartition, Long> e = it.next();
            if (e.getValue() <= now) {
                due.add(e.getKey());
                it.remove();
            }
        }
        return due;
    }

    /** When the next hold ends, or {@link Long#MAX_VALUE} if none. */
    long nextReleaseAt() {
        long next = Long.MAX_VALUE;
        for (long t : holds.values()) {
            next = Math.min(next, t);
        }
        return next;
    }

    /** Forgets partitions no longer owned. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            holds.remove(tp);
            partitionBuckets.remove(tp);
        });
    }

    /** A poll waited {@code ms} for input: time the worker was not processing, so could spare. */
    void idle(long ms) {
        if (ms > 0) {
            delayMs = Math.max(0, delayMs - ms);
        }
    }

    /** The open batch, started at {@code startedAt}, stops processing at {@code now} and commits. */
    void batchEnding(long startedAt, long now) {
        long overrun = now - startedAt - intervalMs;
        if (overrun > 0) {
            delayMs += overrun;
        }
    }

    /**
     * A batch committed: updates the controller and the interval, and reports them.
     *
     * @param progress the batch's progress, to which the interval, delay and bound are added
     * @param now when it committed
     * @param records its records
     * @param busyMs the time it spent processing, flushing, committing and writing state
     * @param endToEndMs its end-to-end delay, or negative if unknown
     * @param backlog whether input was left to read
     */
    void committed(BatchProgress.Builder progress, long now, long records, long busyMs, long endToEndMs,
                   boolean backlog) {
        if (intervalMs != Long.MAX_VALUE) {   // the test driver cuts its batches itself: no interval
            progress.triggerInterval(Duration.ofMillis(intervalMs));
        }
        progress.triggerDelay(Duration.ofMillis(delayMs));
        if (estimator != null) {
            double rate = estimator.update(now, records, busyMs, delayMs, intervalMs);
            if (bound == null && !Double.isNaN(rate) && delayMs > intervalMs / 4) {
                bound = new TokenBucket(rate, boundCapacity(rate, intervalMs), now);
            } else if (bound != null && delayMs == 0 && !boundHeldBack) {
                bound = null;   // the input no longer reaches the bound and the worker is on schedule
            } else if (bound != null) {
                bound.reset(rate, boundCapacity(rate, intervalMs), now);
            }
        }
        boundHeldBack = false;
        progress.rateBound(bound == null ? Double.NaN : bound.rate());
        if (adapter != null) {
            intervalMs = adapter.update(endToEndMs, backlog);
        }
    }
}
