package io.eddy.internal.runtime;

import io.eddy.AppMetrics;
import io.eddy.AppState;
import io.eddy.BatchProgress;
import io.eddy.ClusterAccessException;
import io.eddy.ProgressListener;
import io.eddy.StateListener;
import io.eddy.internal.plan.Plan;
import io.eddy.kafka.ClientRole;
import io.eddy.kafka.internal.TopicAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running side of an {@code EddyApp}: checks the input topics, starts the workers, keeps the
 * application state, counts, and dispatches progress. Thread-safe: workers call in concurrently.
 */
public final class AppRuntime {
    private static final Logger log = LoggerFactory.getLogger(AppRuntime.class);

    private final AppOptions options;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<SourceRunner> sourceRunners = new ArrayList<>();
    private final List<Thread> sourceThreads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong refusedCommits = new AtomicLong();
    private final Map<String, java.util.concurrent.atomic.LongAdder> lateByOperator =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<TopicPartition> drained = ConcurrentHashMap.newKeySet();
    private Map<TopicPartition, Long> targets;
    private AppState state = AppState.CREATED;
    private int runningWorkers;
    private StateDirectory stateDirectory;
    private io.eddy.state.internal.StateEnvironment stateEnvironment;
    private GlobalTables globalTables;
    private boolean released;

    /** How many committed batches {@link #recentProgress()} keeps: 5 s at 100 batches/s, twice. */
    static final int PROGRESS_HISTORY = 1000;
    private volatile String runId = "";
    private final ProgressHistory history = new ProgressHistory(PROGRESS_HISTORY);
    private final Map<String, BatchProgress> lastByWorker = new ConcurrentHashMap<>();
    private final Map<String, io.eddy.RestoreProgress> latestRestores = new ConcurrentHashMap<>();
    private final List<ProgressListener> runtimeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public AppRuntime(AppOptions options) {
        this.options = options;
        this.instanceLimits = FlowController.InstanceLimits.of(options.flowControl(),
                options.trigger().interval().toMillis(), options.clock().millis());
        this.standbys = new StandbyTasks(this);
        this.fencer = new ExpiredTransactionFencer(options);
    }

    // ---- interactive queries and standby tasks (see InteractiveQueries, StandbyTasks)

    private volatile int taskCount;
    private volatile String processId = UUID.randomUUID().toString();
    private volatile io.eddy.kafka.internal.MembershipInfo.Assignment assignment =
            io.eddy.kafka.internal.MembershipInfo.Assignment.NONE;
    private final StandbyTasks standbys;
    private final ExpiredTransactionFencer fencer;
    private final InteractiveQueries queries = new InteractiveQueries(this);

    /** The number of tasks (input partitions), known once started; 0 before. */
    int taskCount() {
        return assignment.taskCount() > 0 ? assignment.taskCount() : taskCount;
    }

    /** What the latest assignment of any worker told about the group (task endpoints). */
    io.eddy.kafka.internal.MembershipInfo.Assignment assignment() {
        return assignment;
    }

    /** This instance's workers; callable from any thread. */
    List<Worker> workers() {
        synchronized (this) {
            return List.copyOf(workers);
        }
    }

    /** Per standby task of this instance, the records its copy is behind (-1 unknown). */
    public Map<Integer, Long> standbyLags() {
        return standbys.lags();
    }

    StandbyTasks standbys() {
        return standbys;
    }

    /** Interactive queries of this instance's stores. */
    public InteractiveQueries queries() {
        return queries;
    }

