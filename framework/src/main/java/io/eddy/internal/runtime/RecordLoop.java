package io.eddy.internal.runtime;

import io.eddy.BatchProgress;
import io.eddy.OffsetRange;
import io.eddy.ProcessingFailedException;
import io.eddy.kafka.internal.CommitPort;
import io.eddy.kafka.internal.CommitPort.CheckpointedOffset;
import io.eddy.kafka.internal.CommitResult;
import io.eddy.kafka.internal.InputPort;
import io.eddy.kafka.internal.PolledRecords;
import io.eddy.kafka.internal.TaskCheckpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The low-latency trigger's loop: records one at a time, at-least-once (the Storm row of the
 * book's comparison), beside the micro-batch {@link BatchLoop}, over the same ports, tasks and
 * operators.
 *
 * <h2>The loop</h2>
 * <pre>
 *   poll (waiting at most until the next offset commit is due)
 *     → for each record, in offset order per partition: task.process(record), then
 *       task.emitHeldBack() (tables emit the update at once); outputs go straight to the
 *       producer, which does not linger and has no transaction
 *     → every commit interval (or once the changed state reaches maxBatchStateBytes): tasks write
 *       their state changes to the changelogs, the port flushes the producer (every output and
 *       changelog record sent before is acknowledged), then starts an asynchronous commit of the
 *       next offsets; the tasks then apply their changes to their stores
 * </pre>
 * Between two commits, state changes live in the stores' dirty buffers (reads see them), as in a
 * batch.
 *
 * <h2>Guarantees</h2>
 * At-least-once: an offset is committed only after the output of every record before it is
 * acknowledged. After a crash, a lost partition or a failed asynchronous commit, the next owner
 * reprocesses from the last committed offsets: output may be duplicated and, since the changelog
 * holds what was flushed, an aggregate may count a record twice. Nothing is lost. A revocation
 * commits synchronously before the partitions go.
 *
 * <h2>When things fail</h2>
 * A temporary failure while processing ({@link RetriableProcessingException}): the tasks roll
 * their state back to the last commit, every partition rewinds to its first record not committed,
 * and input pauses for a doubling backoff (the output already sent stays: at-least-once). A
 * fenced or unusable client: abort and rejoin. Anything else propagates: the owner stops.
 *
 * <p>Not thread-safe: one thread owns a loop. It knows no Kafka client.
 */
public final class RecordLoop implements WorkerLoop {
    private static final Logger log = LoggerFactory.getLogger(RecordLoop.class);

    /**
     * How the loop commits.
     *
     * @param name the owner's name, for messages and progress
     * @param commitIntervalMs how often offsets and state changes are committed
     * @param maxStateBytes state changes held before a commit that comes early
     * @param staticInstanceId the static group instance id, or null: a fenced static member stops
     * @param clock the wall clock, in epoch milliseconds
     */
    public record Settings(String name, long commitIntervalMs, long maxStateBytes, String staticInstanceId,
                           LongSupplier clock) {
    }

    private final Settings settings;
    private final TaskHost host;
    private final BatchLoop.Listener listener;
    private final boolean stateful;
    private final Map<Integer, Task> tasks = new TreeMap<>();
    private final Map<String, long[]> sinkCounts = new HashMap<>();

    private InputPort input;
    private CommitPort commit;
    private final ChangelogSink changelog = (topic, partition, key, value) ->
            commit.sendChangelog(topic, partition, key, value);

    // since the last commit
    private final Map<TopicPartition, long[]> ranges = new HashMap<>();
    private final Set<Task> touched = new LinkedHashSet<>();
    private long records;
    private long lastCommitAt;
    private long seq;

    /**
     * Stateless tasks' offsets from the last commit interval, whose output was sent but not known
     * to be acknowledged yet: committed (asynchronously) once {@link CommitPort#outputAcknowledged}
     * says so for {@link #awaitingMark}, so the loop never waits for a flush. Null if none.
     */
    private Map<TopicPartition, CheckpointedOffset> awaitingAck;
    private long awaitingMark;

    private boolean rejoinNeeded;
    private long pausedUntil;
    private long backoffMs = BatchLoop.BACKOFF_MIN_MS;

    public RecordLoop(Settings settings, boolean stateful, TaskHost host, BatchLoop.Listener listener) {
        this.settings = settings;
        this.stateful = stateful;
        this.host = host;
        this.listener = listener;
    }

    @Override
    public void attach(InputPort input, CommitPort commit) {
        this.input = input;
        this.commit = commit;
        this.rejoinNeeded = false;
        this.pausedUntil = 0;
        this.lastCommitAt = now();
    }

