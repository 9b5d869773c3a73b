package io.eddy.testkit.driver;

import io.eddy.BatchProgress;
import io.eddy.ErrorHandler;
import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Pipeline;
import io.eddy.internal.plan.PipelineBuilder;
import io.eddy.internal.plan.Plan;
import io.eddy.internal.runtime.BatchLoop;
import io.eddy.internal.runtime.RecordLoop;
import io.eddy.internal.runtime.WorkerLoop;
import io.eddy.internal.runtime.GlobalTables;
import io.eddy.internal.runtime.Task;
import io.eddy.internal.runtime.TaskHost;
import io.eddy.internal.runtime.TaskState;
import io.eddy.kafka.internal.RecordSink;
import io.eddy.kafka.internal.TaskCheckpoint;
import io.eddy.serde.Serde;
import io.eddy.state.internal.StateEnvironment;
import io.eddy.testkit.driver.MemoryTopics.StoredRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/**
 * Runs a pipeline with no broker: in-memory topics with several partitions, a manual clock, and
 * explicit batch boundaries. It drives the same batch loop as the Kafka runtime (the same tasks,
 * operator code, error policy, commit and abort rules, checkpoints and timer-only batches) over
 * in-memory input and commit ports; only the source of records and the place the output goes
 * differ, and the caller cuts the batches instead of a trigger.
 *
 * <pre>{@code
 * try (TestDriver driver = TestDriver.builder()
 *         .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
 *                 .mapValues(v -> v.toUpperCase())
 *                 .toKafka("out", Produced.with(Serdes.string(), Serdes.string())))
 *         .partitions("in", 4)
 *         .build()) {
 *     driver.input("in", Serdes.string(), Serdes.string()).pipe("k", "v");
 *     driver.runBatch();
 *     assertThat(driver.output("out", Serdes.string(), Serdes.string()).readValues()).containsExactly("V");
 * }
 * }</pre>
 *
 * <p>Output written during a batch becomes readable when the batch commits, as with exactly-once
 * and {@code read_committed} readers. A batch that fails under the fail policy is aborted: its
 * output is discarded and {@link #runBatch()} throws. Not thread-safe.
 */
public final class TestDriver implements AutoCloseable {

    private final Plan plan;
    private final ErrorHandler errorHandler;
    private final PrintStream console;
    private final long idleTimeoutMs;
    private Instant now;

    private final MemoryTopics topics;
    private final MemoryInput input;
    private final MemoryCommit commit;
    private final WorkerLoop loop;

    private final boolean restartAfterEveryBatch;
    private long batches;
    private long skipped;
    private final Map<String, Long> lateRecords = new TreeMap<>();

    private StateEnvironment stateEnvironment = StateEnvironment.inMemory();
    private final GlobalTables globalTables;
    private final Map<String, Integer> globalApplied = new HashMap<>();

