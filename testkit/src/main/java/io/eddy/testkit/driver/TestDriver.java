package io.eddy.testkit.driver;

import io.eddy.ErrorHandler;
import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Pipeline;
import io.eddy.internal.plan.PipelineBuilder;
import io.eddy.internal.plan.Plan;
import io.eddy.internal.runtime.ChangelogSink;
import io.eddy.internal.runtime.GlobalTables;
import io.eddy.internal.runtime.Task;
import io.eddy.internal.runtime.TaskState;
import io.eddy.state.internal.StateEnvironment;
import java.util.AbstractMap;
import org.apache.kafka.common.TopicPartition;
import io.eddy.kafka.internal.RecordSink;
import io.eddy.serde.Serde;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;

/**
 * Runs a pipeline with no broker: in-memory topics with several partitions, a manual clock, and
 * explicit batch boundaries. It builds the same {@code Task}s, with the same operator code, error
 * policy and batch lifecycle, as the Kafka runtime; only the source of records and the place the
 * output goes differ.
 *
 * <pre>{@code
 * try (TestDriver driver = TestDriver.builder()
 *         .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
 *                 .mapValues(String::toUpperCase)
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
    private final Map<String, Integer> partitionCounts;
    private final int defaultPartitions;
    private Instant now;

    private final Map<String, List<List<StoredRecord>>> topics = new HashMap<>();
    private final Map<String, List<StoredRecord>> committedOutput = new HashMap<>();
    private final List<StoredRecord> pendingOutput = new ArrayList<>();
    /** Next unprocessed offset per input partition. */
    private final Map<String, int[]> positions = new HashMap<>();
    private final Map<Integer, Task> tasks = new TreeMap<>();
    private final Map<String, Integer> roundRobin = new HashMap<>();
    private long batches;
    private long skipped;
    private final Map<String, Long> lateRecords = new TreeMap<>();
    /** Per task, the watermark its last committed batch stored (as the Kafka runtime stores it with the offsets). */
    private final Map<Integer, Long> committedWatermarks = new HashMap<>();
    private final long idleTimeoutMs;

    private StateEnvironment stateEnvironment = StateEnvironment.inMemory();
    private final GlobalTables globalTables;
    private final Map<String, Integer> globalApplied = new HashMap<>();

    private TestDriver(Builder b) {
        this.plan = PipelineBuilder.define(b.applicationId, b.pipeline);
        this.globalTables = plan.globalTables().isEmpty() ? null : new GlobalTables(plan.globalTables());
        this.errorHandler = b.errorHandler;
        this.console = b.console;
        this.defaultPartitions = b.defaultPartitions;
        this.now = b.start;
        this.idleTimeoutMs = b.idleTimeout.toMillis();
        Map<String, Integer> inputs = new TreeMap<>();
        for (String t : plan.fixedTopics()) {
            if (!plan.repartitionTopics().contains(t)) {
                inputs.put(t, b.partitions.getOrDefault(t, defaultPartitions));
            }
        }
        int taskCount = io.eddy.internal.runtime.TopicChecks.requireCoPartitioned(inputs);
        Map<String, Integer> counts = new HashMap<>(b.partitions);
        plan.repartitionTopics().forEach(t -> counts.put(t, taskCount));
        plan.changelogTopics().forEach(t -> counts.put(t, taskCount));
        this.partitionCounts = Map.copyOf(counts);
    }

    /** A builder; {@link Builder#pipeline} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A typed writer into {@code topic}. */
    public <K, V> TestInputTopic<K, V> input(String topic, Serde<K> keySerde, Serde<V> valueSerde) {
        return new TestInputTopic<>(this, topic, keySerde, valueSerde);
    }

    /** A typed reader of the committed records of {@code topic}. */
    public <K, V> TestOutputTopic<K, V> output(String topic, Serde<K> keySerde, Serde<V> valueSerde) {
        return new TestOutputTopic<>(this, topic, keySerde, valueSerde);
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

    /** Batches committed so far. */
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
     * none (or tracks no event time).
     */
    public java.util.Optional<Instant> watermark(int partition) {
        Long wm = committedWatermarks.get(partition);
        return wm == null || wm == Long.MIN_VALUE ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(wm));
    }

    /**
     * Runs batches until every input record, including those written to repartition topics by
     * earlier batches, is processed.
     *
     * @return the number of records processed
     */
    public long runUntilIdle() {
        long total = 0;
        long n;
        while ((n = runBatch()) > 0) {
            total += n;
        }
        return total;
    }

    /**
     * Simulates a crash and a restart: every task is dropped with its in-memory stores, and new
     * tasks restore their stores from the changelog topics the committed batches wrote, as a
     * restarted application does. Processing resumes after the last committed batch.
     */
    public void restart() {
        Set<Integer> had = new java.util.TreeSet<>(tasks.keySet());
        tasks.values().forEach(Task::close);
        tasks.clear();
        stateEnvironment.close();
        stateEnvironment = StateEnvironment.inMemory();
        had.forEach(this::task);   // as the runtime does: assigned tasks exist, input or not (their timers run)
    }

    /** The committed records of a changelog or repartition topic, for tests of the state protocol. */
    public List<byte[]> internalTopicValues(String topic) {
        List<byte[]> values = new ArrayList<>();
        for (List<StoredRecord> partition : topics.getOrDefault(topic, List.of())) {
            partition.forEach(r -> values.add(r.value));
        }
        return values;
    }

    private Task task(int p) {
        Task task = tasks.get(p);
        if (task == null) {
            TaskState state = null;
            if (plan.stateful()) {
                state = new TaskState(p, plan, stateEnvironment, null, 0);
                for (Map.Entry<TopicPartition, Long> e : state.restoreOffsets().entrySet()) {
                    List<StoredRecord> log = log(e.getKey().topic()).get(p);
                    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
                    for (int i = (int) (long) e.getValue(); i < log.size(); i++) {
                        entries.add(new AbstractMap.SimpleImmutableEntry<>(log.get(i).key, log.get(i).value));
                    }
                    if (!entries.isEmpty()) {
                        state.restore(e.getKey(), entries, log.size() - 1);
                    }
                }
            }
            task = new Task(p, plan, sink, errorHandler, console, state, globalTables, idleTimeoutMs,
                    () -> now.toEpochMilli());
            Long wm = committedWatermarks.get(p);
            if (wm != null) {
                task.restoreWatermark(wm);
            }
            tasks.put(p, task);
        }
        return task;
    }

    private void applyGlobalTables() {
        if (globalTables == null) {
            return;
        }
        for (var spec : plan.globalTables()) {
            int done = globalApplied.getOrDefault(spec.topic(), 0);
            List<StoredRecord> all = new ArrayList<>();
            topics.getOrDefault(spec.topic(), List.of()).forEach(all::addAll);
            for (int i = done; i < all.size(); i++) {
                globalTables.apply(spec.topic(), all.get(i).key, all.get(i).value);
            }
            globalApplied.put(spec.topic(), all.size());
        }
    }

    /**
     * Processes every input record not yet processed, task by task and, within a task, partition
     * by partition in offset order, then commits the batch. Records the batch writes to
     * repartition topics are processed by the next batch.
     *
     * @return the number of records processed
     * @throws ProcessingFailedException if a record failed under the fail policy; the batch's
     *         output is discarded and its records stay unprocessed
     */
    public long runBatch() {
        Map<String, int[]> start = new HashMap<>();
        positions.forEach((t, p) -> start.put(t, p.clone()));
        Set<Task> participants = new LinkedHashSet<>();
        long records = 0;
        List<StoredRecord> changelog = new ArrayList<>();
        Map<TopicPartition, Integer> changelogSent = new HashMap<>();
        ChangelogSink changelogSink = (topic, partition, key, value) -> {
            changelog.add(new StoredRecord(topic, partition, key, value, now.toEpochMilli(), null));
            int sent = changelogSent.merge(new TopicPartition(topic, partition), 1, Integer::sum);
            int offset = log(topic).get(partition).size() + sent - 1;
            return () -> offset;
        };
        applyGlobalTables();
        try {
            for (String topic : inputTopics()) {
                List<List<StoredRecord>> partitions = topics.get(topic);
                int[] pos = positions.computeIfAbsent(topic, t -> new int[partitions.size()]);
                for (int p = 0; p < partitions.size(); p++) {
                    List<StoredRecord> log = partitions.get(p);
                    if (pos[p] >= log.size()) {
                        continue;
                    }
                    Task task = task(p);
                    participants.add(task);
                    Object source = task.sourceFor(topic);
                    task.inputActive(topic, now.toEpochMilli());
                    for (; pos[p] < log.size(); pos[p]++) {
                        StoredRecord r = log.get(pos[p]);
                        task.process(source, new ConsumerRecord<>(topic, p, pos[p], r.timestamp, TimestampType.CREATE_TIME,
                                r.key == null ? -1 : r.key.length, r.value == null ? -1 : r.value.length, r.key, r.value,
                                r.headers, java.util.Optional.empty()));
                        records++;
                    }
                }
            }
            for (Task t : tasks.values()) {
                if (!participants.contains(t) && t.timersDue(now.toEpochMilli())) {
                    participants.add(t);   // a batch without records: the watermark closes windows
                }
            }
            participants.forEach(t -> t.prepareCommit(changelogSink));
        } catch (RuntimeException e) {
            participants.forEach(t -> t.aborted(e));
            pendingOutput.clear();
            positions.clear();
            positions.putAll(start);
            throw e;
        }
        for (StoredRecord r : pendingOutput) {
            if (plan.repartitionTopics().contains(r.topic)) {
                log(r.topic).get(r.partition).add(r);   // input of the next batch
            } else {
                committedOutput.computeIfAbsent(r.topic, t -> new ArrayList<>()).add(r);
            }
        }
        for (StoredRecord r : changelog) {
            log(r.topic).get(r.partition).add(r);
        }
        pendingOutput.clear();
        for (Task t : participants) {
            skipped += t.skippedInBatch();
            t.lateInBatch().forEach((op, n) -> lateRecords.merge(op, n, Long::sum));
            if (t.tracksEventTime()) {
                committedWatermarks.put(t.id(), t.watermark());
            }
            t.committed();
        }
        batches++;
        return records;
    }

    private List<String> inputTopics() {
        List<String> inputs = new ArrayList<>();
        for (String topic : new java.util.TreeSet<>(topics.keySet())) {
            if (plan.changelogTopics().contains(topic)) {
                continue;
            }
            if (plan.sourceFor(topic).isPresent()) {
                inputs.add(topic);
            }
        }
        return inputs;
    }

    private final RecordSink sink = (topic, key, value, timestamp, headers) ->
            pendingOutput.add(new StoredRecord(topic, partitionFor(topic, -1, key), key, value, timestamp, headers));

    void append(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        int p = partitionFor(topic, partition, key);
        log(topic).get(p).add(new StoredRecord(topic, p, key, value, timestamp, headers));
    }

    private List<List<StoredRecord>> log(String topic) {
        return topics.computeIfAbsent(topic, t -> {
            List<List<StoredRecord>> partitions = new ArrayList<>();
            for (int i = 0; i < partitionsOf(t); i++) {
                partitions.add(new ArrayList<>());
            }
            return partitions;
        });
    }

    private int partitionsOf(String topic) {
        return partitionCounts.getOrDefault(topic, defaultPartitions);
    }

    private int partitionFor(String topic, int requested, byte[] key) {
        int count = partitionsOf(topic);
        if (requested >= 0) {
            if (requested >= count) {
                throw new IllegalArgumentException("topic " + topic + " has " + count + " partitions, no partition " + requested);
            }
            return requested;
        }
        if (key == null) {
            return roundRobin.merge(topic, 1, Integer::sum) % count;
        }
        return Utils.toPositive(Utils.murmur2(key)) % count;
    }

    List<StoredRecord> committed(String topic) {
        return committedOutput.getOrDefault(topic, List.of());
    }

    @Override
    public void close() {
        tasks.values().forEach(Task::close);
        tasks.clear();
        stateEnvironment.close();
    }

    record StoredRecord(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
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

        private Builder() {
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
         * @throws io.eddy.TopicCheckException if the pipeline's inputs have different partition counts
         */
        public TestDriver build() {
            Objects.requireNonNull(pipeline, "pipeline");
            return new TestDriver(this);
        }
    }
}