    @Override
    public boolean rejoinNeeded() {
        return rejoinNeeded;
    }

    @Override
    public void requestRejoin() {
        rejoinNeeded = true;
    }

    @Override
    public boolean batchOpen() {
        return processedSinceCommit() || awaitingAck != null;
    }

    private boolean processedSinceCommit() {
        return !ranges.isEmpty() || !touched.isEmpty();
    }

    @Override
    public Map<Integer, Task> tasks() {
        return Collections.unmodifiableMap(tasks);
    }

    @Override
    public void dropTasks() {
        host.close();
        tasks.values().forEach(Task::close);
        tasks.clear();
    }

    // ---- the loop

    @Override
    public void runOnce() {
        long now = now();
        long timeout = Math.max(0, lastCommitAt + settings.commitIntervalMs() - now);
        if (pausedUntil > 0) {
            timeout = Math.min(timeout, Math.max(0, pausedUntil - now));
        }
        if (host.restoring()) {
            for (int task : host.restoreStep()) {
                resumeInputs(task);
            }
            timeout = 0;
        }
        PolledRecords polled = input.poll(Duration.ofMillis(timeout));
        if (rejoinNeeded) {
            return;
        }
        if (pausedUntil > 0 && now() >= pausedUntil) {
            resumeAfterBackoff();
        }
        if (!polled.isEmpty()) {
            try {
                process(polled);
            } catch (RetriableProcessingException e) {
                retryLater(polled, e);
                return;
            }
        }
        if (commit.outputAcknowledged(awaitingMark) && awaitingAck != null) {
            commitAcknowledged();   // also releases the acknowledged sends the port tracks
        }
        if (rejoinNeeded) {
            return;
        }
        if (now() >= lastCommitAt + settings.commitIntervalMs()) {
            if (processedSinceCommit()) {
                commit(true);
            } else {
                lastCommitAt = now();
            }
        } else if (stateful && stateBytes() >= settings.maxStateBytes()) {
            commit(true);
        }
    }

    /** The output before {@link #awaitingAck} is acknowledged: start committing those offsets. */
    private void commitAcknowledged() {
        CommitResult result = commit.commitOffsetsAsync(awaitingAck);
        awaitingAck = null;
        if (result.outcome() == CommitResult.Outcome.FENCED || result.outcome() == CommitResult.Outcome.CLIENTS_UNUSABLE) {
            failed(result);
        }
    }

    @Override
    public long runBatch() {
        PolledRecords polled = null;
        try {
            long processed = 0;
            while (!(polled = input.poll(Duration.ZERO)).isEmpty()) {
                processed += process(polled);
            }
            if (batchOpen() && !commit(false)) {
                throw new IllegalStateException(settings.name() + ": commit " + seq + " did not succeed");
            }
            return processed;
        } catch (RuntimeException e) {
            Set<TopicPartition> rewound = abortBatch(e);
            if (polled != null && !rejoinNeeded) {
                Set<TopicPartition> assigned = input.assignment();
                for (TopicPartition tp : polled.partitions()) {
                    if (!rewound.contains(tp) && assigned.contains(tp)) {
                        input.seek(tp, polled.records(tp).get(0).offset());   // not reached before the failure
                    }
                }
            }
            throw e;
        }
    }

    /** Processes a poll's records one at a time; returns how many. */
    private long process(PolledRecords polled) {
        long processed = 0;
        for (TopicPartition tp : polled.partitions()) {
            Task task = tasks.get(tp.partition());
            if (task == null) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> list = polled.records(tp);
            Object source = task.sourceFor(tp.topic());
            touched.add(task);   // before its first record: a failure must roll the task back too
            long[] range = ranges.get(tp);
            for (ConsumerRecord<byte[], byte[]> record : list) {
                task.process(source, record);
                task.emitHeldBack();
                if (range == null) {
                    range = new long[] {record.offset(), record.offset()};
                    ranges.put(tp, range);
                } else {
                    range[1] = record.offset();
                }
                records++;
                processed++;
            }
        }
        return processed;
    }

    private long stateBytes() {
        long bytes = 0;
        for (Task t : touched) {
            bytes += t.dirtyStateBytes();
        }
        return bytes;
    }

    // ---- commit and abort

    @Override
    public boolean commitBatch() {
        return commit(false);
    }

