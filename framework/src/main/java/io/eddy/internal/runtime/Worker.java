package io.eddy.internal.runtime;

import io.eddy.BatchProgress;
import io.eddy.ClusterAccessException;
import io.eddy.Guarantee;
import io.eddy.ProcessingFailedException;
import io.eddy.dsl.StartingOffsets;
import io.eddy.internal.plan.Plan;
import io.eddy.kafka.internal.AssignmentListener;
import io.eddy.kafka.internal.CommitPort;
import io.eddy.kafka.internal.KafkaCommitPort;
import io.eddy.kafka.internal.KafkaInput;
import io.eddy.kafka.internal.ProducerSink;
import io.eddy.kafka.internal.RebalanceObserver;
import io.eddy.kafka.internal.StartPosition;
import io.eddy.kafka.internal.TaskCheckpoint;
import io.eddy.StoreUnavailableException;
import io.eddy.kafka.internal.MembershipInfo;
import io.eddy.state.CorruptStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread: one consumer-group member, with one consumer ({@link KafkaInput}) and one
 * producer ({@link KafkaCommitPort}), driving one {@link BatchLoop} (or, under the low-latency
 * trigger, one {@link RecordLoop}) over the tasks its assignment gives it. The batch semantics live in the loop; this class owns the clients' lifecycle: connect,
 * rejoin with new clients when the loop asks for it (fenced, lost partitions, unusable clients, a
 * corrupt store), and stop. Its {@link RepartitionPurger} deletes the repartition records its
 * committed batches consumed, between turns of the loop.
 */
final class Worker implements Runnable, RebalanceObserver, AssignmentListener, BatchLoop.Listener {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final int MAX_CORRUPT_STORE_REJOINS = 3;

    private final AppRuntime app;
    private final AppOptions options;
    private final Plan plan;
    private final String name;
    private final String groupInstanceId;
    private final String transactionalId;
    private final boolean exactlyOnce;
    private final WorkerLoop loop;
    private final KafkaTaskHost host;
    private final RepartitionPurger purger;

    private volatile KafkaInput input;
    private Producer<byte[], byte[]> producer;
    private volatile boolean stopRequested;
    private int corruptStoreRejoins;

