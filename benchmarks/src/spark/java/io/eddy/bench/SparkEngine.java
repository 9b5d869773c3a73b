package io.eddy.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;

/**
 * W1, W2 and W3 on Spark Structured Streaming, compiled only under the Maven profile {@code spark}
 * (source directory {@code src/spark/java}). One query per engine JVM: {@code local[2]}, the
 * RocksDB state store provider, {@code spark.sql.shuffle.partitions} equal to the input's
 * partitions (Spark's default of 200 state-store partitions would be a handicap on two cores), the
 * Kafka source from the earliest offsets and the Kafka sink, a processing-time trigger of the
 * commit interval, the checkpoint in the run's state directory; Spark's defaults otherwise.
 *
 * <p><b>At-least-once.</b> Spark's Kafka sink is not transactional: after a failure a batch is
 * written again. The workloads' exactly-once setting does not apply to this engine.
 *
 * <p><b>How the harness sees progress.</b> Spark keeps its offsets in its checkpoint, not in a
 * consumer group, so the harness's clock (which stops when the application's group has committed
 * the input's end) would never stop. After each micro-batch, a query listener therefore commits,
 * as the group {@code applicationId}, the offsets whose output that batch made complete, with the
 * admin client: for W1 and W2 the batch's end offsets (the sink has flushed the batch's records
 * before the batch completes); for W3 its <em>start</em> offsets, because append mode emits a window
 * in the batch after the one whose watermark closed it (the last one is the no-data batch Spark
 * runs when the watermark moved).
 *
 * <p>The pipelines, in Spark SQL: W1 {@code upper(value)} then {@code substring(value, 1, 1) <> '0'};
 * W2 {@code groupBy(key).count()} in update mode; W3 {@code withWatermark(timestamp, disorder)}
 * then {@code groupBy(window(timestamp, 1 minute), key).count()} in append mode. Counts are written
 * as 8-byte big-endian longs and W3's keys as the key followed by the window start in 8 bytes (the
 * format of Kafka Streams' {@code TimeWindowedSerializer}), so the harness checks them as it checks
 * the other engines'.
 */
final class SparkEngine implements RunningEngine {
    /** A non-negative long as 8 big-endian bytes, in Spark SQL. */
    private static final String LONG_BYTES = "unhex(lpad(hex(%s), 16, '0'))";

    private final SparkSession spark;
    private final StreamingQuery query;
    private final Admin admin;
    private final AtomicReference<Throwable> failure;
    private final java.nio.file.Path checkpoint;
    private volatile boolean closing;

    private SparkEngine(SparkSession spark, StreamingQuery query, Admin admin, AtomicReference<Throwable> failure,
                        java.nio.file.Path checkpoint) {
        this.checkpoint = checkpoint;
        this.spark = spark;
        this.query = query;
        this.admin = admin;
        this.failure = failure;
    }

