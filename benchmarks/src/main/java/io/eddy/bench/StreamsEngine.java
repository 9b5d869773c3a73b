package io.eddy.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The workloads on Kafka Streams: {@code exactly_once_v2} (or {@code at_least_once} for W6),
 * {@code commit.interval.ms} set to the commit interval, the same number of stream threads, Kafka
 * Streams' defaults otherwise (its record cache on, RocksDB stores with their default settings);
 * {@link Engine#KAFKA_STREAMS_TUNED} adds {@link StreamsTuning#settings(Workload)}.
 * W2, W4 and W6 count into the store {@value Workload#COUNT_STORE}; W5, W5b and W8 run W1's topology
 * (W8 at_least_once with {@code commit.interval.ms=0}, the commit interval its spec carries). Kafka
 * Streams forwards each input record's timestamp to its output, as W5 needs.
 *
 * <p>W3: event time is the record timestamp (the default timestamp extractor); the count runs in
 * tumbling one-minute windows whose grace is the input's disorder, in the window store
 * {@value Workload#COUNT_STORE}, and {@code suppress(untilWindowCloses(unbounded()))} emits each
 * window once, when stream time passes its end plus grace: Kafka Streams' way to FINAL output. Keys
 * are written with {@code TimeWindowedSerializer} (key, then the window start).
 *
 * <p>W10: the Processor API with a store of totals and deadlines and a stream-time punctuator
 * whose interval the system property {@value #PUNCTUATE_PROPERTY} gives in milliseconds (default
 * {@value #DEFAULT_PUNCTUATE_MILLIS}); see {@link StreamsSessionTotals}.
 */
final class StreamsEngine implements RunningEngine {
    /** System property of the engine JVM: W10's punctuation interval in ms (the harness's --w10-punctuate-ms). */
    static final String PUNCTUATE_PROPERTY = "eddy.bench.w10PunctuateMillis";
    /**
     * System property of the engine JVM (W7, {@link FailoverBenchmark}): when true, every instance
     * counts as caught up ({@code acceptable.recovery.lag} = max), so a second instance gets its
     * half of the active tasks at once instead of warm-up replicas moved by a probing rebalance up
     * to 10 minutes later. It changes only where tasks run while both instances live: after the
     * kill the survivor gets every task either way.
     */
    static final String BALANCE_AT_ONCE_PROPERTY = "eddy.bench.streamsBalanceAtOnce";
    /** W10's punctuation interval when the property is not set. */
    static final long DEFAULT_PUNCTUATE_MILLIS = 1_000;
    private final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private StreamsEngine(KafkaStreams streams) {
        this.streams = streams;
    }

    static StreamsEngine start(EngineSpec spec, RestoreWatch restore) {
        Workload workload = spec.workload();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, spec.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                workload.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, spec.commitMillis());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, spec.threads());
        props.put(StreamsConfig.STATE_DIR_CONFIG, spec.stateDir().toString());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.getInteger(EddyEngine.STANDBY_PROPERTY, 0));
        if (Boolean.getBoolean(BALANCE_AT_ONCE_PROPERTY)) {
            props.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, Long.MAX_VALUE);
        }
        if (spec.engine() == Engine.KAFKA_STREAMS_TUNED) {
            props.putAll(StreamsTuning.settings(workload));
        }
        StreamsBuilder builder = new StreamsBuilder();
        if (workload == Workload.W10) {
            StreamsSessionTotals.addTo(builder, spec.inputTopic(), spec.outputTopic(),
                    Long.getLong(PUNCTUATE_PROPERTY, DEFAULT_PUNCTUATE_MILLIS));
        } else {
            addDslTopology(builder, spec);
        }
        StreamsEngine engine = new StreamsEngine(new KafkaStreams(builder.build(props), props));
        engine.streams.setUncaughtExceptionHandler(e -> {
            engine.failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        engine.streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
                restore.started(partition.toString(), System.currentTimeMillis());
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long records) {
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                restore.done(partition.toString(), totalRestored, System.currentTimeMillis());
            }

            @Override
            public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
                restore.suspended(partition.toString(), totalRestored);
            }
        });
        engine.streams.start();
        return engine;
    }

    /** W1 to W6: the DSL topology of the workload of {@code spec}. */
    private static void addDslTopology(StreamsBuilder builder, EngineSpec spec) {
        Workload workload = spec.workload();
        KStream<String, String> input = builder.stream(spec.inputTopic(), Consumed.with(Serdes.String(), Serdes.String()));
        if (workload == Workload.W9) {
            addPipeline(builder, spec);
        } else if (workload == Workload.W11) {
            Duration size = Duration.ofMillis(EventTimeInput.WINDOW_MILLIS);
            input.groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                    .windowedBy(TimeWindows.ofSizeAndGrace(size, Duration.ofMillis(spec.allowedDelayMillis())))
                    .aggregate(java.util.HashSet<String>::new, (key, value, set) -> {
                        set.add(value);
                        return set;
                    }, Materialized.<String, java.util.HashSet<String>, WindowStore<Bytes, byte[]>>as(Workload.COUNT_STORE)
                            .withKeySerde(Serdes.String())
                            .withValueSerde(new StringSetSerde()))
                    .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                    .mapValues(set -> (long) set.size())
                    .toStream()
                    .to(spec.outputTopic(), Produced.with(
                            WindowedSerdes.timeWindowedSerdeFrom(String.class, size.toMillis()), Serdes.Long()));
        } else if (workload.windowed()) {
            Duration size = Duration.ofMillis(EventTimeInput.WINDOW_MILLIS);
            input.groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                    .windowedBy(TimeWindows.ofSizeAndGrace(size, Duration.ofMillis(spec.allowedDelayMillis())))
                    .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(Workload.COUNT_STORE)
                            .withKeySerde(Serdes.String())
                            .withValueSerde(Serdes.Long()))
                    .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                    .toStream()
                    .to(spec.outputTopic(), Produced.with(
                            WindowedSerdes.timeWindowedSerdeFrom(String.class, size.toMillis()), Serdes.Long()));
        } else if (workload.counts()) {
            input.groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                    .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(Workload.COUNT_STORE)
                            .withKeySerde(Serdes.String())
                            .withValueSerde(Serdes.Long()))
                    .toStream()
                    .to(spec.outputTopic(), Produced.with(Serdes.String(), Serdes.Long()));
        } else {
            input.mapValues(Workload::w1Map)
                    .filter(Workload::w1Keep)
                    .to(spec.outputTopic(), Produced.with(Serdes.String(), Serdes.String()));
        }
    }

    /**
     * W9: the fault suite's pipeline ({@link PipelineInput}): the orders joined with the customers
     * table, grouped by region through a repartition topic, summed per region in tumbling one-minute
     * windows whose grace is the run's allowed delay, suppressed until each window closes.
     */
    private static void addPipeline(StreamsBuilder builder, EngineSpec spec) {
        Duration size = Duration.ofMillis(PipelineInput.WINDOW_MILLIS);
        KTable<String, String> customers = builder.table(PipelineInput.TABLE_TOPIC,
                Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("customers"));
        org.apache.kafka.common.serialization.Serde<PipelineInput.Totals> totals = PipelineInput.Totals.kafkaSerde();
        builder.stream(spec.inputTopic(), Consumed.with(Serdes.String(), Serdes.String()))
                .join(customers, PipelineInput::enrich)
                .groupBy((customer, order) -> PipelineInput.regionOf(order),
                        Grouped.with("by-region", Serdes.String(), Serdes.String()))
                .windowedBy(TimeWindows.ofSizeAndGrace(size, Duration.ofMillis(spec.allowedDelayMillis())))
                .aggregate(() -> PipelineInput.Totals.ZERO,
                        (region, order, sum) -> sum.add(PipelineInput.amountOf(order)),
                        Materialized.<String, PipelineInput.Totals, WindowStore<Bytes, byte[]>>as("region-totals")
                                .withKeySerde(Serdes.String())
                                .withValueSerde(totals))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream()
                .to(spec.outputTopic(), Produced.with(
                        WindowedSerdes.timeWindowedSerdeFrom(String.class, size.toMillis()), totals));
    }

    @Override
    public Optional<Throwable> failure() {
        Throwable t = failure.get();
        if (t == null && streams.state() == KafkaStreams.State.ERROR) {
            t = new IllegalStateException("Kafka Streams in state ERROR");
        }
        return Optional.ofNullable(t);
    }

    @Override
    public void close(Duration timeout) {
        streams.close(timeout);
    }

    /** W11's exact aggregate: a set of strings as {@code [count][length, UTF-8 bytes]...}. */
    static final class StringSetSerde implements org.apache.kafka.common.serialization.Serde<java.util.HashSet<String>> {
        @Override
        public org.apache.kafka.common.serialization.Serializer<java.util.HashSet<String>> serializer() {
            return (topic, set) -> {
                if (set == null) {
                    return null;
                }
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(16 + set.size() * 24);
                java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
                try {
                    out.writeInt(set.size());
                    for (String s : set) {
                        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        out.writeInt(b.length);
                        out.write(b);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return bytes.toByteArray();
            };
        }

        @Override
        public org.apache.kafka.common.serialization.Deserializer<java.util.HashSet<String>> deserializer() {
            return (topic, data) -> {
                if (data == null) {
                    return null;
                }
                java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(data);
                int n = in.getInt();
                java.util.HashSet<String> set = new java.util.HashSet<>(n * 2);
                for (int i = 0; i < n; i++) {
                    byte[] b = new byte[in.getInt()];
                    in.get(b);
                    set.add(new String(b, java.nio.charset.StandardCharsets.UTF_8));
                }
                return set;
            };
        }
    }
}