    /**
     * Commits what was processed since the last commit: changelogs, then the port's flush and the
     * offsets (asynchronously if {@code async}), then the stores.
     *
     * @return false if it was aborted instead
     */
    private boolean commit(boolean async) {
        if (!batchOpen()) {
            return true;
        }
        Map<TopicPartition, CheckpointedOffset> offsets = new HashMap<>();
        if (awaitingAck != null) {
            offsets.putAll(awaitingAck);   // earlier offsets of partitions not read since are committed too
        }
        CommitResult result;
        try {
            boolean stateless = true;
            for (Task t : touched) {
                t.prepareCommit(changelog);
                stateless &= t.state() == null;
            }
            ranges.forEach((tp, r) -> offsets.put(tp, new CheckpointedOffset(r[1] + 1,
                    new TaskCheckpoint(tasks.get(tp.partition()).batchId(), TaskCheckpoint.NO_WATERMARK))));
            if (async && stateless) {
                // no store waits for these records' acknowledgement: commit their offsets once it comes,
                // without stopping to flush (see awaitingAck)
                awaitingAck = offsets.isEmpty() ? null : offsets;
                awaitingMark = commit.outputMark();
                finishCommit();
                return true;
            }
            awaitingAck = null;
            result = async ? commit.commitAsync(offsets) : commit.commit(offsets);
        } catch (CommitPort.BatchFailedException e) {
            throw new ProcessingFailedException(settings.name() + ": output since offset commit " + seq
                    + " could not be written: " + e.getMessage(), e);
        }
        switch (result.outcome()) {
            case COMMITTED -> {
                finishCommit();
                return true;
            }
            case REFUSED_REBALANCE -> {
                // the output and changelog records were flushed (the port flushes before committing
                // offsets): the stores may apply them; the offsets are committed again by the next
                // commit or the revocation, or the next owner reprocesses (at-least-once)
                log.info("{}: offset commit refused while the group rebalances ({}); the records since the last "
                        + "commit may be processed again", settings.name(), result.cause().toString());
                listener.commitRefused();
                Map<TopicPartition, long[]> keep = new HashMap<>(ranges);
                finishCommit();
                ranges.putAll(keep);
                return false;
            }
            case FENCED, CLIENTS_UNUSABLE -> {
                failed(result);
                return false;
            }
            default -> throw new IllegalStateException("unknown commit outcome " + result.outcome());
        }
    }

    /** A commit found the member fenced or its clients unusable: roll back and rejoin, or stop. */
    private void failed(CommitResult result) {
        if (result.outcome() == CommitResult.Outcome.FENCED && settings.staticInstanceId() != null) {
            rejoinNeeded = true;
            abortBatch(result.cause());
            throw new ProcessingFailedException(settings.name() + ": fenced by another instance using "
                    + "instanceId '" + settings.staticInstanceId() + "'; this instance stops so the other "
                    + "keeps its tasks", result.cause());
        }
        log.warn("{}: cannot commit ({}); rolling back and rejoining the group", settings.name(),
                result.cause().toString());
        rejoinNeeded = true;
        abortBatch(result.cause());
    }

    private void finishCommit() {
        Map<Integer, Long> taskBatchIds = new TreeMap<>();
        for (Task t : touched) {
            taskBatchIds.put(t.id(), t.batchId());
            try {
                t.committed();
            } catch (RuntimeException e) {
                throw new ProcessingFailedException(settings.name() + ": task " + t.id() + " could not apply its "
                        + "committed changes to its state stores (" + e.getMessage() + "); stopping. A restart "
                        + "restores the stores from their changelogs", e);
            }
        }
        long now = now();
        Map<TopicPartition, OffsetRange> offsetRanges = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        ranges.forEach((tp, r) -> offsetRanges.put(tp, new OffsetRange(r[0], r[1])));
        BatchProgress progress = BatchProgress.builder().worker(settings.name()).batchId(seq).offsets(offsetRanges)
                .records(records).duration(Duration.ofMillis(now - lastCommitAt)).committedAt(Instant.ofEpochMilli(now))
                .taskBatchIds(taskBatchIds).sinkRecords(CountingSink.drain(sinkCounts)).build();
        reset();
        seq++;
        lastCommitAt = now;
        backoffMs = BatchLoop.BACKOFF_MIN_MS;
        listener.committed(progress, Map.of());
    }

    private void reset() {
        ranges.clear();
        touched.clear();
        records = 0;
    }

