package io.eddy.bench.jmh;

import io.eddy.ErrorHandler;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.internal.plan.PipelineBuilder;
import io.eddy.internal.plan.Plan;
import io.eddy.internal.runtime.ChangelogSink;
import io.eddy.internal.runtime.Task;
import io.eddy.internal.runtime.TaskState;
import io.eddy.kafka.internal.RecordSink;
import io.eddy.serde.Serdes;
import io.eddy.state.internal.StateEnvironment;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-record path of the batch loop, without a broker: the benchmark drives one
 * {@link Task}, the object the Kafka worker and the test driver both feed, exactly as the worker
 * does (look up the source once, then {@code task.process(source, record)} for each record of a
 * poll, then at the end of the batch {@code prepareCommit} and {@code committed}). What is left
 * out is Kafka itself: records come from an array of pre-built {@link ConsumerRecord}s, output
 * goes to a sink that only counts bytes (where the worker would call the producer), and changelog
 * records to one that only counts them.
 *
 * <p>Pipelines ({@code pipeline} parameter):
 * <ul>
 *   <li>{@code map-filter}: the end-to-end harness's W1: string key and value, {@code mapValues}
 *       to upper case, {@code filter} dropping values that start with {@code '0'} (about 10 %),
 *       {@code toKafka}.</li>
 *   <li>{@code count-memory} and {@code count-rocksdb}: {@code groupByKey().count()} on an
 *       in-memory or a RocksDB store (an application's defaults: 64 MiB RocksDB budget, 2 MiB
 *       read cache), its changes emitted with {@code toStream().toKafka} at each commit.</li>
 * </ul>
 *
 * <p>Input: 100-byte values (a digit, then lower-case letters) under 100,000 keys
 * ({@code key-000042}), drawn uniformly unless {@code -p keys=zipf}. One invocation is one batch
 * of {@value #BATCH} records, commit included; times are per record.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class RecordPathBenchmark {

    static final int BATCH = 10_000;
    static final int KEYS = 100_000;
    static final int VALUE_BYTES = 100;
    static final int INPUT = 1 << 17;
    static final String IN = "in";
    static final String OUT = "out";

    /** {@code map-filter}, {@code count-memory} or {@code count-rocksdb}; see the class comment. */
    @Param({"map-filter", "count-memory", "count-rocksdb"})
    public String pipeline;

    /** {@code uniform} or {@code zipf}; see {@link KeySequence}. */
    @Param({"uniform"})
    public String keys;

    private StateEnvironment environment;
    private TempDirectory directory;
    private Task task;
    private Object source;
    private final ConsumerRecord<byte[], byte[]>[] input = newArray(INPUT);
    private int next;
    private final CountingSink sink = new CountingSink();
    private final CountingChangelog changelog = new CountingChangelog();

    @SuppressWarnings("unchecked")
    private static ConsumerRecord<byte[], byte[]>[] newArray(int n) {
        return (ConsumerRecord<byte[], byte[]>[]) new ConsumerRecord<?, ?>[n];
    }

    /** Output records end here: counted, their bytes summed, nothing kept. */
    static final class CountingSink implements RecordSink {
        long records;
        long bytes;

        @Override
        public void send(String topic, byte[] key, byte[] value, long timestamp, Headers headers) {
            records++;
            bytes += (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        }
    }

    /** Changelog records end here: counted; each gets the next offset. */
    static final class CountingChangelog implements ChangelogSink {
        long offset = -1;
        private final LongSupplier current = () -> offset;

        @Override
        public LongSupplier send(String topic, int partition, byte[] key, byte[] value) {
            offset++;
            return current;
        }
    }

    /** Builds the pipeline's task and the input records. */
    @Setup(Level.Trial)
    public void setUp() {
        Consumer<Pipeline> definition = switch (pipeline) {
            case "map-filter" -> p -> p
                    .kafka(IN, Consumed.with(Serdes.string(), Serdes.string()))
                    .mapValues(v -> v.toUpperCase(Locale.ROOT))
                    .filter((k, v) -> v.charAt(0) != '0')
                    .toKafka(OUT, Produced.with(Serdes.string(), Serdes.string()));
            case "count-memory", "count-rocksdb" -> p -> p
                    .kafka(IN, Consumed.with(Serdes.string(), Serdes.string()))
                    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                    .count(Named.as("counts"))
                    .toStream()
                    .toKafka(OUT, Produced.with(Serdes.string(), Serdes.longs()));
            default -> throw new IllegalArgumentException("unknown pipeline '" + pipeline
                    + "'; known: map-filter, count-memory, count-rocksdb");
        };
        Plan plan = PipelineBuilder.define("jmh-record-path", definition);
        TaskState state = null;
        if (plan.stateful()) {
            if (pipeline.equals("count-rocksdb")) {
                environment = StateEnvironment.rocksDb(64L << 20);
                directory = TempDirectory.create("eddy-jmh-task");
                state = new TaskState(0, plan, environment, directory.path(), 2L << 20);
            } else {
                environment = StateEnvironment.inMemory();
                state = new TaskState(0, plan, environment, null, 2L << 20);
            }
        }
        task = new Task(0, plan, sink, ErrorHandler.fail(), System.out, state, null);
        source = task.sourceFor(IN);

        KeySequence sequence = KeySequence.draw(keys, KEYS, INPUT, 29);
        SplittableRandom random = new SplittableRandom(31);
        byte[][] keyBytes = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keyBytes[i] = KeySequence.keyBytes(i);
        }
        long timestamp = 1_767_225_600_000L;
        for (int i = 0; i < INPUT; i++) {
            byte[] value = new byte[VALUE_BYTES];
            value[0] = (byte) ('0' + random.nextInt(10));
            for (int j = 1; j < VALUE_BYTES; j++) {
                value[j] = (byte) ('a' + random.nextInt(26));
            }
            byte[] key = keyBytes[sequence.next()];
            input[i] = new ConsumerRecord<>(IN, 0, i, timestamp + i, TimestampType.CREATE_TIME, key.length,
                    value.length, key, value, new RecordHeaders(), Optional.empty());
        }
        checkOneBatch();
    }

    /** Runs one batch outside measurement and checks that it produced what the pipeline should. */
    private void checkOneBatch() {
        long before = sink.records;
        processBatch();
        long out = sink.records - before;
        boolean ok = pipeline.equals("map-filter") ? out > BATCH * 0.85 && out < BATCH * 0.95
                : out > BATCH / 2 && out <= BATCH && changelog.offset >= out - 1;
        if (!ok) {
            throw new IllegalStateException("pipeline " + pipeline + " wrote " + out + " records for a batch of "
                    + BATCH + " (changelog offset " + changelog.offset + ")");
        }
        String sample = new String(input[0].value(), StandardCharsets.UTF_8);
        if (sample.length() != VALUE_BYTES) {
            throw new IllegalStateException("unexpected input value " + sample);
        }
    }

    /** Closes the task's stores and deletes their files. */
    @TearDown(Level.Trial)
    public void tearDown() {
        task.close();
        if (environment != null) {
            environment.close();
        }
        if (directory != null) {
            directory.close();
        }
    }

    /**
     * One batch: {@value #BATCH} records through {@code task.process}, then the commit steps
     * ({@code prepareCommit}: tables emit their changed rows, dirty state goes to the changelog;
     * {@code committed}: stores apply it). Reported per record.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long processBatch() {
        Task t = task;
        Object src = source;
        ConsumerRecord<byte[], byte[]>[] records = input;
        int i = next;
        for (int n = 0; n < BATCH; n++) {
            t.process(src, records[i]);
            i = (i + 1) & (INPUT - 1);
        }
        next = i;
        t.prepareCommit(changelog);
        t.committed();
        return sink.bytes;
    }
}