    /** Starts the query of {@code spec}'s workload (W1, W2 or W3) and returns while it runs. */
    static SparkEngine start(EngineSpec spec) {
        Workload workload = spec.workload();
        if (workload != Workload.W1 && workload != Workload.W2 && workload != Workload.W3) {
            throw new UnsupportedOperationException("the Spark engine runs W1, W2 and W3, not " + workload);
        }
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, spec.applicationId() + "-progress"));
        int partitions;
        try {
            partitions = admin.describeTopics(List.of(spec.inputTopic())).allTopicNames().get(60, TimeUnit.SECONDS)
                    .get(spec.inputTopic()).partitions().size();
        } catch (Exception e) {
            admin.close();
            throw new IllegalStateException("cannot describe " + spec.inputTopic(), e);
        }
        SparkSession spark = SparkSession.builder()
                .appName(spec.applicationId())
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", Integer.toString(partitions))
                .config("spark.sql.streaming.stateStore.providerClass",
                        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                .config("spark.local.dir", spec.stateDir().resolve("spark-local").toString())
                .getOrCreate();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        spark.streams().addListener(new OffsetsToGroup(admin, spec.applicationId(), workload == Workload.W3, failure));

        Dataset<Row> input = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", spec.bootstrapServers())
                .option("subscribe", spec.inputTopic())
                .option("startingOffsets", "earliest")
                .load();
        Dataset<Row> output;
        String mode;
        if (workload == Workload.W1) {
            output = input.selectExpr("key", "upper(cast(value as string)) as value")
                    .where("substring(value, 1, 1) <> '0'");
            mode = "append";
        } else if (workload == Workload.W2) {
            output = input.groupBy("key").count()
                    .selectExpr("key", String.format(LONG_BYTES, "count") + " as value");
            mode = "update";
        } else {
            output = input.selectExpr("key", "timestamp")
                    .withWatermark("timestamp", spec.allowedDelayMillis() + " milliseconds")
                    .groupBy(functions.window(functions.col("timestamp"), EventTimeInput.WINDOW_MILLIS + " milliseconds"),
                            functions.col("key"))
                    .count()
                    .selectExpr("concat(key, " + String.format(LONG_BYTES, "unix_millis(window.start)") + ") as key",
                            String.format(LONG_BYTES, "count") + " as value");
            mode = "append";
        }
        StreamingQuery query;
        try {
            query = output.writeStream().format("kafka")
                    .option("kafka.bootstrap.servers", spec.bootstrapServers())
                    .option("topic", spec.outputTopic())
                    .option("checkpointLocation", spec.stateDir().resolve("checkpoint").toString())
                    .outputMode(mode)
                    .trigger(Trigger.ProcessingTime(spec.commitMillis(), TimeUnit.MILLISECONDS))
                    .queryName(workload.name().toLowerCase(java.util.Locale.ROOT))
                    .start();
        } catch (java.util.concurrent.TimeoutException e) {
            spark.stop();
            admin.close();
            throw new IllegalStateException("Spark did not start the query", e);
        }
        System.out.println("EDDY-BENCH-SPARK version=" + spark.version() + " stateStore="
                + spark.conf().get("spark.sql.streaming.stateStore.providerClass") + " shufflePartitions=" + partitions
                + " kafkaClients=" + kafkaClientsVersion());
        return new SparkEngine(spark, query, admin, failure, spec.stateDir().resolve("checkpoint"));
    }

    @Override
    public Optional<Throwable> failure() {
        Throwable t = failure.get();
        if (t != null) {
            return Optional.of(t);
        }
        if (query.exception().isDefined()) {
            return Optional.of(query.exception().get());
        }
        return query.isActive() || closing ? Optional.empty()
                : Optional.of(new IllegalStateException("the Spark query stopped on its own"));
    }

    @Override
    public void close(Duration timeout) {
        closing = true;
        try {
            query.stop();
        } catch (java.util.concurrent.TimeoutException e) {
            // stopping anyway below
        } finally {
            spark.stop();
            admin.close(timeout);
            System.out.println("EDDY-BENCH-SPARK-STATE " + stateFiles());
        }
    }

    /** The version of the Kafka clients on the class path (after Maven's mediation, not Spark's own). */
    private static String kafkaClientsVersion() {
        try (var in = TopicPartition.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            java.util.Properties props = new java.util.Properties();
            if (in != null) {
                props.load(in);
            }
            return props.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** What the state store left in the checkpoint: RocksDB's SST files and the snapshot archives it uploads. */
    private String stateFiles() {
        java.nio.file.Path state = checkpoint.resolve("state");
        if (!java.nio.file.Files.isDirectory(state)) {
            return "no state directory";
        }
        try (var files = java.nio.file.Files.walk(state)) {
            long[] counts = new long[3];
            files.filter(java.nio.file.Files::isRegularFile).forEach(f -> {
                String name = f.getFileName().toString();
                counts[name.endsWith(".sst") ? 0 : name.endsWith(".zip") ? 1 : 2]++;
            });
            return "sstFiles=" + counts[0] + " zipFiles=" + counts[1] + " otherFiles=" + counts[2];
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return "cannot list " + state + ": " + e;
        }
    }

    /**
     * Commits, as the application's consumer group, the offsets each finished micro-batch made
     * complete (see the class comment). Runs on Spark's listener bus thread.
     */
    private static final class OffsetsToGroup extends StreamingQueryListener {
        private final Admin admin;
        private final String group;
        private final boolean startOffsets;
        private final AtomicReference<Throwable> failure;

        OffsetsToGroup(Admin admin, String group, boolean startOffsets, AtomicReference<Throwable> failure) {
            this.admin = admin;
            this.group = group;
            this.startOffsets = startOffsets;
            this.failure = failure;
        }

        @Override
        public void onQueryStarted(QueryStartedEvent event) {
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
            var sources = event.progress().sources();
            if (sources.length == 0) {
                return;
            }
            String offsets = startOffsets ? sources[0].startOffset() : sources[0].endOffset();
            if (offsets == null) {
                return;
            }
            try {
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                SparkOffsets.parse(offsets).forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
                if (!commit.isEmpty()) {
                    admin.alterConsumerGroupOffsets(group, commit).all().get(60, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                failure.compareAndSet(null, new IllegalStateException("cannot commit Spark's offsets " + offsets
                        + " to the group " + group, e));
            }
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
        }
    }
}
