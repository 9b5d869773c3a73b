package io.eddy.internal.runtime;

import io.eddy.BatchProgress;
import io.eddy.Guarantee;
import io.eddy.OffsetRange;
import io.eddy.ProcessingFailedException;
import io.eddy.dsl.StartingOffsets;
import io.eddy.internal.plan.Plan;
import io.eddy.internal.plan.SourceSpec;
import io.eddy.kafka.internal.ProducerSink;
import io.eddy.kafka.internal.RebalanceObserver;
import io.eddy.state.CorruptStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread: one consumer-group member with one consumer and one producer, running the
 * micro-batch loop over the tasks its assignment gives it.
 *
 * <h2>The batch loop</h2>
 * <pre>
 *   poll → for each partition's records, in offset order: task.process(record)
 *        → when the trigger's interval has passed since the batch's first record, or the batch
 *          holds maxRecordsPerBatch records: commit
 * </pre>
 * A batch opens at its first record (exactly-once: {@code beginTransaction}, a local call) and
 * covers, per input partition, the contiguous offset range processed since the previous commit.
 * Bookkeeping is per partition and poll, never per record: the record path is
 * {@link Task#process} and nothing else.
 *
 * <h2>The commit protocol</h2>
 * Exactly-once: sinks flush ({@link Task#prepareCommit}), then
 * {@code sendOffsetsToTransaction(offsets, consumer.groupMetadata())} and
 * {@code commitTransaction()}: the output records and the input offsets become visible together
 * or not at all. The group metadata carries the member's generation, so a worker that was
 * replaced in the group (a zombie) cannot commit: the broker rejects its offsets.
 * At-least-once: flush the producer, check every send succeeded, then commit the offsets.
 * Each committed offset carries the task's batch number in its metadata, so batch numbers
 * survive restarts (see {@link io.eddy.dsl.TaskBatch}).
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>The group rebalanced while the batch was open (its offsets carry an old generation): the
 *       batch is aborted and the partitions the worker still owns are rewound to the batch's start;
 *       the clients stay open.</li>
 *   <li>Fenced, or a commit that timed out: the batch is aborted, the worker closes its
 *       clients, drops its tasks and rejoins the group with new ones; the records are processed
 *       again from the last committed offsets by whoever owns them next. With a static
 *       {@code instanceId}, being fenced means another process runs with the same id (a
 *       restarted replacement of this one): this worker then stops with an error instead of
 *       rejoining, which would fence the newer process in turn.</li>
 *   <li>Partitions revoked in a rebalance: the open batch commits first (bounded by the commit
 *       timeout); lost partitions (session expired): the batch is aborted.</li>
 *   <li>A record failing under the fail policy, or output that cannot be written: the batch is
 *       aborted and the application stops with the error.</li>
 * </ul>
 */
final class Worker implements Runnable, RebalanceObserver, ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final String BATCH_METADATA_PREFIX = "eddy:batch=";
    private static final String WATERMARK_METADATA = ";wm=";

    private final AppRuntime app;
    private final AppOptions options;
    private final Plan plan;
    private final String name;
    private final String groupInstanceId;
    private final String transactionalId;
    private final boolean exactlyOnce;
    private final long intervalMillis;
    private final int maxRecords;
    /** Offsets to stop at under availableNow, else null. */
    private final Map<TopicPartition, Long> targets;

    private volatile Consumer<byte[], byte[]> consumer;
    private Producer<byte[], byte[]> producer;
    private ProducerSink sink;
    private final Map<Integer, Task> tasks = new HashMap<>();
    private final boolean stateful;
    private final long maxBatchStateBytes;
    private final ChangelogSink changelogSink;
    private StateRestorer restorer;

    /** Per partition of the current poll, the offset after the last record processed (committed or in the open batch). */
    private final Map<TopicPartition, Long> pollProgress = new HashMap<>();
    /** The partitions the last aborted batch rewound to its start. */
    private Set<TopicPartition> lastAbortRewound = Set.of();
    private static final int MAX_CORRUPT_STORE_REJOINS = 3;
    private int corruptStoreRejoins;
    private long retryAt;
    private long retryBackoffMillis = RETRY_BACKOFF_MIN_MS;
    private static final long RETRY_BACKOFF_MIN_MS = 100;
    private static final long RETRY_BACKOFF_MAX_MS = 5_000;
    private boolean batchOpen;
    private long batchStartedAt;
    private long batchRecords;
    private long batchSeq;
    private final Map<TopicPartition, long[]> batchRanges = new HashMap<>();
    private final Set<Task> batchTasks = new LinkedHashSet<>();
    /** For a batch without records (timers only): the positions of its tasks' partitions, committed as they are. */
    private final Map<TopicPartition, Long> idleOffsets = new HashMap<>();

    private volatile boolean stopRequested;
    private boolean rejoinNeeded;
    private RuntimeException listenerFailure;
    private final Set<TopicPartition> reachedTarget = new HashSet<>();

    volatile boolean assignedOnce;
    volatile boolean rebalancing = true;

    Worker(AppRuntime app, int index, String instanceTag, Map<TopicPartition, Long> targets) {
        this.app = app;
        this.options = app.options();
        this.plan = options.plan();
        this.name = options.applicationId() + "-" + index;
        this.groupInstanceId = options.instanceId() == null ? null : options.instanceId() + "-" + index;
        this.transactionalId = options.applicationId() + "-" + instanceTag + "-" + index;
        this.exactlyOnce = options.guarantee() == Guarantee.EXACTLY_ONCE;
        this.intervalMillis = options.trigger().interval().toMillis();
        this.maxRecords = options.maxRecordsPerBatch();
        this.targets = targets;
        this.stateful = plan.stateful();
        this.maxBatchStateBytes = options.maxBatchStateBytes();
        this.changelogSink = (topic, partition, key, value) -> {
            java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sent =
                    sink.sendTo(topic, partition, key, value);
            return () -> offsetOf(sent);
        };
    }

    private static long offsetOf(java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sent) {
        try {
            return sent.get().offset();   // complete: the batch's transaction (or flush) is done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading a changelog offset", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a changelog record of a committed batch has no offset: " + e.getCause(), e);
        }
    }

    String name() {
        return name;
    }

    void requestStop() {
        stopRequested = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            connect();
            while (!stopRequested) {
                try {
                    pollAndProcess();
                } catch (WakeupException e) {
                    // close() or a failure elsewhere asked this worker to stop; the loop condition decides
                } catch (RuntimeException e) {
                    if (!rejoinAfterCorruptStore(e)) {
                        throw e;
                    }
                }
                if (rejoinNeeded && !stopRequested) {
                    rejoin();
                }
            }
            if (batchOpen && !app.failed()) {
                commitBatch();
            }
        } catch (ProcessingFailedException e) {
            failure = e;
        } catch (Throwable e) {
            failure = new ProcessingFailedException("worker " + name + " failed: " + e, e);
        }
        try {
            if (failure != null || batchOpen) {
                abortBatch(failure != null ? failure : new IllegalStateException("application stopping after a failure"));
            }
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
            log.warn("{}: aborting the open batch failed: {}", name, e.toString());
        } finally {
            // whatever happened above, the application learns of the failure and the worker lets go
            // of its stores, clients and group membership: a dead worker must never look alive
            if (failure != null) {
                app.fail(failure);
            }
            try {
                closeTasks();
            } finally {
                closeClients();
                app.workerStopped(this);
            }
        }
    }

    private void pollAndProcess() {
        long timeout = batchOpen ? Math.max(0, batchStartedAt + intervalMillis - options.clock().millis()) : intervalMillis;
        if (restorer != null && restorer.active()) {
            for (int task : restorer.restoreStep()) {
                resumeInputs(task);
            }
            timeout = 0;   // the restore poll waited; keep the group membership alive and process other tasks
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(timeout));
        if (listenerFailure != null) {
            RuntimeException f = listenerFailure;
            listenerFailure = null;
            throw f;
        }
        if (rejoinNeeded) {
            return;
        }
        if (retryAt > 0 && options.clock().millis() >= retryAt) {
            retryAt = 0;
            resumeAfterRetryBackoff();
        }
        if (!records.isEmpty()) {
            try {
                process(records);
            } catch (RetriableProcessingException e) {
                retryLater(records, e);
                return;
            }
            if (rejoinNeeded) {
                return;
            }
        }
        if (batchOpen && (options.clock().millis() >= batchStartedAt + intervalMillis || allAssignedReachedTarget())) {
            commitBatch();
        }
        if (targets != null && !batchOpen && !rejoinNeeded) {
            reportReachedTargets();
        }
        if (!batchOpen && !rejoinNeeded && stateful) {
            commitDueTimers();
        }
    }

    /**
     * With no batch open: if committing would fire a timer of some task (the watermark of a quiet
     * task moving with the clock, or a processing-time timer), run a batch without records for
     * those tasks. Its offsets are the tasks' current positions, so the new watermark is stored.
     */
    private void commitDueTimers() {
        long now = options.clock().millis();
        List<Task> due = new ArrayList<>();
        for (Task t : tasks.values()) {
            boolean restoring = restorer != null && restorer.isRestoring(t.id());
            if (!restoring && t.timersDue(now)) {
                due.add(t);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        openBatch();
        batchTasks.addAll(due);
        if (targets == null) {
            for (TopicPartition tp : consumer.assignment()) {
                if (due.stream().anyMatch(t -> t.id() == tp.partition())) {
                    idleOffsets.put(tp, consumer.position(tp));
                }
            }
        }
        commitBatch();
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        pollProgress.clear();
        long now = options.clock().millis();
        for (TopicPartition tp : records.partitions()) {
            Task task = tasks.get(tp.partition());
            if (task == null) {
                continue;
            }
            task.inputActive(tp.topic(), now);
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            Object source = task.sourceFor(tp.topic());
            long limit = targets == null ? Long.MAX_VALUE : targets.getOrDefault(tp, 0L);
            int i = 0;
            int n = list.size();
            while (i < n) {
                if (list.get(i).offset() >= limit) {
                    consumer.pause(List.of(tp));   // availableNow: the rest is beyond the backlog
                    break;
                }
                if (!batchOpen) {
                    openBatch();
                }
                int end = (int) Math.min(n, i + (maxRecords - batchRecords));
                int j = i;
                while (j < end && list.get(j).offset() < limit) {
                    task.process(source, list.get(j));
                    j++;
                }
                if (j > i) {
                    track(tp, list.get(i).offset(), list.get(j - 1).offset(), task);
                    batchRecords += j - i;
                    pollProgress.put(tp, list.get(j - 1).offset() + 1);
                }
                i = j;
                if (batchRecords >= maxRecords || (stateful && batchStateBytes() >= maxBatchStateBytes)) {
                    if (!commitBatch()) {
                        // aborted (the group moved on, or fenced): the rest of this poll must not be
                        // processed in a new batch, or records the abort rewound would be read twice
                        rewindRestOfPoll(records);
                        return;
                    }
                }
                if (j < end) {
                    consumer.pause(List.of(tp));   // availableNow: the rest is beyond the backlog
                    break;
                }
            }
        }
    }

    /**
     * A temporary failure: abort the batch, rewind every partition to its first unprocessed or
     * uncommitted record, and pause all input for a growing backoff.
     */
    private void retryLater(ConsumerRecords<byte[], byte[]> records, RetriableProcessingException e) {
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            // the open batch's first record; else the first record this poll did not commit
            long[] range = batchRanges.get(tp);
            rewind.put(tp, range != null ? range[0]
                    : pollProgress.getOrDefault(tp, records.records(tp).get(0).offset()));
        }
        log.warn("{}: batch {} hit a temporary failure; retrying in {} ms: {}", name, batchSeq, retryBackoffMillis,
                e.getMessage());
        abortBatch(e);
        app.batchRetried();
        Set<TopicPartition> assigned = consumer.assignment();
        rewind.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
        consumer.pause(assigned);
        retryAt = options.clock().millis() + retryBackoffMillis;
        retryBackoffMillis = Math.min(RETRY_BACKOFF_MAX_MS, retryBackoffMillis * 2);
    }

    private void resumeAfterRetryBackoff() {
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            boolean restoring = restorer != null && restorer.isRestoring(tp.partition());
            if (!restoring && !reachedTarget.contains(tp)) {
                resume.add(tp);
            }
        }
        consumer.resume(resume);
    }

    private long batchStateBytes() {
        long bytes = 0;
        for (Task t : batchTasks) {
            bytes += t.dirtyStateBytes();
        }
        return bytes;
    }

    private void track(TopicPartition tp, long first, long last, Task task) {
        long[] range = batchRanges.get(tp);
        if (range == null) {
            batchRanges.put(tp, new long[] {first, last});
        } else {
            range[1] = last;
        }
        batchTasks.add(task);
    }

    private void openBatch() {
        if (exactlyOnce) {
            producer.beginTransaction();
        }
        batchOpen = true;
        batchStartedAt = options.clock().millis();
    }

    /**
     * After an aborted batch in the middle of a poll: the aborted batch's partitions were rewound
     * to its start; every other partition of the poll goes back to its first record not committed.
     */
    private void rewindRestOfPoll(ConsumerRecords<byte[], byte[]> records) {
        Consumer<byte[], byte[]> c = consumer;
        if (rejoinNeeded || c == null) {
            return;   // the clients are replaced; the next owner starts from the committed offsets
        }
        Set<TopicPartition> assigned = c.assignment();
        for (TopicPartition tp : records.partitions()) {
            if (!lastAbortRewound.contains(tp) && assigned.contains(tp)) {
                c.seek(tp, pollProgress.getOrDefault(tp, records.records(tp).get(0).offset()));
            }
        }
    }

    /** Commits the open batch; returns false if it was aborted instead. */
    private boolean commitBatch() {
        Map<TopicPartition, Long> next = new HashMap<>(idleOffsets);
        batchRanges.forEach((tp, range) -> next.put(tp, range[1] + 1));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        try {
            for (Task t : batchTasks) {
                t.prepareCommit(changelogSink);
            }
            // after prepareCommit: the metadata carries the watermark the batch advanced to
            next.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset,
                    batchMetadata(tasks.get(tp.partition())))));
            if (exactlyOnce) {
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                }
                producer.commitTransaction();
            } else {
                producer.flush();
                sink.checkNoSendFailed();
                if (!offsets.isEmpty()) {
                    commitOffsetsSync(offsets);
                }
            }
        } catch (ProducerFencedException | FencedInstanceIdException e) {
            if (groupInstanceId != null) {
                // with a static instance id, only another process using the same id can fence us:
                // rejoining would fence it back, so the newer one keeps the tasks and this one stops
                abortBatch(e);
                throw new ProcessingFailedException(name + ": fenced by another instance using instanceId '"
                        + options.instanceId() + "'; this instance stops so the other keeps its tasks", e);
            }
            log.warn("{}: batch {} fenced ({}); aborting it and rejoining the group", name, batchSeq, e.toString());
            abortBatch(e);
            rejoinNeeded = true;
            return false;
        } catch (CommitFailedException | RebalanceInProgressException | UnknownMemberIdException
                 | IllegalGenerationException | TransactionAbortableException e) {
            // the group moved on (a member joined or left) while the batch was open; the producer is
            // fine, so abort, rewind the partitions still owned, and let the consumer rejoin
            log.info("{}: batch {} not committed because the group is rebalancing ({}); it will be processed again",
                    name, batchSeq, e.toString());
            abortBatch(e);
            return false;
        } catch (InvalidProducerEpochException | TimeoutException e) {
            log.warn("{}: batch {} cannot commit ({}); aborting it and rejoining the group", name, batchSeq, e.toString());
            abortBatch(e);
            rejoinNeeded = true;
            return false;
        } catch (ProducerSink.SendFailedException e) {
            throw new ProcessingFailedException(name + ": batch " + batchSeq + " not committed: " + e.getMessage(), e);
        } catch (KafkaException e) {
            try {
                sink.checkNoSendFailed();
            } catch (ProducerSink.SendFailedException sendFailure) {
                throw new ProcessingFailedException(name + ": batch " + batchSeq + " not committed: "
                        + sendFailure.getMessage(), sendFailure);
            }
            throw new ProcessingFailedException(name + ": batch " + batchSeq + " not committed: " + e, e);
        }
        finishCommittedBatch(offsets.keySet());
        return true;
    }

    private void commitOffsetsSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, options.commitTimeout());
        } catch (WakeupException e) {
            consumer.commitSync(offsets, options.commitTimeout());   // a stop request must not cost the commit
        }
    }

    private static String batchMetadata(Task task) {
        String meta = BATCH_METADATA_PREFIX + task.batchId();
        return task.tracksEventTime() ? meta + WATERMARK_METADATA + task.watermark() : meta;
    }

    private void finishCommittedBatch(Set<TopicPartition> partitions) {
        long skipped = 0;
        Map<Integer, Instant> watermarks = new TreeMap<>();
        for (Task t : batchTasks) {
            skipped += t.skippedInBatch();
            if (!t.lateInBatch().isEmpty()) {
                app.lateRecords(t.lateInBatch());
            }
            if (t.tracksEventTime()) {
                watermarks.put(t.id(), t.watermark() == Long.MIN_VALUE ? Instant.MIN : Instant.ofEpochMilli(t.watermark()));
            }
            try {
                t.committed();
            } catch (RuntimeException e) {
                // the transaction has committed, so there is nothing to abort; the store is now
                // behind its changelog, which a restart restores from
                long failedBatch = batchSeq;
                resetBatch();
                batchSeq++;
                throw new ProcessingFailedException(name + ": batch " + failedBatch + " committed, but task " + t.id()
                        + " could not apply it to its state stores (" + e.getMessage() + "); stopping. A restart "
                        + "restores the stores from their changelogs", e);
            }
        }
        long now = options.clock().millis();
        Map<TopicPartition, OffsetRange> ranges = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        batchRanges.forEach((tp, r) -> ranges.put(tp, new OffsetRange(r[0], r[1])));
        BatchProgress progress = BatchProgress.builder().worker(name).batchId(batchSeq).offsets(ranges)
                .records(batchRecords).skipped(skipped).duration(Duration.ofMillis(now - batchStartedAt))
                .committedAt(Instant.ofEpochMilli(now)).watermarks(watermarks).build();
        resetBatch();
        batchSeq++;
        retryBackoffMillis = RETRY_BACKOFF_MIN_MS;
        app.batchCommitted(progress);
    }

    private void abortBatch(Throwable cause) {
        if (!batchOpen) {
            return;
        }
        for (Task t : batchTasks) {
            t.aborted(cause);
        }
        if (exactlyOnce) {
            try {
                producer.abortTransaction();
            } catch (KafkaException | IllegalStateException e) {
                rejoinNeeded = true;   // the producer is unusable (fenced, or in no transaction); a new one is made on rejoin
            }
        }
        if (sink != null) {
            sink.reset();
        }
        lastAbortRewound = new HashSet<>(batchRanges.keySet());
        if (!rejoinNeeded) {
            // processed but uncommitted records of partitions this worker keeps are read again
            Set<TopicPartition> assigned = consumer.assignment();
            batchRanges.forEach((tp, range) -> {
                if (assigned.contains(tp)) {
                    consumer.seek(tp, range[0]);
                }
            });
        }
        resetBatch();
        app.batchAborted();
    }

    private void resetBatch() {
        idleOffsets.clear();
        batchOpen = false;
        batchRecords = 0;
        batchRanges.clear();
        batchTasks.clear();
    }

    // ---- availableNow

    private boolean allAssignedReachedTarget() {
        if (targets == null) {
            return false;
        }
        for (TopicPartition tp : consumer.assignment()) {
            if (consumer.position(tp) < targets.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    private void reportReachedTargets() {
        List<TopicPartition> reached = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            if (!reachedTarget.contains(tp) && consumer.position(tp) >= targets.getOrDefault(tp, 0L)) {
                reachedTarget.add(tp);
                reached.add(tp);
            }
        }
        if (!reached.isEmpty()) {
            consumer.pause(reached);
            app.partitionsDrained(reached);
        }
    }

    // ---- membership

    private void connect() {
        Map<String, Object> producerConfig = ClientConfigs.producer(options, name, transactionalId);
        while (!stopRequested) {
            producer = new KafkaProducer<>(producerConfig);
            try {
                if (exactlyOnce) {
                    producer.initTransactions();
                }
                break;
            } catch (TimeoutException e) {
                log.warn("{}: could not initialise the transactional producer within {} ({}); retrying",
                        name, options.commitTimeout(), e.getMessage());
                producer.close(Duration.ZERO);
                producer = null;
            }
        }
        if (producer == null) {
            return;
        }
        sink = new ProducerSink(producer);
        consumer = new KafkaConsumer<>(ClientConfigs.consumer(options, name, groupInstanceId, this));
        if (plan.patterns().isEmpty()) {
            consumer.subscribe(plan.fixedTopics(), this);
        } else {
            consumer.subscribe(plan.subscriptionPattern(), this);
        }
        if (stopRequested) {
            consumer.wakeup();
        }
    }

    /**
     * A store found corrupt while the batch read it has marked itself so ({@link CorruptStoreException}):
     * the batch is aborted and the worker rejoins, and whichever instance is assigned the task next
     * moves the store aside and restores it from its changelog. A worker does this at most
     * {@value #MAX_CORRUPT_STORE_REJOINS} times, so a disk that keeps corrupting stores stops the
     * application instead of looping.
     *
     * @return false if {@code e} is not caused by a corrupt store, or the limit is reached
     */
    private boolean rejoinAfterCorruptStore(RuntimeException e) {
        CorruptStoreException corrupt = Task.causeOfType(e, CorruptStoreException.class);
        if (corrupt == null || app.failed() || corruptStoreRejoins >= MAX_CORRUPT_STORE_REJOINS) {
            return false;
        }
        corruptStoreRejoins++;
        log.error("{}: {}; aborting the batch and rejoining, so that the store is moved aside and restored "
                + "from its changelog", name, corrupt.getMessage());
        abortBatch(e);
        rejoinNeeded = true;
        return true;
    }

    private void rejoin() {
        log.info("{}: dropping tasks {} and rejoining the group", name, tasks.keySet());
        closeTasks();
        closeClients();
        reachedTarget.clear();
        rejoinNeeded = false;
        connect();
    }

    private void closeTasks() {
        if (restorer != null) {
            restorer.close();
            restorer = null;
        }
        tasks.values().forEach(Task::close);
        tasks.clear();
    }

    private void closeClients() {
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            try {
                c.close(options.commitTimeout());
            } catch (RuntimeException e) {
                log.debug("{}: closing consumer: {}", name, e.toString());
            }
            consumer = null;
        }
        if (producer != null) {
            try {
                producer.close(options.commitTimeout());
            } catch (RuntimeException e) {
                log.debug("{}: closing producer: {}", name, e.toString());
            }
            producer = null;
        }
    }

    @Override
    public void onJoin() {
        rebalancing = true;
        app.recomputeState();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        try {
            if (batchOpen && !app.failed()) {
                commitBatch();
            }
        } catch (RuntimeException e) {
            listenerFailure = e;
            abortBatch(e);
        }
        removeTasks(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        log.warn("{}: lost partitions {} (session expired or fenced); aborting the open batch", name, partitions);
        rejoinNeeded = true;
        abortBatch(new IllegalStateException("partitions lost: " + partitions));
        removeTasks(partitions);
    }

    private void removeTasks(Collection<TopicPartition> partitions) {
        Set<Integer> affected = new HashSet<>();
        partitions.forEach(tp -> affected.add(tp.partition()));
        partitions.forEach(reachedTarget::remove);
        Set<TopicPartition> still = consumer.assignment();
        for (int task : affected) {
            boolean kept = still.stream().anyMatch(tp -> tp.partition() == task && !partitions.contains(tp));
            if (!kept) {
                Task removed = tasks.remove(task);
                if (removed != null) {
                    if (restorer != null) {
                        restorer.remove(task);
                    }
                    removed.close();
                }
            }
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        try {
            if (!partitions.isEmpty()) {
                setUpTasks(partitions);
            }
        } catch (WakeupException e) {
            stopRequested = true;
        } catch (RuntimeException e) {
            listenerFailure = e;
        }
        assignedOnce = true;
        rebalancing = false;
        app.recomputeState();
    }

    private void setUpTasks(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        List<TopicPartition> sought = new ArrayList<>();
        List<Task> created = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Task task = tasks.get(tp.partition());
            if (task == null) {
                task = newTask(tp.partition());
                tasks.put(tp.partition(), task);
                created.add(task);
            }
            OffsetAndMetadata om = committed.get(tp);
            if (om != null) {
                task.batchId(Math.max(task.batchId(), lastBatchId(om.metadata()) + 1));
                task.restoreWatermark(watermarkOf(om.metadata()));
            } else {
                seekToStartingOffset(tp);
                sought.add(tp);
            }
        }
        // seekToEnd only marks a partition for reset; the end offset would be looked up at the next
        // poll, after the app reports RUNNING, and records written in between would be skipped.
        // Looking the positions up now fixes them before the assignment is announced.
        for (TopicPartition tp : sought) {
            consumer.position(tp);
        }
        log.info("{}: assigned {}, tasks now {}", name, partitions, tasks.keySet());
        if (stateful) {
            for (Task task : created) {
                if (restorer().add(task)) {
                    pauseInputs(task.id());
                }
            }
        }
    }

    private Task newTask(int partition) {
        TaskState state = null;
        if (stateful) {
            state = new TaskState(partition, plan, app.stateEnvironment(), app.stateDirectory().taskDir(partition),
                    options.storeCacheBytes());
            try {
                restorer().discardStoresAheadOfChangelog(state);
            } catch (RuntimeException e) {
                state.close();
                throw e;
            }
        }
        return new Task(partition, plan, sink, options.errorHandler(), options.console(), state, app.globalTables(),
                options.idleTimeout().toMillis(), options.clock()::millis);
    }

    private StateRestorer restorer() {
        if (restorer == null) {
            restorer = new StateRestorer(name, options, app::restoreProgress);
        }
        return restorer;
    }

    /** A restoring task's inputs wait: it processes nothing until its stores are complete. */
    private void pauseInputs(int task) {
        List<TopicPartition> inputs = consumer.assignment().stream().filter(tp -> tp.partition() == task).toList();
        consumer.pause(inputs);
    }

    private void resumeInputs(int task) {
        List<TopicPartition> inputs = consumer.assignment().stream()
                .filter(tp -> tp.partition() == task && !reachedTarget.contains(tp)).toList();
        consumer.resume(inputs);
    }

    /** The watermark in committed offset metadata, or {@link Long#MIN_VALUE}. */
    private static long watermarkOf(String metadata) {
        int at = metadata == null ? -1 : metadata.indexOf(WATERMARK_METADATA);
        if (at >= 0) {
            try {
                return Long.parseLong(metadata.substring(at + WATERMARK_METADATA.length()));
            } catch (NumberFormatException ignored) {
                // not ours
            }
        }
        return Long.MIN_VALUE;
    }

    private static long lastBatchId(String metadata) {
        if (metadata != null && metadata.startsWith(BATCH_METADATA_PREFIX)) {
            try {
                int end = metadata.indexOf(';');
                return Long.parseLong(metadata.substring(BATCH_METADATA_PREFIX.length(),
                        end < 0 ? metadata.length() : end));
            } catch (NumberFormatException ignored) {
                // offsets committed by something else: number batches from 0
            }
        }
        return -1;
    }

    private void seekToStartingOffset(TopicPartition tp) {
        SourceSpec source = plan.sourceFor(tp.topic()).orElseThrow();
        StartingOffsets start = source.consumed().startingOffsets();
        switch (start.kind()) {
            case EARLIEST -> consumer.seekToBeginning(List.of(tp));
            case LATEST -> consumer.seekToEnd(List.of(tp));
            case TIMESTAMP -> {
                OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, start.timestamp().toEpochMilli())).get(tp);
                if (found == null) {
                    consumer.seekToEnd(List.of(tp));
                } else {
                    consumer.seek(tp, found.offset());
                }
            }
        }
    }
}