    /** The group member id of the latest assignment, for describing the group; null before the first. */
    volatile String memberId;
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
        this.host = new KafkaTaskHost(name, app);
        if (options.trigger().isLowLatency()) {
            this.loop = new RecordLoop(new RecordLoop.Settings(name, options.trigger().interval().toMillis(),
                    options.maxBatchStateBytes(), groupInstanceId == null ? null : options.instanceId(),
                    options.clock()::millis), plan.stateful(), host, this);
        } else {
            BatchLoop.Settings settings = new BatchLoop.Settings(name, options.trigger().interval().toMillis(),
                    options.maxRecordsPerBatch(), options.maxBatchStateBytes(), targets,
                    groupInstanceId == null ? null : options.instanceId(), options.clock()::millis);
            FlowController flow = new FlowController(options.flowControl(), settings.intervalMs(),
                    plan.repartitionTopics(), app.instanceLimits());
            this.loop = new BatchLoop(settings, plan.stateful(), host, this, flow);
        }
        this.purger = new RepartitionPurger(name, plan.repartitionTopics(), options.repartitionPurgeInterval(),
                options.clock()::millis, AdminRecordDeleter.forWorker(options, name));
    }

    String name() {
        return name;
    }

    /** The tasks this worker owns now; callable from any thread. */
    Set<Integer> ownedTasks() {
        return ownedTasks;
    }

    private volatile Set<Integer> ownedTasks = Set.of();
    /** Interactive queries waiting for a moment without an open batch; see {@link InteractiveQueries}. */
    private final ConcurrentLinkedQueue<Runnable> queries = new ConcurrentLinkedQueue<>();
    private volatile boolean queriesClosed;

    private void tasksChanged() {
        ownedTasks = Set.copyOf(loop.tasks().keySet());
    }

    /** The tasks of this worker restoring their stores now; callable from any thread. */
    Set<Integer> restoringTasks() {
        return host.restoringTasks();
    }

    void requestStop() {
        stopRequested = true;
        KafkaInput in = input;
        if (in != null) {
            in.wakeup();
        }
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            connect();
            while (!stopRequested) {
                try {
                    loop.runOnce();
                    runQueries();
                } catch (WakeupException e) {
                    // close() or a failure elsewhere asked this worker to stop; the loop condition decides
                } catch (RuntimeException e) {
                    if (!rejoinAfterCorruptStore(e)) {
                        throw e;
                    }
                }
                if (loop.rejoinNeeded() && !stopRequested) {
                    rejoin();
                }
                purger.maybePurge();
            }
            if (loop.batchOpen() && !app.failed()) {
                loop.commitBatch();
            }
        } catch (Throwable e) {
            // a refused credential or a missing ACL cannot heal: the application stops, naming the ACL
            ClusterAccessException access = AccessErrors.translate(e, options, refusedTopicOperation(e));
            failure = access != null ? access
                    : e instanceof ProcessingFailedException processing ? processing
                    : new ProcessingFailedException("worker " + name + " failed: " + e, e);
        }
        try {
            if (loop.batchOpen()) {
                loop.abortBatch(failure != null ? failure : new IllegalStateException("application stopping after a failure"));
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
                loop.dropTasks();
                tasksChanged();
            } finally {
                queriesClosed = true;
                runQueries();
                purger.close();
                closeClients();
                app.workerStopped(this);
            }
        }
    }

    // ---- interactive queries: run on this thread when no batch is open (committed state only)

    /**
     * Queues {@code read} of task {@code task}'s stores, to run on this worker's thread at the next
     * moment no batch is open; callable from any thread.
     */
    <R> CompletableFuture<R> submitQuery(String store, int task, Function<TaskState, R> read) {
        CompletableFuture<R> answer = new CompletableFuture<>();
        queries.add(() -> {
            if (!answer.isDone()) {
                try {
                    answer.complete(read.apply(queryableState(store, task)));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            }
        });
        if (queriesClosed) {
            runQueries();
        }
        return answer;
    }

    /** Like {@link #submitQuery}, over every task of this worker, in task order. */
    <R> CompletableFuture<List<R>> submitQueryOfAllTasks(String store, Function<TaskState, R> read) {
        CompletableFuture<List<R>> answer = new CompletableFuture<>();
        queries.add(() -> {
            if (!answer.isDone()) {
                try {
                    if (queriesClosed || rebalancing) {
                        queryableState(store, -1);   // throws: stopped, or rebalancing (the task set is changing)
                    }
                    List<R> out = new ArrayList<>();
                    for (int task : new TreeMap<>(loop.tasks()).keySet()) {
                        out.add(read.apply(queryableState(store, task)));
                    }
                    answer.complete(out);
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            }
        });
        if (queriesClosed) {
            runQueries();
        }
        return answer;
    }

    private TaskState queryableState(String store, int task) {
        if (queriesClosed) {
            throw new StoreUnavailableException(store, StoreUnavailableException.Reason.NOT_RUNNING,
                    "worker " + name + " has stopped");
        }
        if (rebalancing) {
            throw new StoreUnavailableException(store, StoreUnavailableException.Reason.REBALANCING,
                    "worker " + name + " is rebalancing");
        }
        Task t = loop.tasks().get(task);
        if (t == null || t.state() == null) {
            throw new StoreUnavailableException(store, StoreUnavailableException.Reason.NOT_HOSTED_HERE,
                    "task " + task + " is not owned by this instance (any more)");
        }
        if (host.restoring(task)) {
            throw new StoreUnavailableException(store, StoreUnavailableException.Reason.RESTORING,
                    "task " + task + " is restoring its stores from their changelogs");
        }
        return t.state();
    }

    /** Runs the queued queries if no batch is open: the stores then hold exactly their committed state. */
    private void runQueries() {
        if (loop.batchOpen() && !queriesClosed) {
            return;
        }
        for (Runnable q; (q = queries.poll()) != null; ) {
            q.run();
        }
    }

    // ---- clients

    private void connect() {
        Map<String, Object> producerConfig = ClientConfigs.producer(options, name, transactionalId);
        while (!stopRequested) {
            producer = KafkaClients.workerProducer(options, producerConfig);
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
        KafkaInput in = new KafkaInput(
                KafkaClients.workerConsumer(options, ClientConfigs.consumer(options, name, groupInstanceId, this)),
                this, this::startOf);
        loop.attach(in, new KafkaCommitPort(producer, in.consumer(), exactlyOnce, options.commitTimeout(),
                options.trigger().isLowLatency()));
        input = in;
        if (plan.patterns().isEmpty()) {
            in.subscribe(plan.fixedTopics());
        } else {
            in.subscribe(plan.subscriptionPattern());
        }
        if (stopRequested) {
            in.wakeup();
        }
    }

    /**
     * WRITE if {@code e} came from the producer (a send, or the commit), READ if from the input. A
     * transactional producer rethrows a refused send's error from a later {@code send()}, so the
     * producer's frames in the stack tell, not only the commit port's wrapping.
     */
    private static AclOperation refusedTopicOperation(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 12; t = t.getCause(), depth++) {
            if (t instanceof CommitPort.BatchFailedException || t instanceof ProducerSink.SendFailedException) {
                return AclOperation.WRITE;
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().startsWith("org.apache.kafka.clients.producer.")
                        || frame.getClassName().equals(ProducerSink.class.getName())) {
                    return AclOperation.WRITE;
                }
            }
        }
        return AclOperation.READ;
    }

    private StartPosition startOf(String topic) {
        StartingOffsets start = plan.sourceFor(topic).orElseThrow().consumed().startingOffsets();
        return switch (start.kind()) {
            case EARLIEST -> StartPosition.EARLIEST;
            case LATEST -> StartPosition.LATEST;
            case TIMESTAMP -> StartPosition.at(start.timestamp().toEpochMilli());
        };
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
        loop.abortBatch(e);
        loop.requestRejoin();
        return true;
    }

    private void rejoin() {
        log.info("{}: dropping tasks {} and rejoining the group", name, loop.tasks().keySet());
        loop.dropTasks();
        tasksChanged();
        closeClients();
        connect();
    }

    private void closeClients() {
        KafkaInput in = input;
        if (in != null) {
            try {
                in.close(options.commitTimeout());
            } catch (RuntimeException e) {
                log.debug("{}: closing consumer: {}", name, e.toString());
            }
            input = null;
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

    // ---- group membership: the input's events go to the loop; the worker tracks the app state

    @Override
    public void onJoin() {
        rebalancing = true;
        app.recomputeState();
    }

    @Override
    public MembershipInfo.Subscription subscription() {
        return app.subscription(exactlyOnce ? transactionalId : null);
    }

    @Override
    public void onAssignment(MembershipInfo.Assignment assignment) {
        app.assignmentReceived(name, assignment);
    }

    @Override
    public void assigned(Map<TopicPartition, Optional<TaskCheckpoint>> added) {
        KafkaInput in = input;
        if (in != null) {
            memberId = in.consumer().groupMetadata().memberId();   // on the consumer's thread, inside its poll
        }
        try {
            loop.assigned(added);
        } finally {
            tasksChanged();
            assignedOnce = true;
            rebalancing = false;
            app.recomputeState();
        }
    }

    @Override
    public void revoked(Collection<TopicPartition> partitions) {
        try {
            loop.revoked(partitions);
        } finally {
            tasksChanged();
        }
    }

    @Override
    public void lost(Collection<TopicPartition> partitions) {
        try {
            loop.lost(partitions);
        } finally {
            tasksChanged();
        }
    }

    // ---- what the loop reports

    @Override
    public void committed(BatchProgress progress, Map<String, Long> lateByOperator) {
        if (!lateByOperator.isEmpty()) {
            app.lateRecords(lateByOperator);
        }
        purger.committed(progress);
        app.batchCommitted(progress);
        runQueries();
    }

    @Override
    public void aborted() {
        app.batchAborted();
    }

    @Override
    public void retried() {
        app.batchRetried();
    }

    @Override
    public void commitRefused() {
        app.commitRefused();
    }

    @Override
    public void drained(Collection<TopicPartition> partitions) {
        app.partitionsDrained(partitions);
    }

    @Override
    public boolean applicationFailed() {
        return app.failed();
    }
}