    private TestDriver(Builder b) {
        this.plan = PipelineBuilder.define(b.applicationId, b.pipeline, b.requireNamedState);
        this.globalTables = plan.globalTables().isEmpty() ? null : new GlobalTables(plan.globalTables());
        this.errorHandler = b.errorHandler;
        this.console = b.console;
        this.now = b.start;
        this.idleTimeoutMs = b.idleTimeout.toMillis();
        this.restartAfterEveryBatch = b.restartAfterEveryBatch;
        Map<String, Integer> inputs = new TreeMap<>();
        for (String t : plan.fixedTopics()) {
            if (!plan.repartitionTopics().contains(t)) {
                inputs.put(t, b.partitions.getOrDefault(t, b.defaultPartitions));
            }
        }
        int taskCount = io.eddy.internal.runtime.TopicChecks.requireCoPartitioned(inputs);
        Map<String, Integer> counts = new HashMap<>(b.partitions);
        plan.repartitionTopics().forEach(t -> counts.put(t, taskCount));
        plan.changelogTopics().forEach(t -> counts.put(t, taskCount));
        this.topics = new MemoryTopics(counts, b.defaultPartitions);
        // every input topic exists from the start, as the runtime requires: its partitions are
        // assigned, with no lag, so an input that never gets a record becomes idle
        inputs.keySet().forEach(topics::log);
        this.commit = new MemoryCommit(topics, Set.copyOf(plan.repartitionTopics()), () -> now.toEpochMilli());
        this.input = new MemoryInput(topics, this::inputTopics, commit.committed());
        if (b.lowLatency) {
            java.util.Optional<String> refusal = io.eddy.internal.plan.LowLatencySupport.refusal(plan);
            if (refusal.isPresent()) {
                throw new IllegalArgumentException("lowLatency: " + refusal.get());
            }
            this.loop = new RecordLoop(new RecordLoop.Settings(b.applicationId + "-driver", Long.MAX_VALUE,
                    Long.MAX_VALUE, null, () -> now.toEpochMilli()), plan.stateful(), new DriverTaskHost(),
                    new Counters());
        } else {
            BatchLoop.Settings settings = new BatchLoop.Settings(b.applicationId + "-driver", Long.MAX_VALUE,
                    Integer.MAX_VALUE, Long.MAX_VALUE, null, null, () -> now.toEpochMilli());
            this.loop = new BatchLoop(settings, plan.stateful(), new DriverTaskHost(), new Counters());
        }
        input.listener(loop);
        loop.attach(input, commit);
    }

    /** A builder; {@link Builder#pipeline} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The pipeline under test as readable text, as {@code EddyApp#describe()} gives it (with this
     * driver's application id in internal topic names).
     *
     * @return the description; never null
     */
    public io.eddy.PipelineDescription describe() {
        return plan.describe();
    }

    /** A typed writer into {@code topic}. */
    public <K, V> TestInputTopic<K, V> input(String topic, Serde<K> keySerde, Serde<V> valueSerde) {
        return new TestInputTopic<>(this, topic, keySerde, valueSerde);
    }

    /** A typed reader of the committed records of {@code topic}. */
    public <K, V> TestOutputTopic<K, V> output(String topic, Serde<K> keySerde, Serde<V> valueSerde) {
        return new TestOutputTopic<>(this, topic, keySerde, valueSerde);
    }

    private BatchProgress lastProgress;

    /**
     * The progress of the last batch committed, as the Kafka runtime reports it to listeners and
     * {@code EddyApp.lastProgress()} (without a run id): durations and delays measured on the
     * driver's clock, rates, lag, stores. Empty before the first batch.
     */
    public Optional<BatchProgress> lastProgress() {
        return Optional.ofNullable(lastProgress);
    }

    /** The driver's clock; new input records are stamped with it. */
    public Instant now() {
        return now;
    }