    /** What every worker of this instance tells the assignor: process, endpoint, the state it holds. */
    io.eddy.kafka.internal.MembershipInfo.Subscription subscription(String transactionalId) {
        Map<Integer, Long> held = new TreeMap<>();
        StateDirectory dir = stateDirectory;
        if (dir != null) {
            try (var entries = java.nio.file.Files.list(dir.root())) {
                entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("task-\\d+"))
                        .forEach(n -> held.put(Integer.parseInt(n.substring(5)), -1L));
            } catch (java.io.IOException | RuntimeException e) {
                log.debug("{}: listing the task directories: {}", options.applicationId(), e.toString());
            }
            held.putAll(standbys.offsets());
        }
        String endpoint = options.applicationServer() == null ? "" : options.applicationServer();
        return new io.eddy.kafka.internal.MembershipInfo.Subscription(processId, endpoint,
                transactionalId == null ? "" : transactionalId, held);
    }

    /** Worker {@code worker} was assigned: record the group's endpoints and the worker's standby tasks. */
    void assignmentReceived(String worker, io.eddy.kafka.internal.MembershipInfo.Assignment received) {
        if (received.taskCount() > 0) {
            assignment = received;
        }
        if (stateDirectory != null) {
            standbys.update(worker, received.standbyTasks());
        }
        if (options.guarantee() == io.eddy.Guarantee.EXACTLY_ONCE) {
            fencer.membersChanged(received.liveTransactionalIds());
        }
    }

    AppOptions options() {
        return options;
    }

    /** The instance's rate limits, shared by its workers. */
    private final FlowController.InstanceLimits instanceLimits;

    FlowController.InstanceLimits instanceLimits() {
        return instanceLimits;
    }

    /**
     * Checks the inputs and starts the workers.
     *
     * @throws IllegalStateException if already started
     * @throws io.eddy.TopicCheckException if an input topic is missing, the inputs are not
     *         co-partitioned, an internal topic is unfit, or the broker did not answer within the
     *         start timeout
     * @throws io.eddy.ClusterAccessException if the cluster refuses the credentials or an ACL is missing
     */
    public void start() {
        synchronized (this) {
            if (state != AppState.CREATED) {
                throw new IllegalStateException("start() called in state " + state + "; an application starts once");
            }
            transition(AppState.STARTING);
            runId = UUID.randomUUID().toString();
        }
        Map<String, Integer> partitionCounts;
        try {
            openState();
            partitionCounts = checkInputs();
            if (options.trigger().isAvailableNow()) {
                targets = endOffsets(partitionCounts);
                log.info("{}: availableNow: processing up to {}", options.applicationId(), targets);
            }
        } catch (RuntimeException e) {
            ClusterAccessException access = AccessErrors.translate(e, options, AclOperation.READ);
            RuntimeException reported = access != null ? access
                    : e instanceof TopicAdmin.TopicException t ? TopicChecks.toPublic(t) : e;
            failure.set(reported);
            releaseState();
            synchronized (this) {
                transition(AppState.ERROR);
            }
            throw reported;
        }
        String instanceTag = options.instanceId() != null ? options.instanceId()
                : stateDirectory != null ? stateDirectory.processId() : UUID.randomUUID().toString();
        if (stateDirectory != null) {
            processId = stateDirectory.processId();
        }
        synchronized (this) {
            for (int i = 0; i < options.threads(); i++) {
                Worker w = new Worker(this, i, instanceTag, targets);
                Thread t = new Thread(w, "eddy-" + w.name());
                workers.add(w);
                threads.add(t);
            }
            runningWorkers = workers.size();
            for (var spec : options.plan().streamSources()) {
                SourceRunner runner = new SourceRunner(this, spec, instanceTag);
                sourceRunners.add(runner);
                sourceThreads.add(new Thread(runner, "eddy-" + runner.name()));
            }
        }
        threads.forEach(Thread::start);
        sourceThreads.forEach(Thread::start);
    }

    private Map<String, Integer> checkInputs() {
        Plan plan = options.plan();
        Admin admin = KafkaClients.admin(options, ClientRole.ADMIN, ClientConfigs.admin(options));
        try {
            TopicAdmin topics = new TopicAdmin(admin, options.startTimeout());
            AccessErrors.AclProbes probes = AccessErrors.startProbes(admin, options);
            Set<String> inputs = new TreeSet<>(plan.fixedTopics());
            for (var pattern : plan.patterns()) {
                inputs.addAll(AccessErrors.during(options, AclOperation.READ, () -> topics.topicsMatching(pattern)));
            }
            inputs.removeAll(plan.repartitionTopics());
            Map<String, Integer> counts = StreamSources.ensureTopics(options, topics, inputs);
            int partitions = TopicAdmin.requireCoPartitioned(counts);
            taskCount = partitions;
            Map<String, Map<String, String>> internal = new TreeMap<>();
            // Repartition records carry event time, which may be old (a replay) or ahead of the
            // broker's clock: time-based retention would delete unread records, and the broker's
            // default timestamp check would refuse records more than an hour ahead. Nor may size
            // delete unread records. The workers delete what their tasks consumed (RepartitionPurger).
            plan.repartitionTopics().forEach(t -> internal.put(t, Map.of("cleanup.policy", "delete",
                    "retention.ms", "-1", "retention.bytes", "-1",
                    "message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE))));
            plan.stores().forEach(s -> internal.put(s.changelogTopic(), changelogConfig(s)));
            AccessErrors.during(options, AclOperation.CREATE,
                    () -> topics.ensureInternalTopics(internal, partitions, (short) -1));
            if (plan.stateful()) {
                AccessErrors.during(options, AclOperation.CREATE, () -> topics.ensureInternalTopics(
                        Map.of(StoreRegistry.topic(options.applicationId()), Map.of("cleanup.policy", "compact")),
                        1, (short) -1));
                StoreRegistry.checkAndRecord(plan, options);
            }
            probes.await();   // a refused topic check is reported first, as before the probes went out early
            Map<String, Integer> all = new TreeMap<>(counts);
            plan.repartitionTopics().forEach(t -> all.put(t, partitions));
            if (!plan.globalTables().isEmpty()) {
                globalTables.start(KafkaClients.consumer(options, ClientRole.GLOBAL_TABLE_CONSUMER,
                        ClientConfigs.globalTableConsumer(options)), options.applicationId() + "-global",
                        options.startTimeout());
            }
            return all;
        } finally {
            // close() without a timeout waits for every request in flight: against a broker that
            // accepts connections but never answers, that is past the start timeout
            admin.close(options.startTimeout());
        }
    }

    private static Map<String, String> changelogConfig(io.eddy.internal.plan.StoreSpec store) {
        if (store.kind() == io.eddy.internal.plan.StoreSpec.Kind.KEY_VALUE) {
            return Map.of("cleanup.policy", "compact");
        }
        // windows older than the retention are dropped from the store; the changelog forgets them too
        return Map.of("cleanup.policy", "compact,delete",
                "retention.ms", String.valueOf(store.retentionMs() + Duration.ofDays(1).toMillis()));
    }

    private void openState() {
        Plan plan = options.plan();
        if (!plan.globalTables().isEmpty()) {
            globalTables = new GlobalTables(plan.globalTables());
        }
        if (plan.stateful()) {
            stateDirectory = StateDirectory.lock(options.stateDir(), options.applicationId());
            stateEnvironment = io.eddy.state.internal.StateEnvironment.rocksDb(options.stateMemoryBytes());
        }
    }

    /** Closes the stores' environment and releases the state directory, once every worker has stopped. */
    private synchronized void releaseState() {
        if (released) {
            return;
        }
        released = true;
        if (globalTables != null) {
            globalTables.close();
        }
        if (stateEnvironment != null) {
            stateEnvironment.close();
        }
        if (stateDirectory != null) {
            stateDirectory.close();
        }
    }

    StateDirectory stateDirectory() {
        return stateDirectory;
    }

    io.eddy.state.internal.StateEnvironment stateEnvironment() {
        return stateEnvironment;
    }

    GlobalTables globalTables() {
        return globalTables;
    }

    /**
     * This instance's workers as group members: member id (of the latest assignment) to the ids of
     * the tasks restoring. Workers not yet assigned are left out. Callable from any thread.
     */
    public Map<String, Set<Integer>> localMembers() {
        List<Worker> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(workers);
        }
        Map<String, Set<Integer>> members = new TreeMap<>();
        for (Worker w : snapshot) {
            String id = w.memberId;
            if (id != null && !id.isEmpty()) {
                members.put(id, w.restoringTasks());
            }
        }
        return members;
    }

    /** RocksDB and store figures of this instance (empty for a stateless application). */
    public Map<String, Long> stateMetrics() {
        io.eddy.state.internal.StateEnvironment env = stateEnvironment;
        Map<String, Long> metrics = new TreeMap<>();
        if (env != null) {
            synchronized (this) {
                if (!released) {
                    metrics.putAll(env.metrics());
                }
            }
        }
        metrics.put("restored-records", restored.get());
        return metrics;
    }

    private final AtomicLong restored = new AtomicLong();

    void batchRetried() {
        retried.incrementAndGet();
    }

    /** A worker's commit was refused because its group was rebalancing; the batch runs again after the rejoin. */
    void commitRefused() {
        refusedCommits.incrementAndGet();
    }


    void restoreProgress(io.eddy.RestoreProgress progress) {
        latestRestores.put(progress.store() + "\u0000" + progress.task(), progress);
        if (progress.phase() == io.eddy.RestoreProgress.Phase.DONE) {
            restored.addAndGet(progress.restored());
        }
        for (io.eddy.RestoreListener l : options.restoreListeners()) {
            try {
                l.onRestore(progress);
            } catch (RuntimeException e) {
                log.warn("restore listener failed: {}", e.toString());
            }
        }
    }

    private Map<TopicPartition, Long> endOffsets(Map<String, Integer> partitionCounts) {
        List<TopicPartition> partitions = new ArrayList<>();
        partitionCounts.forEach((topic, count) -> {
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        });
        try (Consumer<byte[], byte[]> consumer = KafkaClients.consumer(options, ClientRole.END_OFFSETS_CONSUMER,
                ClientConfigs.endOffsetsConsumer(options))) {
            // assigned first: a consumer asked for partitions it is not assigned warns for each one
            consumer.assign(partitions);
            return Map.copyOf(consumer.endOffsets(partitions, options.startTimeout()));
        }
    }

    /** Asks every worker to commit its open batch and stop, and waits up to {@code timeout}. */
    public boolean close(Duration timeout) {
        synchronized (this) {
            if (state == AppState.CREATED) {
                transition(AppState.STOPPED);
                return true;
            }
        }
        workers.forEach(Worker::requestStop);
        sourceRunners.forEach(SourceRunner::requestStop);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean allStopped = true;
        List<Thread> all = new ArrayList<>(sourceThreads);
        all.addAll(threads);
        for (Thread t : all) {
            if (t == Thread.currentThread()) {
                continue;
            }
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            allStopped &= !t.isAlive();
        }
        synchronized (this) {
            if (!state.isTerminal()) {
                transition(AppState.STOPPED);
            }
        }
        return allStopped;
    }

    /** Waits until every worker thread has ended or the timeout passes. */
    public boolean awaitTermination(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (runningWorkers > 0 || state == AppState.CREATED) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    public synchronized AppState state() {
        return state;
    }

    public Throwable failure() {
        return failure.get();
    }

    boolean failed() {
        return failure.get() != null;
    }

    public AppMetrics metrics() {
        Map<String, Long> late = new java.util.TreeMap<>();
        lateByOperator.forEach((op, n) -> late.put(op, n.sum()));
        long lateTotal = late.values().stream().mapToLong(Long::longValue).sum();
        return AppMetrics.builder().processedRecords(processed.get()).skippedRecords(skipped.get())
                .committedBatches(committed.get()).abortedBatches(aborted.get()).retriedBatches(retried.get())
                .refusedCommits(refusedCommits.get())
                .lateRecords(lateTotal).lateRecordsByOperator(late).build();
    }

    // ---- progress and status (any thread)

    /** The newest committed batch of any worker in this run; null before the first. */
    public BatchProgress lastProgress() {
        return history.last();
    }

    /** The last {@value #PROGRESS_HISTORY} committed batches of all workers, oldest first. */
    public List<BatchProgress> recentProgress() {
        return history.snapshot();
    }

    /** Adds a listener told of every committed batch from now on (see {@link io.eddy.EddyApp#addProgressListener}). */
    public void addProgressListener(ProgressListener listener) {
        runtimeListeners.add(listener);
    }

    /** Removes a listener added with {@link #addProgressListener}; whether it was there. */
    public boolean removeProgressListener(ProgressListener listener) {
        return runtimeListeners.remove(listener);
    }

    /** What this instance does now. */
    public io.eddy.AppStatus status() {
        List<Worker> snapshot;
        AppState current;
        synchronized (this) {
            snapshot = List.copyOf(workers);
            current = state;
        }
        List<io.eddy.AppStatus.WorkerStatus> ws = new ArrayList<>();
        for (Worker w : snapshot) {
            ws.add(io.eddy.AppStatus.WorkerStatus.of(w.name(), w.ownedTasks(), w.restoringTasks(),
                    lastByWorker.get(w.name())));
        }
        List<io.eddy.RestoreProgress> restores = new ArrayList<>(latestRestores.values());
        restores.sort(java.util.Comparator.comparing(io.eddy.RestoreProgress::store)
                .thenComparingInt(io.eddy.RestoreProgress::task));
        Throwable failed = failure.get();
        return io.eddy.AppStatus.builder().applicationId(options.applicationId()).runId(runId).state(current)
                .failure(failed == null ? null : String.valueOf(failed.getMessage()))
                .triggerInterval(options.trigger().interval()).at(options.clock().instant())
                .workers(ws).restores(restores).metrics(metrics()).build();
    }

    // ---- called by workers

    void fail(Throwable cause) {
        if (failure.compareAndSet(null, cause)) {
            log.error("{}: stopping after a fatal error: {}", options.applicationId(), cause.getMessage(), cause);
            synchronized (this) {
                transition(AppState.ERROR);
            }
            workers.forEach(Worker::requestStop);
            sourceRunners.forEach(SourceRunner::requestStop);
        }
    }

    /** A source runner committed a batch in which {@code count} malformed inputs were skipped or dead-lettered. */
    void sourceRecordsSkipped(long count) {
        skipped.addAndGet(count);
    }

    void workerStopped(Worker worker) {
        boolean last;
        synchronized (this) {
            last = runningWorkers == 1;
        }
        if (last) {
            fencer.close();
            standbys.close();
            releaseState();
        }
        synchronized (this) {
            runningWorkers--;
            if (runningWorkers == 0 && !state.isTerminal() && targets != null && drained.size() >= targets.size()) {
                transition(AppState.STOPPED);
            }
            notifyAll();
        }
    }

    void partitionsDrained(Collection<TopicPartition> partitions) {
        drained.addAll(partitions);
        if (drained.size() >= targets.size()) {
            log.info("{}: availableNow: the backlog present at start is processed; stopping",
                    options.applicationId());
            workers.forEach(Worker::requestStop);
        }
    }

    /** Late records dropped by operators in a committed batch. */
    void lateRecords(Map<String, Long> perOperator) {
        perOperator.forEach((op, n) -> lateByOperator.computeIfAbsent(op, o -> new java.util.concurrent.atomic.LongAdder())
                .add(n));
    }

    void batchCommitted(BatchProgress fromLoop) {
        BatchProgress progress = fromLoop.toBuilder().runId(runId).build();
        history.add(progress);
        lastByWorker.put(progress.worker(), progress);
        for (ProgressListener l : runtimeListeners) {
            try {
                l.onBatch(progress);
            } catch (RuntimeException e) {
                log.warn("progress listener {} threw; ignored", l, e);
            }
        }
        processed.addAndGet(progress.records());
        skipped.addAndGet(progress.skipped());
        committed.incrementAndGet();
        for (ProgressListener l : options.progressListeners()) {
            try {
                l.onBatch(progress);
            } catch (RuntimeException e) {
                log.warn("progress listener {} threw; ignored", l, e);
            }
        }
    }

    void batchAborted() {
        aborted.incrementAndGet();
    }

    void recomputeState() {
        synchronized (this) {
            if (state.isTerminal() || state == AppState.CREATED) {
                return;
            }
            boolean allAssigned = workers.stream().allMatch(w -> w.assignedOnce);
            boolean anyRebalancing = workers.stream().anyMatch(w -> w.rebalancing);
            AppState next;
            if (!allAssigned && state == AppState.STARTING) {
                next = AppState.STARTING;
            } else {
                next = anyRebalancing || !allAssigned ? AppState.REBALANCING : AppState.RUNNING;
            }
            if (next != state) {
                transition(next);
            }
        }
    }

    /** Changes state and tells the listeners; the caller holds the lock. */
    private void transition(AppState next) {
        AppState previous = state;
        if (previous == next || previous.isTerminal()) {
            return;
        }
        state = next;
        log.info("{}: {} -> {}", options.applicationId(), previous, next);
        for (StateListener l : options.stateListeners()) {
            try {
                l.onChange(previous, next);
            } catch (RuntimeException e) {
                log.warn("state listener {} threw; ignored", l, e);
            }
        }
        notifyAll();
    }
}
