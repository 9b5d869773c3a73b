package io.eddy.internal.runtime;

import io.eddy.BatchProgress;
import io.eddy.OffsetRange;
import io.eddy.ProcessingFailedException;
import io.eddy.kafka.internal.AssignmentListener;
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
 * The life of a micro-batch, the same for the Kafka runtime and the test driver.
 *
 * <h2>The loop</h2>
 * <pre>
 *   poll the input port → for each partition's records, in offset order: task.process(record)
 *     → when the trigger's interval has passed since the batch's first record, or the batch
 *       holds maxRecordsPerBatch records or maxBatchStateBytes of state changes: commit
 *     → with no batch open: if a task's timers are due, a batch without records commits them
 * </pre>
 * A batch opens at its first record ({@link CommitPort#begin()}) and covers, per input partition,
 * the contiguous offset range processed since the previous commit. Bookkeeping is per partition
 * and poll, never per record: the record path is {@link Task#process} and nothing else.
 *
 * <h2>Commit</h2>
 * Tasks complete the batch ({@link Task#prepareCommit}: tables emit, sinks flush, state changes go
 * to the changelogs), then the commit port commits the output together with the next offset of
 * every partition the batch read, each offset carrying its task's {@link TaskCheckpoint} (batch
 * id, watermark). Only after the port reports {@link CommitResult.Outcome#COMMITTED} do tasks
 * apply the batch to their stores ({@link Task#committed()}) and listeners hear of it.
 *
 * <h2>When a batch does not commit</h2>
 * <ul>
 *   <li><b>Refused: the group is rebalancing.</b> The batch is aborted, the partitions still owned
 *       are rewound to its start, and every input is paused until the member has rejoined (the
 *       next assignment event) or a backoff ends, whichever is first (batches without records, for
 *       due timers, wait too); the backoff doubles from
 *       {@value #BACKOFF_MIN_MS} ms up to {@value #BACKOFF_MAX_MS} ms. Re-running the batch at once
 *       would be refused again until the rebalance completes. After {@value #MAX_REFUSED_COMMITS}
 *       refusals in a row the member gives up its tasks and rejoins with new clients.</li>
 *   <li><b>Fenced, or clients unusable.</b> The batch is aborted and {@link #rejoinNeeded()} tells
 *       the owner to replace its clients; whoever owns the tasks next reprocesses from the last
 *       committed offsets. A static member that is fenced stops instead: another process runs with
 *       its instance id.</li>
 *   <li><b>A temporary failure while processing</b> (a {@link RetriableProcessingException}, such
 *       as an unreachable schema registry): abort, rewind every partition to its first record not
 *       committed, and pause all input for the backoff.</li>
 *   <li><b>Anything else</b> (a record failing under the fail policy, output that cannot be
 *       written): the exception propagates; the owner aborts the batch and stops.</li>
 * </ul>
 *
 * <h2>Flow control</h2>
 * A {@link FlowController} decides, per partition chunk before any record is processed, how many
 * records its budget admits (rate limits, the backpressure bound); the rest of that partition's
 * poll is rewound ({@link InputPort#seek}) and the partition paused until the controller's hold
 * ends (checked at the top of each turn, and the poll waits no longer than that). Rewinding rather
 * than keeping the records keeps a batch a contiguous offset range and the consumer's position
 * the next record to process, which commits, timers-only batches and lags rely on. A partition
 * resumes only when no other pause applies (restore, backoff, availableNow target, event-time
 * lead), and the other resumes skip held partitions. The interval of each batch is the
 * controller's (the trigger's, or adaptive); after each commit the controller gets the batch's
 * figures (records, busy time, end-to-end delay, backlog) and adds the interval, trigger delay and
 * bound to its progress. A sink's {@link io.eddy.dsl.SinkBackpressureException} aborts the batch at
 * once, rewinds as for a temporary failure, and holds only the signalling task's partitions for
 * the retry-after. Without flow control every record is admitted and nothing else changes.
 *
 * <h2>Assignment</h2>
 * The loop is its input port's {@link AssignmentListener}: new partitions create their tasks
 * (resuming batch ids and watermarks from the checkpoints), and a stateful task's inputs stay
 * paused while its stores restore; revoked partitions first commit the open batch; lost ones
 * abort it.
 *
 * <p>Not thread-safe: one thread owns a loop. It knows no Kafka client: it talks to the outside
 * only through its {@link InputPort}, {@link CommitPort}, {@link TaskHost} and {@link Listener}.
 */
public final class BatchLoop implements WorkerLoop {
    private static final Logger log = LoggerFactory.getLogger(BatchLoop.class);

    static final long BACKOFF_MIN_MS = 100;
    static final long BACKOFF_MAX_MS = 5_000;
    static final int MAX_REFUSED_COMMITS = 8;
    /** How far (event time) an input partition may run ahead of the slowest one with records to read. */
    static final long MAX_EVENT_TIME_LEAD_MS = 60_000;
    /** A poll that returns this much later than its timeout leaves the inputs' lag unknown meanwhile. */
    static final long POLL_OVERRUN_MS = 1_000;

    /** What the loop reports. Called on the loop's thread. */
    public interface Listener {
        /** A batch committed; {@code lateByOperator} counts the late records it dropped. */
        void committed(BatchProgress progress, Map<String, Long> lateByOperator);

        /** A batch was aborted. */
        void aborted();

        /** A batch hit a temporary failure and will be retried after a backoff. */
        void retried();

        /** A commit was refused because the group was rebalancing; the batch will run again. */
        void commitRefused();

        /** Under availableNow, these partitions reached their target offsets. */
        void drained(Collection<TopicPartition> partitions);

        /** Whether the application has failed, so an open batch must not commit. */
        boolean applicationFailed();
    }

    /**
     * How batches are cut.
     *
     * @param name the owner's name, for messages and progress
     * @param intervalMs the trigger's interval
     * @param maxRecords a batch ends once it holds this many records
     * @param maxBatchStateBytes a stateful batch ends once its tasks hold this many bytes of changes
     * @param targets availableNow: the offset to stop at per partition; null to run on
     * @param staticInstanceId the static group instance id, or null: a fenced static member stops
     * @param clock the wall clock, in epoch milliseconds
     */
    public record Settings(String name, long intervalMs, int maxRecords, long maxBatchStateBytes,
                           Map<TopicPartition, Long> targets, String staticInstanceId, LongSupplier clock) {
    }

    private final Settings settings;
    private final FlowController flow;
    private final TaskHost host;
    private final Listener listener;
    private final boolean stateful;
    private final Map<Integer, Task> tasks = new TreeMap<>();
    private final ProgressMeter meter = new ProgressMeter();
    /** Records the open batch sent, per topic (see {@link CountingSink}). */
    private final Map<String, long[]> sinkCounts = new HashMap<>();

    private InputPort input;
    private CommitPort commit;
    private final ChangelogSink changelog = (topic, partition, key, value) ->
            commit.sendChangelog(topic, partition, key, value);

    // the open batch
    private boolean open;
    private long startedAt;
    private long records;
    private long seq;
    private final Map<TopicPartition, long[]> ranges = new HashMap<>();
    private final Set<Task> batchTasks = new LinkedHashSet<>();
    /** For a batch's tasks without records (timers only): their partitions' positions, committed as they are. */
    private final Map<TopicPartition, Long> idleOffsets = new HashMap<>();

    /** Per partition of the current poll, the offset after the last record processed. */
    private final Map<TopicPartition, Long> pollProgress = new HashMap<>();
    /** The partitions the last aborted batch rewound to its start. */
    private Set<TopicPartition> lastAbortRewound = Set.of();
    private final Set<TopicPartition> reachedTarget = new HashSet<>();
    /** Partitions paused for running ahead in event time (see {@link #observeLag}). */
    private final Set<TopicPartition> aheadPaused = new HashSet<>();

    private boolean rejoinNeeded;
    /** Batches are cut by {@link #runBatch()} (the test driver): no time passes, so nothing is held. */
    private boolean cutByCaller;
    /** Under {@link #runBatch()}: the sink backpressure that aborted the batch in its commit. */
    private io.eddy.dsl.SinkBackpressureException sinkSignal;
    /** While inputs are paused after a refused commit or a temporary failure: when to resume them. */
    private long pausedUntil;
    private boolean awaitingRejoin;
    private long backoffMs = BACKOFF_MIN_MS;
    private int refusedInARow;

    public BatchLoop(Settings settings, boolean stateful, TaskHost host, Listener listener) {
        this(settings, stateful, host, listener, FlowController.none(settings.intervalMs()));
    }

    /** A loop whose input is limited by {@code flow} (see {@link FlowController}). */
    BatchLoop(Settings settings, boolean stateful, TaskHost host, Listener listener, FlowController flow) {
        this.settings = settings;
        this.stateful = stateful;
        this.host = host;
        this.listener = listener;
        this.flow = flow;
    }

    /** Connects the loop to (new) ports; tasks are created as the input assigns partitions. */
    public void attach(InputPort input, CommitPort commit) {
        this.input = input;
        this.commit = commit;
        this.rejoinNeeded = false;
        this.refusedInARow = 0;
        this.pausedUntil = 0;
        this.awaitingRejoin = false;
    }

    /** Whether the owner must replace its clients and rejoin (after {@link #dropTasks()}). */
    public boolean rejoinNeeded() {
        return rejoinNeeded;
    }

    /** Marks the clients unusable: the owner replaces them. */
    public void requestRejoin() {
        rejoinNeeded = true;
    }

    /** Whether a batch is open. */
    public boolean batchOpen() {
        return open;
    }

    /** The tasks owned now, by id (a read-only view). */
    public Map<Integer, Task> tasks() {
        return Collections.unmodifiableMap(tasks);
    }

    /** Closes every task and stops their restores (the open batch must be committed or aborted first). */
    public void dropTasks() {
        tasks.values().forEach(Task::close);
        host.close();   // after the tasks: a host may hand their stores on once they are closed
        tasks.clear();
        reachedTarget.clear();
        aheadPaused.clear();
    }

    // ---- the Kafka member's loop

    /**
     * One turn of the loop: poll (waiting at most until the open batch is due), process, commit
     * when due, then run due timers. Returns early when the owner must rejoin.
     */
    public void runOnce() {
        releaseHolds();
        long timeout = open ? Math.max(0, startedAt + interval() - now()) : interval();
        if (pausedUntil > 0) {
            timeout = Math.min(timeout, Math.max(0, pausedUntil - now()));   // a long trigger must not stretch a backoff
        }
        long release = flow.nextReleaseAt();
        if (release != Long.MAX_VALUE) {
            timeout = Math.min(timeout, Math.max(0, release - now()));   // a held partition resumes on time
        }
        if (host.restoring()) {
            long restoreStart = now();
            for (int task : host.restoreStep()) {
                resumeInputs(task);
            }
            meter.restored(now() - restoreStart);
            timeout = 0;   // the restore step waited; keep the group membership alive and go on with other tasks
        }
        long pollStart = now();
        PolledRecords polled = input.poll(Duration.ofMillis(timeout));
        meter.polled(now() - pollStart);
        if (rejoinNeeded) {
            return;
        }
        flow.idle(now() - pollStart);   // waiting for input, not processing
        if (now() - pollStart > timeout + POLL_OVERRUN_MS) {
            // the poll ran long (a rebalance inside it, or this process was frozen): what the
            // partitions' lag was meanwhile is unknown, so none counts as caught up until seen again
            tasks.values().forEach(Task::inputsUnsettled);
        }
        observeLag();
        if (pausedUntil > 0 && now() >= pausedUntil) {
            resumeAfterBackoff();
        }
        if (!polled.isEmpty()) {
            try {
                process(polled);
            } catch (RetriableProcessingException e) {
                retryLater(polled, e);
                return;
            } catch (SinkBackpressureSignal e) {
                sinkBackpressure(polled, e);
                return;
            }
            if (rejoinNeeded) {
                return;
            }
        }
        if (open && (now() >= startedAt + interval() || allAssignedReachedTarget())) {
            commitBatch();
        }
        if (settings.targets() != null && !open && !rejoinNeeded) {
            reportReachedTargets();
        }
        if (!open && !rejoinNeeded && stateful && pausedUntil == 0) {
            commitDueTimers();   // not while input waits for a rejoin or a backoff: that commit would be refused too
        }
    }

    // ---- the test driver's batch

    /**
     * Processes every record the input has, adds the tasks whose timers are due, and commits: one
     * batch, cut by the caller instead of a trigger.
     *
     * @return the number of records processed
     * @throws RuntimeException what processing or committing threw; the batch is then aborted
     *         and its partitions rewound. A sink's {@link io.eddy.dsl.SinkBackpressureException}
     *         is thrown as it is, nothing held: the caller's next batch retries at once
     */
    public long runBatch() {
        PolledRecords polled = null;
        cutByCaller = true;
        try {
            long processed = 0;
            while (!(polled = input.poll(Duration.ZERO)).isEmpty()) {
                processed += process(polled);
            }
            observeLag();
            addDueTimerTasks();
            if (open && !commitBatch()) {
                if (sinkSignal != null) {
                    throw sinkSignal;
                }
                throw new IllegalStateException(settings.name() + ": batch " + seq + " was not committed");
            }
            return processed;
        } catch (RuntimeException e) {
            Set<TopicPartition> rewound = abortBatch(e);
            if (polled != null) {
                rewindRestOfPoll(polled, rewound);   // a partition the failure interrupted was not tracked yet
            }
            if (e instanceof SinkBackpressureSignal signal) {
                listener.retried();
                throw (io.eddy.dsl.SinkBackpressureException) signal.getCause();
            }
            throw e;
        } finally {
            sinkSignal = null;
        }
    }

    // ---- processing

    /** Processes a poll's records; returns how many. */
    private long process(PolledRecords polled) {
        pollProgress.clear();
        long processed = 0;
        long now = now();
        Map<TopicPartition, Long> targets = settings.targets();
        for (TopicPartition tp : polled.partitions()) {
            Task task = tasks.get(tp.partition());
            if (task == null) {
                continue;
            }
            task.inputActive(tp.topic(), now);
            List<ConsumerRecord<byte[], byte[]>> list = polled.records(tp);
            Object source = task.sourceFor(tp.topic());
            long limit = targets == null ? Long.MAX_VALUE : targets.getOrDefault(tp, 0L);
            int i = 0;
            int n = list.size();
            while (i < n) {
                if (list.get(i).offset() >= limit) {
                    input.pause(List.of(tp));   // availableNow: the rest is beyond the backlog
                    break;
                }
                int end = (int) Math.min(n, i + (settings.maxRecords() - records));
                int admitted = flow.admit(tp, list, i, end, now);
                if (admitted < end) {
                    // over its rate: the rest of this poll is read again when the partition resumes
                    input.seek(tp, list.get(admitted).offset());
                    input.pause(List.of(tp));
                    end = admitted;
                    n = admitted;
                    if (admitted == i) {
                        break;
                    }
                }
                if (!open) {
                    openBatch();
                }
                int j = i;
                batchTasks.add(task);   // before its first record: a failure must abort the task too
                long chunkStart = now();
                try {
                    while (j < end && list.get(j).offset() < limit) {
                        task.process(source, list.get(j));
                        j++;
                    }
                } finally {
                    // also when a record threw: the records before it are part of the batch to abort
                    meter.processed(now() - chunkStart);
                    if (j > i) {
                        meter.recordTimestamp(list.get(i).timestamp());
                        track(tp, list.get(i).offset(), list.get(j - 1).offset());
                        records += j - i;
                        processed += j - i;
                        pollProgress.put(tp, list.get(j - 1).offset() + 1);
                    }
                }
                i = j;
                if (records >= settings.maxRecords()
                        || (stateful && batchStateBytes() >= settings.maxBatchStateBytes())) {
                    if (!commitBatch()) {
                        // aborted (the group moved on, or fenced): the rest of this poll must not be
                        // processed in a new batch, or records the abort rewound would be read twice
                        rewindRestOfPoll(polled, lastAbortRewound);
                        return processed;
                    }
                }
                if (j < end) {
                    input.pause(List.of(tp));   // availableNow: the rest is beyond the backlog
                    break;
                }
            }
        }
        return processed;
    }

    /**
     * Once per poll: tells each event-time task which of its partitions its owner knows to have no
     * lag. A partition of a restoring task, or while input waits out a refused commit (the group
     * is rebalancing) or a backoff, is not caught up: it must not become idle (see {@link TaskTime}).
     *
     * <p>Then reads a backlog fairly in event time: an input partition more than
     * {@value #MAX_EVENT_TIME_LEAD_MS} ms of event time ahead of the slowest partition that still
     * has records to read is paused until that one catches up (or has nothing left to read), so
     * one partition does not run minutes ahead of the others and hold open windows meanwhile.
     * Lateness does not depend on it (watermarks take the minimum over partitions and upstream
     * tasks); it bounds how far apart partitions drift within this worker.
     */
    private void observeLag() {
        observeLag(true);
    }

    /** {@link #observeLag()}, reading backlogs fairly only if {@code fairness}. */
    private void observeLag(boolean fairness) {
        if (tasks.isEmpty()) {
            return;
        }
        long now = now();
        boolean waiting = pausedUntil > 0;
        boolean fair = fairness && !waiting && settings.targets() == null;
        long slowest = Long.MAX_VALUE;
        Set<TopicPartition> assigned = input.assignment();
        aheadPaused.retainAll(assigned);
        for (TopicPartition tp : assigned) {
            Task task = tasks.get(tp.partition());
            if (task == null || !task.tracksEventTime()) {
                continue;
            }
            boolean restoring = host.restoring(task.id());
            long lag = input.lag(tp).orElse(-1);
            task.inputCaughtUp(tp.topic(), now, !waiting && !restoring && lag == 0);
            long own = task.ownEventTime(tp.topic());
            if (fair && !restoring && lag > 0 && !aheadPaused.contains(tp) && own != Long.MIN_VALUE) {
                slowest = Math.min(slowest, own);   // a partition without event time yet (or never) does not count
            }
        }
        if (!fair) {
            return;
        }
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            Task task = tasks.get(tp.partition());
            if (task == null || !task.tracksEventTime() || host.restoring(task.id())) {
                continue;
            }
            long own = task.ownEventTime(tp.topic());
            boolean ahead = slowest != Long.MAX_VALUE && own != Long.MIN_VALUE && own - slowest > MAX_EVENT_TIME_LEAD_MS;
            if (ahead) {
                aheadPaused.add(tp);
                pause.add(tp);   // again each poll: a new consumer or a reassignment forgets pauses
            } else if (!ahead && aheadPaused.remove(tp) && !flow.held(tp)) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            input.pause(pause);
        }
        if (!resume.isEmpty()) {
            input.resume(resume);
        }
    }

    private void track(TopicPartition tp, long first, long last) {
        long[] range = ranges.get(tp);
        if (range == null) {
            ranges.put(tp, new long[] {first, last});
        } else {
            range[1] = last;
        }
    }

    private long batchStateBytes() {
        long bytes = 0;
        for (Task t : batchTasks) {
            bytes += t.dirtyStateBytes();
        }
        return bytes;
    }

    private void openBatch() {
        commit.begin();
        open = true;
        startedAt = now();
    }

    /**
     * With no batch open: if committing would fire a timer of some task (the watermark of a quiet
     * task moving with the clock, or a processing-time timer), run a batch without records for
     * those tasks. Its offsets are the tasks' current positions, so the new watermark is stored.
     */
    private void commitDueTimers() {
        if (addDueTimerTasks()) {
            commitBatch();
        }
    }

    /**
     * Adds to the batch (opening one if needed) the tasks not in it whose timers are due.
     *
     * Their partitions' positions are committed with the batch (except under availableNow, whose
     * positions may already be past a target), so the new watermark is stored.
     *
     * @return whether any task was added
     */
    private boolean addDueTimerTasks() {
        long now = now();
        List<Task> due = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (!batchTasks.contains(t) && !host.restoring(t.id()) && t.timersDue(now)) {
                due.add(t);
            }
        }
        if (due.isEmpty()) {
            return false;
        }
        if (!open) {
            openBatch();
        }
        batchTasks.addAll(due);
        if (settings.targets() == null) {
            for (TopicPartition tp : input.assignment()) {
                if (!ranges.containsKey(tp) && due.stream().anyMatch(t -> t.id() == tp.partition())) {
                    idleOffsets.put(tp, input.position(tp));
                }
            }
        }
        return true;
    }

    // ---- commit and abort

    /**
     * Commits the open batch.
     *
     * @return false if it was aborted instead
     * @throws ProcessingFailedException if the batch failed and the application must stop
     */
    public boolean commitBatch() {
        if (!open) {
            return true;
        }
        flow.batchEnding(startedAt, now());
        Map<TopicPartition, Long> next = new HashMap<>(idleOffsets);
        ranges.forEach((tp, range) -> next.put(tp, range[1] + 1));
        CommitResult result;
        try {
            long flushStart = now();
            for (Task t : batchTasks) {
                t.prepareCommit(changelog);
            }
            meter.flushed(now() - flushStart);
            // after prepareCommit: the checkpoints carry the watermark the batch advanced to
            Map<TopicPartition, CheckpointedOffset> offsets = new HashMap<>();
            next.forEach((tp, offset) -> offsets.put(tp, new CheckpointedOffset(offset,
                    checkpointOf(tasks.get(tp.partition()), tp))));
            long commitStart = now();
            result = commit.commit(offsets);
            meter.committed(now() - commitStart);
        } catch (CommitPort.BatchFailedException e) {
            throw new ProcessingFailedException(settings.name() + ": batch " + seq + " not committed: "
                    + e.getMessage(), e);
        } catch (SinkBackpressureSignal e) {
            abortBatch(e);   // rewinds the batch's partitions
            if (cutByCaller) {
                sinkSignal = (io.eddy.dsl.SinkBackpressureException) e.getCause();
                listener.retried();
            } else {
                holdForSink(e);
            }
            return false;
        }
        switch (result.outcome()) {
            case COMMITTED -> {
                finishCommittedBatch();
                return true;
            }
            case REFUSED_REBALANCE -> {
                // the group moved on (a member joined or left) while the batch was open; the clients
                // are fine: abort, rewind what is still owned, and wait for the rejoin
                refusedInARow++;
                listener.commitRefused();
                abortBatch(result.cause());
                if (refusedInARow >= MAX_REFUSED_COMMITS) {
                    log.warn("{}: batch {} refused {} times in a row ({}); giving up the tasks and rejoining",
                            settings.name(), seq, refusedInARow, result.cause().toString());
                    rejoinNeeded = true;
                } else {
                    log.info("{}: batch {} not committed because the group is rebalancing ({}); pausing input "
                            + "until the member rejoins (at most {} ms), then processing it again",
                            settings.name(), seq, result.cause().toString(), backoffMs);
                    pauseAll(true);
                }
                return false;
            }
            case FENCED -> {
                abortBatch(result.cause());
                if (settings.staticInstanceId() != null) {
                    // with a static instance id, only another process using the same id can fence us:
                    // rejoining would fence it back, so the newer one keeps the tasks and this one stops
                    throw new ProcessingFailedException(settings.name() + ": fenced by another instance using "
                            + "instanceId '" + settings.staticInstanceId() + "'; this instance stops so the other "
                            + "keeps its tasks", result.cause());
                }
                log.warn("{}: batch {} fenced ({}); aborting it and rejoining the group", settings.name(), seq,
                        result.cause().toString());
                rejoinNeeded = true;
                return false;
            }
            case CLIENTS_UNUSABLE -> {
                log.warn("{}: batch {} cannot commit ({}); aborting it and rejoining the group", settings.name(), seq,
                        result.cause().toString());
                abortBatch(result.cause());
                rejoinNeeded = true;
                return false;
            }
            default -> throw new IllegalStateException("unknown commit outcome " + result.outcome());
        }
    }

    private static TaskCheckpoint checkpointOf(Task task, TopicPartition tp) {
        if (!task.tracksEventTime()) {
            return new TaskCheckpoint(task.batchId(), TaskCheckpoint.NO_WATERMARK);
        }
        long partitionTime = task.partitionEventTime(tp.topic());
        return new TaskCheckpoint(task.batchId(), task.watermark(),
                partitionTime == Long.MIN_VALUE ? TaskCheckpoint.NO_WATERMARK : partitionTime);
    }

    private void finishCommittedBatch() {
        long skipped = 0;
        Map<String, Long> late = new TreeMap<>();
        Map<Integer, Instant> watermarks = new TreeMap<>();
        Map<TopicPartition, Instant> partitionWatermarks = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        Map<Integer, String> heldBy = new TreeMap<>();
        Map<Integer, Long> taskBatchIds = new TreeMap<>();
        Map<String, long[]> storeRows = new TreeMap<>();   // per store: total, updated, removed, memory, disk
        Map<String, Double> metrics = new TreeMap<>();
        long stateWriteStart = now();
        for (Task t : batchTasks) {
            taskBatchIds.put(t.id(), t.batchId());
            if (t.state() != null) {
                t.state().forEachStore((store, s) -> {
                    long[] rows = storeRows.computeIfAbsent(store, k -> new long[5]);
                    rows[1] += s.dirtyCount();
                    s.forEachDirty((k, v) -> {
                        if (v == null) {
                            rows[2]++;
                        }
                    });
                });
            }
            skipped += t.skippedInBatch();
            t.lateInBatch().forEach((op, n) -> late.merge(op, n, Long::sum));
            metrics.putAll(t.metricsInBatch());
            if (t.tracksEventTime()) {
                watermarks.put(t.id(), instant(t.watermark()));
                t.partitionWatermarks().forEach((topic, w) -> partitionWatermarks.put(new TopicPartition(topic, t.id()),
                        instant(w)));
                heldBy.put(t.id(), t.watermarkHeldBy());
            }
            try {
                t.committed();
            } catch (RuntimeException e) {
                // the batch has committed, so there is nothing to abort; the store is now behind its
                // changelog, which a restart restores from
                long failedBatch = seq;
                resetBatch();
                seq++;
                throw new ProcessingFailedException(settings.name() + ": batch " + failedBatch + " committed, but task "
                        + t.id() + " could not apply it to its state stores (" + e.getMessage() + "); stopping. "
                        + "A restart restores the stores from their changelogs", e);
            }
        }
        long now = now();
        meter.stateWritten(now - stateWriteStart);
        Map<TopicPartition, OffsetRange> offsetRanges = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        ranges.forEach((tp, r) -> offsetRanges.put(tp, new OffsetRange(r[0], r[1])));
        BatchProgress.Builder progress = BatchProgress.builder().worker(settings.name()).batchId(seq).offsets(offsetRanges)
                .records(records).skipped(skipped).duration(Duration.ofMillis(now - startedAt))
                .committedAt(Instant.ofEpochMilli(now)).watermarks(watermarks)
                .partitionWatermarks(partitionWatermarks).watermarkHeldBy(heldBy);
        progress.taskBatchIds(taskBatchIds).lateRecords(late).sinkRecords(CountingSink.drain(sinkCounts))
                .operatorMetrics(metrics);
        measure(progress, now, storeRows);
        resetBatch();
        seq++;
        backoffMs = BACKOFF_MIN_MS;
        refusedInARow = 0;
        listener.committed(progress.build(), late);
    }

    /**
     * Adds to a committed batch's progress what the meter measured, the end offsets and lag of every
     * input partition, and the stores' rows ({@code storeRows}: per store, total and updated).
     */
    private void measure(BatchProgress.Builder progress, long committedAt, Map<String, long[]> storeRows) {
        Comparator<TopicPartition> order = Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition);
        Map<TopicPartition, Long> ends = new TreeMap<>(order);
        Map<TopicPartition, Long> lags = new TreeMap<>(order);
        for (TopicPartition tp : input.assignment()) {
            java.util.OptionalLong lag = input.lag(tp);
            if (lag.isPresent()) {
                lags.put(tp, lag.getAsLong());
                ends.put(tp, input.position(tp) + lag.getAsLong());
            }
        }
        progress.endOffsets(ends).lags(lags);
        boolean backlog = lags.values().stream().anyMatch(l -> l > 0);
        flow.committed(progress, committedAt, records, meter.busyMs(), meter.endToEndMs(committedAt), backlog);
        meter.finish(progress, startedAt, committedAt, ends);
        if (stateful) {
            for (Task t : tasks.values()) {
                if (t.state() != null && !host.restoring(t.id())) {
                    t.state().forEachStore((store, s) -> {
                        long[] rows = storeRows.computeIfAbsent(store, k -> new long[5]);
                        rows[0] += s.approximateCount();
                        Map<String, Long> figures = s.metrics();
                        rows[3] += figures.getOrDefault("cache.weight.bytes", 0L)
                                + figures.getOrDefault("store.write-behind.bytes", 0L)
                                + figures.getOrDefault("rocksdb.memtable.usage.bytes", 0L)
                                + figures.getOrDefault("rocksdb.table-readers.memory.bytes", 0L);
                        rows[4] += figures.getOrDefault("rocksdb.sst.bytes", 0L);
                    });
                }
            }
            Map<String, io.eddy.StoreProgress> stores = new TreeMap<>();
            storeRows.forEach((store, rows) -> stores.put(store, io.eddy.StoreProgress.of(store, rows[0], rows[1],
                    rows[2]).withSizes(rows[3], rows[4])));
            progress.stores(stores);
        }
    }

    /** A watermark for progress: {@link Instant#MIN} before any, {@link Instant#MAX} past the representable. */
    private static Instant instant(long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return Instant.MIN;
        }
        return watermark == Long.MAX_VALUE ? Instant.MAX : Instant.ofEpochMilli(watermark);
    }

    /**
     * Aborts the open batch, if any: tasks roll back, output is discarded, owned partitions rewind.
     *
     * @return the partitions rewound to the batch's start (empty if no batch was open)
     */
    public Set<TopicPartition> abortBatch(Throwable cause) {
        if (!open) {
            return Set.of();
        }
        for (Task t : batchTasks) {
            t.aborted(cause);
        }
        if (!commit.abort()) {
            rejoinNeeded = true;   // the port's clients are unusable; new ones come with the rejoin
        }
        lastAbortRewound = new HashSet<>(ranges.keySet());
        if (!rejoinNeeded) {
            // processed but uncommitted records of partitions this loop keeps are read again
            Set<TopicPartition> assigned = input.assignment();
            ranges.forEach((tp, range) -> {
                if (assigned.contains(tp)) {
                    input.seek(tp, range[0]);
                }
            });
        }
        resetBatch();
        meter.aborted();
        CountingSink.drain(sinkCounts);   // the aborted batch's output is discarded
        listener.aborted();
        return lastAbortRewound;
    }

    private void resetBatch() {
        idleOffsets.clear();
        open = false;
        records = 0;
        ranges.clear();
        batchTasks.clear();
    }

    /**
     * After an aborted batch in the middle of a poll: the aborted batch's partitions
     * ({@code rewound}) went back to its start; every other partition of the poll goes back to its
     * first record not committed.
     */
    private void rewindRestOfPoll(PolledRecords polled, Set<TopicPartition> rewound) {
        if (rejoinNeeded) {
            return;   // the clients are replaced; the next owner starts from the committed offsets
        }
        Set<TopicPartition> assigned = input.assignment();
        for (TopicPartition tp : polled.partitions()) {
            if (!rewound.contains(tp) && assigned.contains(tp)) {
                input.seek(tp, pollProgress.getOrDefault(tp, polled.records(tp).get(0).offset()));
            }
        }
    }

    /**
     * A temporary failure: abort the batch, rewind every partition to its first unprocessed or
     * uncommitted record, and pause all input for a growing backoff.
     */
    private void retryLater(PolledRecords polled, RetriableProcessingException e) {
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (TopicPartition tp : polled.partitions()) {
            // the open batch's first record; else the first record this poll did not commit
            long[] range = ranges.get(tp);
            rewind.put(tp, range != null ? range[0] : pollProgress.getOrDefault(tp, polled.records(tp).get(0).offset()));
        }
        log.warn("{}: batch {} hit a temporary failure; retrying in {} ms: {}", settings.name(), seq, backoffMs,
                e.getMessage());
        abortBatch(e);
        listener.retried();
        Set<TopicPartition> assigned = input.assignment();
        rewind.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                input.seek(tp, offset);
            }
        });
        pauseAll(false);
    }

    private void pauseAll(boolean untilRejoin) {
        input.pause(input.assignment());
        pausedUntil = now() + backoffMs;
        awaitingRejoin = untilRejoin;
        backoffMs = Math.min(BACKOFF_MAX_MS, backoffMs * 2);
    }

    private void resumeAfterBackoff() {
        pausedUntil = 0;
        aheadPaused.clear();   // resumed below; the next poll pauses again what is still ahead
        awaitingRejoin = false;
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : input.assignment()) {
            if (!host.restoring(tp.partition()) && !reachedTarget.contains(tp) && !flow.held(tp)) {
                resume.add(tp);
            }
        }
        input.resume(resume);
    }

    // ---- flow control

    /** The interval of the open or next batch: the trigger's, or the adaptive one. */
    private long interval() {
        return flow.intervalMs();
    }

    /** Resumes the partitions whose hold ended, unless they stay paused for another reason. */
    private void releaseHolds() {
        List<TopicPartition> due = flow.releaseDue(now());
        if (due.isEmpty() || pausedUntil > 0) {
            return;   // during a backoff, its end resumes every partition not held
        }
        Set<TopicPartition> assigned = input.assignment();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : due) {
            if (assigned.contains(tp) && !host.restoring(tp.partition()) && !reachedTarget.contains(tp)
                    && !aheadPaused.contains(tp)) {
                resume.add(tp);
            }
        }
        if (!resume.isEmpty()) {
            input.resume(resume);
        }
    }

    /**
     * A sink signalled backpressure while processing a poll: abort the batch, rewind every
     * partition of the poll to its first record not committed, and hold the sink's task's inputs.
     */
    private void sinkBackpressure(PolledRecords polled, SinkBackpressureSignal e) {
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (TopicPartition tp : polled.partitions()) {
            long[] range = ranges.get(tp);
            rewind.put(tp, range != null ? range[0] : pollProgress.getOrDefault(tp, polled.records(tp).get(0).offset()));
        }
        abortBatch(e);
        if (rejoinNeeded) {
            return;
        }
        Set<TopicPartition> assigned = input.assignment();
        rewind.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                input.seek(tp, offset);
            }
        });
        holdForSink(e);
    }

    /** Holds the inputs of the task whose sink signalled backpressure, and counts the retry. */
    private void holdForSink(SinkBackpressureSignal e) {
        listener.retried();
        log.info("{}: batch {} aborted, to be retried in {} ms: {}", settings.name(), seq, e.retryAfterMs,
                e.getMessage());
        List<TopicPartition> inputs = input.assignment().stream().filter(tp -> tp.partition() == e.task).toList();
        flow.hold(inputs, now() + e.retryAfterMs);
        input.pause(inputs);
    }

    // ---- availableNow

    private boolean allAssignedReachedTarget() {
        Map<TopicPartition, Long> targets = settings.targets();
        if (targets == null) {
            return false;
        }
        for (TopicPartition tp : input.assignment()) {
            if (input.position(tp) < targets.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    private void reportReachedTargets() {
        List<TopicPartition> reached = new ArrayList<>();
        for (TopicPartition tp : input.assignment()) {
            if (!reachedTarget.contains(tp) && input.position(tp) >= settings.targets().getOrDefault(tp, 0L)) {
                reachedTarget.add(tp);
                reached.add(tp);
            }
        }
        if (!reached.isEmpty()) {
            input.pause(reached);
            listener.drained(reached);
        }
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
                TaskCheckpoint checkpoint = e.getValue().get();
                task.batchId(Math.max(task.batchId(), checkpoint.nextBatchId()));
                task.restoreWatermark(checkpoint.watermark());
                task.restoreEventTime(e.getKey().topic(), checkpoint.partitionEventTime());
            }
        }
        if (!added.isEmpty()) {
            log.info("{}: assigned {}, tasks now {}", settings.name(), added.keySet(), tasks.keySet());
        }
        created.forEach(Task::started);   // after their checkpoints set the batch numbers
        if (stateful) {
            for (Task task : created) {
                if (host.startRestore(task)) {
                    pauseInputs(task.id());
                }
            }
        }
        if (awaitingRejoin) {
            resumeAfterBackoff();   // the member rejoined: the refused batch can run again
        }
        List<TopicPartition> held = added.keySet().stream().filter(flow::held).toList();
        if (!held.isEmpty()) {
            input.pause(held);   // new clients forget pauses
        }
        observeLag(false);   // what the input knows of the new partitions' lag from the start
    }

    @Override
    public void revoked(Collection<TopicPartition> partitions) {
        tasks.values().forEach(Task::inputsUnsettled);
        try {
            if (open && !listener.applicationFailed()) {
                commitBatch();
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
        log.warn("{}: lost partitions {} (session expired or fenced); aborting the open batch", settings.name(),
                partitions);
        rejoinNeeded = true;
        abortBatch(new IllegalStateException("partitions lost: " + partitions));
        removeTasks(partitions);
    }

    private void removeTasks(Collection<TopicPartition> partitions) {
        flow.forget(partitions);
        Set<Integer> affected = new HashSet<>();
        partitions.forEach(tp -> affected.add(tp.partition()));
        partitions.forEach(reachedTarget::remove);
        Set<TopicPartition> still = input.assignment();
        for (int id : affected) {
            boolean kept = still.stream().anyMatch(tp -> tp.partition() == id && !partitions.contains(tp));
            if (!kept) {
                Task removed = tasks.remove(id);
                if (removed != null) {
                    host.remove(removed);
                }
            }
        }
    }

    /** A restoring task's inputs wait: it processes nothing until its stores are complete. */
    private void pauseInputs(int task) {
        input.pause(input.assignment().stream().filter(tp -> tp.partition() == task).toList());
    }

    private void resumeInputs(int task) {
        if (pausedUntil > 0) {
            return;   // everything is paused for a backoff; the resume at its end includes this task
        }
        aheadPaused.removeIf(tp -> tp.partition() == task);
        input.resume(input.assignment().stream()
                .filter(tp -> tp.partition() == task && !reachedTarget.contains(tp) && !flow.held(tp)).toList());
    }

    private long now() {
        return settings.clock().getAsLong();
    }
}