    /** Moves the clock forward. */
    public void advanceTime(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward, got " + duration);
        }
        now = now.plus(duration);
    }

    /**
     * Simulates a stalled owner of one input partition: from now on its records stay unread,
     * though they exist (the partition shows lag), until {@link #release}. A stalled partition is
     * not idle, so it holds the watermark of its task back (see the README's "Event time").
     *
     * @throws IllegalArgumentException if {@code topic} is not an input of the pipeline or has no
     *         partition {@code partition}
     */
    public void holdBack(String topic, int partition) {
        input.holdBack(inputPartition(topic, partition), true);
    }

    /** Undoes {@link #holdBack}: the partition's records are delivered again from where it stopped. */
    public void release(String topic, int partition) {
        input.holdBack(inputPartition(topic, partition), false);
    }

    private TopicPartition inputPartition(String topic, int partition) {
        if (!inputTopics().contains(topic) || partition < 0 || partition >= topics.partitionsOf(topic)) {
            throw new IllegalArgumentException("no input partition " + topic + "-" + partition);
        }
        return new TopicPartition(topic, partition);
    }

    /** Batches committed so far (a {@link #runBatch()} with nothing to do commits none). */
    public long committedBatches() {
        return batches;
    }

    /** Records skipped by the error policy in committed batches. */
    public long skippedRecords() {
        return skipped;
    }

    /** Late records that event-time operators dropped in committed batches (not those routed to a late stream). */
    public long lateRecords() {
        return lateRecords.values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@link #lateRecords()} per operator name (a copy). */
    public Map<String, Long> lateRecordsByOperator() {
        return Map.copyOf(lateRecords);
    }

    /**
     * The watermark task {@code partition} committed last, or empty if the task has committed
     * none (or tracks no event time). Read from the checkpoints stored with its committed offsets,
     * as a new owner of the task reads it.
     */
    public Optional<Instant> watermark(int partition) {
        List<TaskCheckpoint> checkpoints = new ArrayList<>();
        commit.committed().forEach((tp, c) -> {
            if (tp.partition() == partition) {
                checkpoints.add(c.checkpoint());
            }
        });
        return TaskCheckpoint.latest(checkpoints)
                .filter(c -> c.watermark() != TaskCheckpoint.NO_WATERMARK)
                .map(c -> Instant.ofEpochMilli(c.watermark()));
    }

    /**
     * Runs batches until every input record, including those written to repartition topics by
     * earlier batches, is processed. This includes the watermark reports upstream tasks write to
     * repartition topics (see the README's "Event time"): after {@link #advanceTime}, a quiet
     * upstream task reports in one batch and its downstream tasks close their windows in the next,
     * so call this rather than {@link #runBatch()} to see what a quiet spell closes.
     *
     * @return the number of records processed (watermark reports included)
     */
    public long runUntilIdle() {
        long total = 0;
        while (true) {
            long written = repartitionRecords();
            long n = runBatch();
            total += n;
            if (n == 0 && repartitionRecords() == written) {
                return total;
            }
        }
    }

    private long repartitionRecords() {
        long n = 0;
        for (String topic : plan.repartitionTopics()) {
            if (topics.exists(topic)) {
                for (List<StoredRecord> partition : topics.log(topic)) {
                    n += partition.size();
                }
            }
        }
        return n;
    }

    /**
     * Simulates a crash and a restart: every task is dropped with its in-memory stores, and new
     * tasks restore their stores from the changelog topics the committed batches wrote, and their
     * batch ids and watermarks from the committed checkpoints, as a restarted application does.
     * Processing resumes after the last committed batch.
     */
    public void restart() {
        Set<Integer> had = input.assignedTasks();
        loop.abortBatch(new IllegalStateException("restart"));
        loop.dropTasks();
        stateEnvironment.close();
        stateEnvironment = StateEnvironment.inMemory();
        input.reassign(had);   // as the runtime does: assigned tasks exist, input or not (their timers run)
    }

    /** The committed records of a changelog or repartition topic, for tests of the state protocol. */
    public List<byte[]> internalTopicValues(String topic) {
        List<byte[]> values = new ArrayList<>();
        if (topics.exists(topic)) {
            for (List<StoredRecord> partition : topics.log(topic)) {
                partition.forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    private void applyGlobalTables() {
        if (globalTables == null) {
            return;
        }
        for (var spec : plan.globalTables()) {
            int done = globalApplied.getOrDefault(spec.topic(), 0);
            List<StoredRecord> all = new ArrayList<>();
            if (topics.exists(spec.topic())) {
                topics.log(spec.topic()).forEach(all::addAll);
            }
            for (int i = done; i < all.size(); i++) {
                globalTables.apply(spec.topic(), all.get(i).key(), all.get(i).value());
            }
            globalApplied.put(spec.topic(), all.size());
        }
    }

    /**
     * Runs one batch through the same {@code BatchLoop} as the Kafka runtime: processes every
     * input record not yet processed, topic by topic and, within a topic, partition by partition in
     * offset order, adds the tasks whose timers are due, and commits. Records the batch writes to
     * repartition topics are processed by the next batch.
     *
     * @return the number of records processed
     * @throws ProcessingFailedException if a record failed under the fail policy; the batch's
     *         output is discarded and its records stay unprocessed
     * @throws io.eddy.dsl.SinkBackpressureException if a sink signalled backpressure: the batch is
     *         aborted and its records stay unprocessed, nothing is held (no time passes here), and
     *         the next call retries it
     */
    public long runBatch() {
        applyGlobalTables();
        long committedBefore = batches;
        long dataBefore = restartAfterEveryBatch ? dataRecordsWritten() : 0;
        long n = loop.runBatch();
        // a batch that only moved watermarks (reports to repartition topics) changes nothing a
        // restart could lose; restarting after it would make every restarted upstream task report
        // again, forever, and runUntilIdle would never see the pipeline idle
        if (restartAfterEveryBatch && batches > committedBefore && dataRecordsWritten() > dataBefore) {
            restart();
        }
        return n;
    }

    /** Records in every topic (outputs, changelogs, repartition topics) that are not watermark reports. */
    private long dataRecordsWritten() {
        long n = 0;
        for (String topic : topics.names()) {
            for (List<StoredRecord> partition : topics.log(topic)) {
                for (StoredRecord r : partition) {
                    if (r.key() != null || r.headers() == null || r.headers().lastHeader("eddy.watermark") == null) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private List<String> inputTopics() {
        List<String> inputs = new ArrayList<>();
        for (String topic : topics.names()) {
            if (!plan.changelogTopics().contains(topic) && plan.sourceFor(topic).isPresent()) {
                inputs.add(topic);
            }
        }
        return inputs;
    }

    void append(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        int p = topics.partitionFor(topic, partition, key);
        topics.append(new StoredRecord(topic, p, key, value, timestamp, headers));
    }

    List<StoredRecord> committed(String topic) {
        return topics.committed(topic);
    }

    @Override
    public void close() {
        loop.dropTasks();
        stateEnvironment.close();
    }

    /** Tasks with in-memory stores, restored from the in-memory changelogs when created. */
    private final class DriverTaskHost implements TaskHost {
        @Override
        public Task create(int p, RecordSink sink) {
            TaskState state = null;
            if (plan.stateful()) {
                state = new TaskState(p, plan, stateEnvironment, null, 0);
                for (Map.Entry<TopicPartition, Long> e : state.restoreOffsets().entrySet()) {
                    List<StoredRecord> log = topics.log(e.getKey().topic()).get(p);
                    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
                    for (int i = (int) (long) e.getValue(); i < log.size(); i++) {
                        entries.add(new AbstractMap.SimpleImmutableEntry<>(log.get(i).key(), log.get(i).value()));
                    }
                    if (!entries.isEmpty()) {
                        state.restore(e.getKey(), entries, log.size() - 1);
                    }
                }
            }
            return new Task(p, plan, sink, errorHandler, console, state, globalTables, idleTimeoutMs,
                    () -> now.toEpochMilli());
        }
    }

    /** The driver's counters, fed by the loop. */
    private final class Counters implements BatchLoop.Listener {
        @Override
        public void committed(BatchProgress progress, Map<String, Long> lateByOperator) {
            lastProgress = progress;
            batches++;
            skipped += progress.skipped();
            lateByOperator.forEach((op, n) -> lateRecords.merge(op, n, Long::sum));
        }

        @Override
        public void aborted() {
        }

        @Override
        public void retried() {
        }

        @Override
        public void commitRefused() {
        }

        @Override
        public void drained(Collection<TopicPartition> partitions) {
        }

        @Override
        public boolean applicationFailed() {
            return false;
        }
    }

    /** Options of a {@link TestDriver}. */
    public static final class Builder {
        private Consumer<? super Pipeline> pipeline;
        private final Map<String, Integer> partitions = new HashMap<>();
        private int defaultPartitions = 1;
        private ErrorHandler errorHandler = ErrorHandler.fail();
        private PrintStream console = System.out;
        private Instant start = Instant.parse("2026-01-01T00:00:00Z");
        private String applicationId = "test-app";
        private Duration idleTimeout = Duration.ofSeconds(10);
        private boolean requireNamedState;
        private boolean restartAfterEveryBatch;
        private boolean lowLatency;

        private Builder() {
        }

        /**
         * Whether the pipeline runs as under {@code Trigger.lowLatency}: record at a time, each table
         * update emitted on its own (not one per key and batch), and each {@link #runBatch()} one
         * offset commit. {@link #build()} refuses a pipeline the trigger does not support, naming
         * the operator, as {@code EddyApp.Builder#build()} does. Default false.
         */
        public Builder lowLatency(boolean lowLatency) {
            this.lowLatency = lowLatency;
            return this;
        }

        /**
         * Whether every committed batch that wrote a record (output, changelog or repartition data;
         * not only watermark reports) is followed by a {@link #restart()}: all tasks dropped and
         * their stores, timers, batch ids and watermarks restored from the changelogs and
         * checkpoints. A test that passes with and without it shows that everything its pipeline
         * needs survives a crash at any batch boundary (Hazelcast Jet's test support does the
         * same with snapshots). Default false.
         */
        public Builder restartAfterEveryBatch(boolean restart) {
            this.restartAfterEveryBatch = restart;
            return this;
        }

        /**
         * Whether an unnamed stateful operator makes {@link #build()} fail, as
         * {@code EddyApp.Builder#requireNamedState}; default false (it is logged at WARN).
         */
        public Builder requireNamedState(boolean required) {
            this.requireNamedState = required;
            return this;
        }

        /**
         * How long an input partition may deliver nothing before it stops holding its task's
         * watermark back, measured on the driver's clock; as {@code EddyApp.Builder#idleTimeout}.
         * Default 10 s.
         */
        public Builder idleTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive, got " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** The application id internal topic names start with; default {@code test-app}. */
        public Builder applicationId(String applicationId) {
            this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
            return this;
        }

        /** The pipeline under test, defined as for {@code EddyApp.Builder#pipeline}. */
        public Builder pipeline(Consumer<? super Pipeline> pipeline) {
            this.pipeline = pipeline;
            return this;
        }

        /** The partition count of {@code topic} (input or output). */
        public Builder partitions(String topic, int count) {
            if (count < 1) {
                throw new IllegalArgumentException("partitions(" + topic + ") must be at least 1, got " + count);
            }
            partitions.put(topic, count);
            return this;
        }

        /** The partition count of topics not given to {@link #partitions}; default 1. */
        public Builder defaultPartitions(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("defaultPartitions must be at least 1, got " + count);
            }
            this.defaultPartitions = count;
            return this;
        }

        /** The error policy; default fail. */
        public Builder errorHandler(ErrorHandler errorHandler) {
            this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
            return this;
        }

        /** Where {@code console()} sinks print. */
        public Builder console(PrintStream console) {
            this.console = Objects.requireNonNull(console, "console");
            return this;
        }

        /** The clock's start; default 2026-01-01T00:00:00Z. */
        public Builder startTime(Instant start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /**
         * Builds the driver.
         *
         * @throws IllegalArgumentException if the pipeline is invalid, has an unnamed stateful
         *         operator while {@link #requireNamedState(boolean)} is on, or has an operator the
         *         {@link #lowLatency(boolean) low-latency mode} does not support
         * @throws io.eddy.TopicCheckException if the pipeline's inputs have different partition counts
         */
        public TestDriver build() {
            Objects.requireNonNull(pipeline, "pipeline");
            return new TestDriver(this);
        }
    }
}
