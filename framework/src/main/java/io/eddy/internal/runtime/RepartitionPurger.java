package io.eddy.internal.runtime;

import io.eddy.BatchProgress;
import io.eddy.OffsetRange;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the records of repartition topics that the consuming tasks have read and committed, so
 * that those topics stay bounded. Repartition topics have no time-based retention (their records
 * carry event times, which can be old, and the broker would delete them unread), so without this
 * they would grow forever.
 *
 * <h2>What may be deleted</h2>
 * Task {@code p} is the only reader of partition {@code p} of a repartition topic, and a batch's
 * {@link BatchProgress} is reported only after its commit succeeded (under exactly-once: its
 * transaction, which carried the consumed offsets, committed). So for each repartition partition
 * in a committed batch, every record before {@code last + 1} has been read and committed by the
 * group; that committed offset is the bound given to {@code deleteRecords}. A bound never goes
 * back: the group's committed offset of a partition only grows, whichever worker owns it next, and
 * deleting below the log start offset is a no-op.
 *
 * <h2>How often</h2>
 * {@link #committed} only remembers the highest bound per partition (no I/O, cheap enough for
 * every commit). {@link #maybePurge()}, called once per turn of the worker's loop, sends one
 * asynchronous delete request for all remembered bounds at most once per interval, and never
 * while the previous request is unanswered: the worker's thread never waits for the broker. A
 * failed partition's bound goes back into the remembered ones (unless a higher one arrived) and is
 * retried at the next interval; a failure is logged at WARN the first time its kind (exception
 * class) is seen and at DEBUG after that, and never fails the application.
 *
 * <p>Threading: {@link #committed}, {@link #maybePurge()} and {@link #close()} are called by the
 * worker's thread; a request's outcome arrives on the admin client's thread. Both hold this
 * object's lock, briefly.
 */
final class RepartitionPurger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RepartitionPurger.class);

    /**
     * Deletes the records of partitions before given offsets, asynchronously ({@code Admin.deleteRecords}
     * in production, {@link AdminRecordDeleter}; a fake in unit tests).
     */
    interface RecordDeleter {
        /**
         * Starts deleting, for each partition, the records before its offset.
         *
         * @param before partition to the first offset to keep; not empty
         * @return completes with the partitions that failed and why (empty when all succeeded);
         *         may complete on another thread
         */
        CompletionStage<Map<TopicPartition, Throwable>> deleteBefore(Map<TopicPartition, Long> before);

        /** Releases the client, abandoning a request in flight; called once. */
        void close();
    }

    private final String name;
    private final Set<String> topics;
    private final long intervalMs;
    private final LongSupplier clock;
    private final RecordDeleter deleter;

    /** Per repartition partition, the highest committed offset not yet purged up to. */
    private final Map<TopicPartition, Long> pending = new HashMap<>();
    private final Set<String> warnedKinds = new HashSet<>();
    private boolean inFlight;
    private long nextPurgeAt = Long.MIN_VALUE;
    private boolean closed;
    private long requests;

    /**
     * @param name the worker's name, for log lines
     * @param topics the application's repartition topics; may be empty (then nothing is ever done)
     * @param interval at least this long between two delete requests; positive
     * @param clock the wall clock in epoch milliseconds
     * @param deleter where the delete requests go; closed by {@link #close()}
     */
    RepartitionPurger(String name, Set<String> topics, Duration interval, LongSupplier clock, RecordDeleter deleter) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the purge interval must be positive, got " + interval);
        }
        this.name = name;
        this.topics = Set.copyOf(topics);
        this.intervalMs = interval.toMillis();
        this.clock = clock;
        this.deleter = deleter;
    }

    /**
     * Remembers the committed offsets of the repartition partitions of a committed batch: records
     * before {@code last + 1} of each may be deleted. Other partitions are ignored.
     */
    synchronized void committed(BatchProgress progress) {
        if (closed || topics.isEmpty()) {
            return;
        }
        for (Map.Entry<TopicPartition, OffsetRange> e : progress.offsets().entrySet()) {
            if (topics.contains(e.getKey().topic())) {
                pending.merge(e.getKey(), e.getValue().last() + 1, Math::max);
            }
        }
    }

    /**
     * Sends one delete request for the remembered offsets if the interval has passed since the
     * previous request, none is in flight, and there is something to delete. Does not block.
     */
    void maybePurge() {
        Map<TopicPartition, Long> request;
        synchronized (this) {
            if (closed || inFlight || pending.isEmpty()) {
                return;
            }
            long now = clock.getAsLong();
            if (nextPurgeAt != Long.MIN_VALUE && now < nextPurgeAt) {
                return;
            }
            nextPurgeAt = now + intervalMs;
            request = new TreeMap<>(Comparator.comparing(TopicPartition::topic)
                    .thenComparingInt(TopicPartition::partition));
            request.putAll(pending);
            pending.clear();
            inFlight = true;
            requests++;
        }
        CompletionStage<Map<TopicPartition, Throwable>> outcome;
        try {
            outcome = deleter.deleteBefore(request);
        } catch (RuntimeException e) {
            Map<TopicPartition, Throwable> all = new HashMap<>();
            request.keySet().forEach(tp -> all.put(tp, e));
            done(request, all);
            return;
        }
        outcome.whenComplete((failures, error) -> {
            if (error != null) {
                Map<TopicPartition, Throwable> all = new HashMap<>();
                request.keySet().forEach(tp -> all.put(tp, error));
                done(request, all);
            } else {
                done(request, failures);
            }
        });
    }

    private synchronized void done(Map<TopicPartition, Long> request, Map<TopicPartition, Throwable> failures) {
        inFlight = false;
        if (closed) {
            return;   // closing abandoned the request; its outcome no longer matters
        }
        if (failures.isEmpty()) {
            if (log.isDebugEnabled()) {
                log.debug("{}: deleted the consumed records of repartition partitions before {}", name, request);
            }
            return;
        }
        Map<String, Map<TopicPartition, Long>> byKind = new TreeMap<>();
        failures.forEach((tp, error) -> {
            Long offset = request.get(tp);
            if (offset != null) {
                pending.merge(tp, offset, Math::max);   // retried at the next interval
                byKind.computeIfAbsent(kindOf(error), k -> new TreeMap<>(
                        Comparator.comparing(TopicPartition::topic)
                                .thenComparingInt(TopicPartition::partition))).put(tp, offset);
            }
        });
        byKind.forEach((kind, partitions) -> {
            Throwable error = unwrap(failures.get(partitions.keySet().iterator().next()));
            String hint = error instanceof TopicAuthorizationException
                    ? "; the application's principal needs the DELETE permission on its repartition topics" : "";
            if (warnedKinds.add(kind)) {
                log.warn("{}: could not delete the consumed records of repartition partitions {} ({}){}; retrying "
                        + "every {} ms. Processing is not affected, but the topics keep those records until a "
                        + "delete succeeds. Further failures of this kind are logged at DEBUG", name,
                        partitions.keySet(), error.toString(), hint, intervalMs);
            } else {
                log.debug("{}: could not delete the consumed records of repartition partitions {} ({}); retrying",
                        name, partitions.keySet(), error.toString());
            }
        });
    }

    private static String kindOf(Throwable error) {
        return unwrap(error).getClass().getName();
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Stops purging: later calls do nothing, a request in flight is abandoned, the client is closed. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending.clear();
        }
        try {
            deleter.close();
        } catch (RuntimeException e) {
            log.debug("{}: closing the repartition purger's client: {}", name, e.toString());
        }
    }

    // ---- for tests

    /** The offsets remembered and not yet requested; a copy. */
    synchronized Map<TopicPartition, Long> pending() {
        return Map.copyOf(pending);
    }

    /** How many delete requests were sent. */
    synchronized long requests() {
        return requests;
    }

    /** The kinds of failure logged at WARN so far (exception class names). */
    synchronized Set<String> warnedKinds() {
        return Set.copyOf(warnedKinds);
    }
}