    /**
     * Rolls the tasks' state back to the last commit and the partitions still owned back to their
     * first record not committed. Output already sent stays sent (at-least-once).
     */
    @Override
    public Set<TopicPartition> abortBatch(Throwable cause) {
        if (rejoinNeeded) {
            awaitingAck = null;   // the next owner reprocesses from the committed offsets
        }
        if (!processedSinceCommit()) {
            return Set.of();
        }
        for (Task t : touched) {
            t.aborted(cause);
        }
        if (!commit.abort()) {
            rejoinNeeded = true;
            awaitingAck = null;
        }
        Set<TopicPartition> rewound = new HashSet<>(ranges.keySet());
        if (!rejoinNeeded) {
            Set<TopicPartition> assigned = input.assignment();
            ranges.forEach((tp, r) -> {
                if (assigned.contains(tp)) {
                    input.seek(tp, r[0]);
                }
            });
        }
        reset();
        CountingSink.drain(sinkCounts);
        listener.aborted();
        return rewound;
    }

    /** A temporary failure: roll back, rewind every partition of the poll too, and pause all input. */
    private void retryLater(PolledRecords polled, RetriableProcessingException e) {
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (TopicPartition tp : polled.partitions()) {
            long[] range = ranges.get(tp);
            rewind.put(tp, range != null ? range[0] : polled.records(tp).get(0).offset());
        }
        log.warn("{}: temporary failure; retrying in {} ms: {}", settings.name(), backoffMs, e.getMessage());
        abortBatch(e);
        listener.retried();
        Set<TopicPartition> assigned = input.assignment();
        rewind.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                input.seek(tp, offset);
            }
        });
        input.pause(input.assignment());
        pausedUntil = now() + backoffMs;
        backoffMs = Math.min(BatchLoop.BACKOFF_MAX_MS, backoffMs * 2);
    }

    private void resumeAfterBackoff() {
        pausedUntil = 0;
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : input.assignment()) {
            if (!host.restoring(tp.partition())) {
                resume.add(tp);
            }
        }
        input.resume(resume);
    }

    // ---- assignment events (from inside the input port's poll)

    @Override
    public void assigned(Map<TopicPartition, Optional<TaskCheckpoint>> added) {
        List<Task> created = new ArrayList<>();
        for (Map.Entry<TopicPartition, Optional<TaskCheckpoint>> e : added.entrySet()) {
            int id = e.getKey().partition();
            Task task = tasks.get(id);
            if (task == null) {
                task = host.create(id, new CountingSink(commit.sink(), sinkCounts));
                tasks.put(id, task);
                created.add(task);
            }
            if (e.getValue().isPresent()) {
                task.batchId(Math.max(task.batchId(), e.getValue().get().nextBatchId()));
            }
        }
        if (!added.isEmpty()) {
            log.info("{}: assigned {}, tasks now {}", settings.name(), added.keySet(), tasks.keySet());
        }
        if (stateful) {
            for (Task task : created) {
                if (host.startRestore(task)) {
                    input.pause(input.assignment().stream().filter(tp -> tp.partition() == task.id()).toList());
                }
            }
        }
    }

    @Override
    public void revoked(Collection<TopicPartition> partitions) {
        try {
            if (batchOpen() && !listener.applicationFailed()) {
                commit(false);
            }
        } catch (RuntimeException e) {
            abortBatch(e);
            removeTasks(partitions);
            throw e;
        }
        removeTasks(partitions);
    }

    @Override
    public void lost(Collection<TopicPartition> partitions) {
        log.warn("{}: lost partitions {}; rolling back to the last commit (the records since are processed again)",
                settings.name(), partitions);
        rejoinNeeded = true;
        abortBatch(new IllegalStateException("partitions lost: " + partitions));
        removeTasks(partitions);
    }

    private void removeTasks(Collection<TopicPartition> partitions) {
        partitions.forEach(ranges::remove);
        if (awaitingAck != null) {
            partitions.forEach(awaitingAck::remove);
            if (awaitingAck.isEmpty()) {
                awaitingAck = null;
            }
        }
        Set<Integer> affected = new HashSet<>();
        partitions.forEach(tp -> affected.add(tp.partition()));
        Set<TopicPartition> still = input.assignment();
        for (int id : affected) {
            boolean kept = still.stream().anyMatch(tp -> tp.partition() == id && !partitions.contains(tp));
            if (!kept) {
                Task removed = tasks.remove(id);
                if (removed != null) {
                    touched.remove(removed);
                    host.remove(removed);
                }
            }
        }
    }

    private void resumeInputs(int task) {
        if (pausedUntil > 0) {
            return;   // everything is paused for a backoff; the resume at its end includes this task
        }
        input.resume(input.assignment().stream().filter(tp -> tp.partition() == task).toList());
    }

    private long now() {
        return settings.clock().getAsLong();
    }
}
