package io.eddy.it.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.ErrorContext;
import io.eddy.ErrorHandler;
import io.eddy.OffsetRange;
import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.Serdes;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import io.eddy.testkit.registry.SchemaRegistryServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input end to end: one poison record of each {@linkplain Kind kind}, at each {@linkplain
 * Position position} of a partition, under each {@linkplain Policy error policy}, on a real broker
 * with a real schema registry (27 cases, one application each; one broker and one registry for the
 * class).
 *
 * <p><b>The pipeline.</b> An exactly-once application reads Avro orders ({@code Order{id,
 * amount}}, string keys) with Eddy's registry-aware Avro serde in the source {@value #SOURCE},
 * prices each order in the operator {@value #OPERATOR} ({@code 2 * amount}; throws on a negative
 * amount) and writes key and price as a long, in batches of at most {@value #BATCH} records.
 *
 * <p><b>The input.</b> {@value #PARTITIONS} partitions of {@value #PER_PARTITION} orders each,
 * produced to explicit partitions so every offset is known: key {@code p<partition>-<offset>},
 * amount {@code 100 * partition + offset + 1}, a {@code trace-id} header and a distinct timestamp.
 * One record of partition {@value #POISONED} is the poison: bytes that are not a registry frame, a
 * frame whose schema id the registry never gave, or an order with amount -1.
 *
 * <p><b>What each policy must do.</b>
 * <ul>
 *   <li>{@code fail}: the application goes to {@link AppState#ERROR} with a {@link
 *       ProcessingFailedException} whose context and message name the operator (the source for a
 *       deserialization failure), topic, partition and offset. The committed output is exactly
 *       the output of the batches the progress listener saw commit; none of them holds the poison
 *       or a later record of its partition, and every record of that partition at least {@value
 *       #BATCH} offsets before the poison is among them (the failed batch holds at most {@value
 *       #BATCH} records). The group's committed offset of the poisoned partition is at most the
 *       poison's offset. After a "fix" (restarting the same application with {@code
 *       skipAndCount}), processing resumes from the last committed batch: the second run consumes
 *       exactly the records the first did not commit, and the output as a whole holds every other
 *       record exactly once.</li>
 *   <li>{@code skipAndCount}: the poison is counted once ({@code metrics().skippedRecords()} and
 *       {@code BatchProgress.skipped()}), every other record is output exactly once, the committed
 *       batches tile every partition from 0 to its end (the poison's partition is not stalled and
 *       nothing is read twice), and the group has committed the end of every partition.</li>
 *   <li>{@code deadLetter}: all of the above, and the dead-letter topic holds exactly the poison:
 *       its original key, value, timestamp and headers (original ones first), plus {@code
 *       eddy.error.kind/operator/class/message} and {@code
 *       eddy.source.topic/partition/offset/timestamp} describing it.</li>
 * </ul>
 *
 * <p>The same policies without a registry, for three poisons at once, are in {@code
 * io.eddy.it.PoisonRecordTest}; the dead-letter headers of all three kinds in one run in {@code
 * io.eddy.it.registry.AvroPipelineEndToEndTest}; a registry outage (retried, never skipped) there
 * too.
 */
class PoisonMatrixTest {

    private static final int PARTITIONS = 2;
    private static final int POISONED = 1;
    private static final int PER_PARTITION = 20;
    private static final int BATCH = 4;
    private static final String SOURCE = "orders";
    private static final String OPERATOR = "price";
    private static final int UNKNOWN_SCHEMA_ID = 987_654_321;
    /**
     * Recent on purpose: the broker's retention (7 days) deletes segments whose records are older,
     * at its first check about 30 s after start and every 5 minutes after that.
     */
    private static final long BASE_TIMESTAMP = System.currentTimeMillis() - 3_600_000L;
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Serde<String> KEYS = Serdes.string();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"io.eddy.it.badinput","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"}]}""");

    private static EmbeddedKafka kafka;
    private static SchemaRegistryServer registry;
    private static SchemaRegistryClient producerClient;
    private static SchemaRegistryClient appClient;

    /** What is wrong with the poison record. */
    enum Kind {
        /** Value bytes that are not a schema-registry frame (no 0x00 magic byte). */
        UNDESERIALIZABLE_BYTES,
        /** A well-formed frame naming a schema id the registry never gave. */
        UNKNOWN_SCHEMA_ID,
        /** A valid order the user's operator throws on (amount -1). */
        THROWS_IN_USER_CODE;

        boolean deserialization() {
            return this != THROWS_IN_USER_CODE;
        }

        String operator() {
            return deserialization() ? SOURCE : OPERATOR;
        }
    }

    /** Where in its partition the poison sits. */
    enum Position {
        FIRST(0), MIDDLE(PER_PARTITION / 2), LAST(PER_PARTITION - 1);

        final long offset;

        Position(long offset) {
            this.offset = offset;
        }
    }

    /** The application's error handler. */
    enum Policy {
        FAIL, SKIP_AND_COUNT, DEAD_LETTER
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (Position position : Position.values()) {
                for (Policy policy : Policy.values()) {
                    cases.add(Arguments.of(kind, position, policy));
                }
            }
        }
        return cases.stream();
    }

    @BeforeAll
    static void startBrokerAndRegistry() {
        // the registry takes seconds to start: start the broker meanwhile
        CompletableFuture<SchemaRegistryServer> starting = CompletableFuture.supplyAsync(SchemaRegistryServer::start);
        try {
            kafka = EmbeddedKafka.start();
        } finally {
            registry = starting.join();
        }
        producerClient = client(Duration.ZERO);
        appClient = client(Duration.ofSeconds(2));
    }

    @AfterAll
    static void stopBrokerAndRegistry() {
        for (AutoCloseable c : new AutoCloseable[] {producerClient, appClient, registry, kafka}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing " + c + ": " + e);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} at the {1} offset under {2}")
    @MethodSource("cases")
    void poisonRecord(Kind kind, Position position, Policy policy) {
        int run = SEQUENCE.incrementAndGet();
        String appId = "pm-" + run;
        String in = appId + "-orders";
        String out = appId + "-prices";
        String dlq = appId + "-dlq";
        kafka.createTopic(in, PARTITIONS);
        kafka.createTopic(out, PARTITIONS);
        if (policy == Policy.DEAD_LETTER) {
            kafka.createTopic(dlq, 1);
        }
        List<ProducerRecord<byte[], byte[]>> input = input(in, kind, position);
        io().produce(input);
        ProducerRecord<byte[], byte[]> poison = input.get(POISONED * PER_PARTITION + (int) position.offset);

        switch (policy) {
            case FAIL -> failStopsAndResumesAfterAFix(appId, in, out, kind, position);
            case SKIP_AND_COUNT -> skipsOnlyThePoison(appId, in, out, ErrorHandler.skipAndCount(), position);
            case DEAD_LETTER -> {
                List<BatchProgress> progress =
                        skipsOnlyThePoison(appId, in, out, ErrorHandler.deadLetter(dlq), position);
                assertDeadLetter(dlq, in, poison, kind, position, progress);
            }
        }
    }

    private void failStopsAndResumesAfterAFix(String appId, String in, String out, Kind kind, Position position) {
        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        EddyApp app = app(appId, in, out, ErrorHandler.fail(), progress);
        try {
            app.start();
            Await.until(DEADLINE, () -> app.state() == AppState.ERROR,
                    () -> "state " + app.state() + ", metrics " + app.metrics() + "; " + hangDiagnostics(appId, in));
            assertThat(app.awaitTermination(DEADLINE)).as("workers stop after the failure").isTrue();
        } finally {
            app.close(DEADLINE);
        }
        assertThat(app.state()).isEqualTo(AppState.ERROR);
        Throwable failure = app.failure().orElseThrow();
        assertThat(failure).isInstanceOf(ProcessingFailedException.class);
        assertThat(failure.getMessage())
                .contains("'" + kind.operator() + "'")
                .contains(in + "-" + POISONED + "@" + position.offset);
        ErrorContext context = ((ProcessingFailedException) failure).context();
        assertThat(context).as("the failure names the record").isNotNull();
        assertThat(context.kind())
                .isEqualTo(kind.deserialization() ? ErrorContext.Kind.DESERIALIZATION : ErrorContext.Kind.PROCESSING);
        assertThat(context.operator()).isEqualTo(kind.operator());
        assertThat(context.topic()).isEqualTo(in);
        assertThat(context.partition()).isEqualTo(POISONED);
        assertThat(context.offset()).isEqualTo(position.offset);
        assertThat(app.metrics().skippedRecords()).isZero();
        assertThat(app.metrics().abortedBatches()).as("the failed batch is aborted").isPositive();

        // committed output = exactly what the committed batches consumed; never the poison or later
        Map<String, Long> committedInput = new TreeMap<>();
        for (BatchProgress b : progress) {
            b.offsets().forEach((tp, range) -> {
                assertThat(tp.topic()).isEqualTo(in);
                for (long o = range.first(); o <= range.last(); o++) {
                    assertThat(tp.partition() == POISONED && o >= position.offset)
                            .as("batch %s committed the poison or a record after it", b)
                            .isFalse();
                    committedInput.put(key(tp.partition(), o), price(tp.partition(), o));
                }
            });
        }
        Map<String, Long> output = outputByKey(out);
        assertThat(output).as(() -> "committed output vs the committed batches " + progress + "; the output's log:"
                + Diagnostics.logBatches(kafka.dataDirectory(), out)).isEqualTo(committedInput);
        for (long o = 0; o <= position.offset - BATCH; o++) {
            assertThat(output).as("records before the failed batch are committed").containsKey(key(POISONED, o));
        }
        long committedOffset = Topics.committedOffsets(kafka.bootstrapServers(), appId, in).getOrDefault(POISONED, 0L);
        assertThat(committedOffset).as("committed offset of the poisoned partition")
                .isLessThanOrEqualTo(position.offset);

        // the fix: the same application restarted with a policy that lets the poison through
        List<BatchProgress> afterFix = new CopyOnWriteArrayList<>();
        EddyApp fixed = app(appId, in, out, ErrorHandler.skipAndCount(), afterFix);
        int remaining = PARTITIONS * PER_PARTITION - committedInput.size();
        try {
            fixed.start();
            Await.until(DEADLINE,
                    () -> fixed.metrics().processedRecords() >= remaining || fixed.state() == AppState.ERROR,
                    () -> "after the fix: state " + fixed.state() + ", metrics " + fixed.metrics() + ", failure "
                            + fixed.failure() + "; " + hangDiagnostics(appId, in));
        } finally {
            fixed.close(DEADLINE);
        }
        assertThat(fixed.failure()).isEmpty();
        assertThat(fixed.metrics().processedRecords())
                .as("after the fix, processing resumes from the last committed batch").isEqualTo(remaining);
        assertThat(fixed.metrics().skippedRecords()).isEqualTo(1);
        assertThat(outputByKey(out)).as(() -> "every other record exactly once after the fix; batches before "
                + progress + ", after " + afterFix + "; the output's log:"
                + Diagnostics.logBatches(kafka.dataDirectory(), out)).isEqualTo(expected(position));
    }

    private List<BatchProgress> skipsOnlyThePoison(String appId, String in, String out, ErrorHandler handler,
                                                   Position position) {
        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        EddyApp app = app(appId, in, out, handler, progress);
        int total = PARTITIONS * PER_PARTITION;
        boolean closed;
        try {
            app.start();
            Await.until(DEADLINE, () -> app.metrics().processedRecords() >= total || app.state() == AppState.ERROR,
                    () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure() + "; "
                            + hangDiagnostics(appId, in));
        } finally {
            closed = app.close(DEADLINE);
        }
        assertThat(app.failure()).isEmpty();
        assertThat(closed).as("closed within %s", DEADLINE).isTrue();
        assertThat(app.state()).isEqualTo(AppState.STOPPED);
        assertThat(app.metrics().processedRecords()).isEqualTo(total);
        assertThat(app.metrics().skippedRecords()).isEqualTo(1);
        assertThat(progress.stream().mapToLong(BatchProgress::skipped).sum()).isEqualTo(1);
        assertThat(app.metrics().retriedBatches()).as("a poison is not a temporary failure").isZero();

        assertThat(outputByKey(out)).as(() -> "every other record exactly once; metrics " + app.metrics()
                + ", committed batches " + progress + "; the output's log:" + Diagnostics.logBatches(
                        kafka.dataDirectory(), out)).isEqualTo(expected(position));
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(in, p);
            List<OffsetRange> ranges = progress.stream().map(b -> b.offsets().get(tp)).filter(r -> r != null)
                    .sorted(Comparator.comparingLong(OffsetRange::first)).toList();
            long next = 0;
            for (OffsetRange r : ranges) {
                assertThat(r.first()).as("partition %d: committed ranges %s", p, ranges).isEqualTo(next);
                next = r.last() + 1;
            }
            assertThat(next).as("partition %d: committed ranges %s", p, ranges).isEqualTo(PER_PARTITION);
        }
        Map<Integer, Long> committed = Topics.committedOffsets(kafka.bootstrapServers(), appId, in);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(committed.get(p)).as("committed offset of partition %d", p).isEqualTo(PER_PARTITION);
        }
        return progress;
    }

    private void assertDeadLetter(String dlq, String in, ProducerRecord<byte[], byte[]> poison, Kind kind,
                                  Position position, List<BatchProgress> progress) {
        List<TopicRecord> dead = Topics.readCommitted(kafka.bootstrapServers(), dlq, DEADLINE);
        assertThat(dead).as(() -> "dead letters; committed batches " + progress + "; the log of " + dlq + ":"
                + Diagnostics.logBatches(kafka.dataDirectory(), dlq) + "\nthe log of the output:"
                + Diagnostics.logBatches(kafka.dataDirectory(), dlq.replace("-dlq", "-prices"))).hasSize(1);
        TopicRecord d = dead.get(0);
        assertThat(d.key()).as("original key").isEqualTo(poison.key());
        assertThat(d.value()).as("original value").isEqualTo(poison.value());
        assertThat(d.timestamp()).as("original timestamp").isEqualTo(poison.timestamp());
        assertThat(d.headers().get(0).key()).as("the original headers come first").isEqualTo("trace-id");
        assertThat(header(d, "trace-id")).isEqualTo("trace-" + key(POISONED, position.offset));
        assertThat(header(d, "eddy.source.topic")).isEqualTo(in);
        assertThat(header(d, "eddy.source.partition")).isEqualTo(Integer.toString(POISONED));
        assertThat(header(d, "eddy.source.offset")).isEqualTo(Long.toString(position.offset));
        assertThat(header(d, "eddy.source.timestamp")).isEqualTo(Long.toString(poison.timestamp()));
        assertThat(header(d, "eddy.error.kind"))
                .isEqualTo(kind.deserialization() ? "DESERIALIZATION" : "PROCESSING");
        assertThat(header(d, "eddy.error.operator")).isEqualTo(kind.operator());
        switch (kind) {
            case UNDESERIALIZABLE_BYTES -> {
                assertThat(header(d, "eddy.error.class")).isEqualTo(SerdeException.class.getName());
                assertThat(header(d, "eddy.error.message")).contains("magic byte");
            }
            case UNKNOWN_SCHEMA_ID -> {
                assertThat(header(d, "eddy.error.class")).isEqualTo(SerdeException.class.getName());
                assertThat(header(d, "eddy.error.message")).contains(Integer.toString(UNKNOWN_SCHEMA_ID));
            }
            case THROWS_IN_USER_CODE -> {
                assertThat(header(d, "eddy.error.class")).isEqualTo(IllegalArgumentException.class.getName());
                assertThat(header(d, "eddy.error.message"))
                        .isEqualTo("negative amount -1 in order " + key(POISONED, position.offset));
            }
        }
    }

    // ---- the application and its data

    private static EddyApp app(String appId, String in, String out, ErrorHandler handler,
                               List<BatchProgress> progress) {
        return EddyApp.builder(appId)
                .bootstrapServers(kafka.bootstrapServers())
                .errorHandler(handler)
                .maxRecordsPerBatch(BATCH)
                .addProgressListener(progress::add)
                .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), AvroSerdes.generic(appClient)))
                        .named(SOURCE)
                        .mapValues(order -> price(order))
                        .named(OPERATOR)
                        .toKafka(out, Produced.with(Serdes.string(), Serdes.longs())))
                .build();
    }

    /** The operator under test: the price of an order; throws on a negative amount. */
    private static long price(GenericRecord order) {
        int amount = (Integer) order.get("amount");
        if (amount < 0) {
            throw new IllegalArgumentException("negative amount " + amount + " in order " + order.get("id"));
        }
        return 2L * amount;
    }

    private static List<ProducerRecord<byte[], byte[]>> input(String topic, Kind kind, Position position) {
        Serde<GenericRecord> writer = AvroSerdes.generic(producerClient);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (long o = 0; o < PER_PARTITION; o++) {
                boolean poison = p == POISONED && o == position.offset;
                String key = key(p, o);
                GenericRecord order = new GenericData.Record(ORDER);
                order.put("id", key);
                order.put("amount", poison && kind == Kind.THROWS_IN_USER_CODE ? -1 : amount(p, o));
                byte[] value = writer.serialize(topic, order);
                if (poison && kind == Kind.UNDESERIALIZABLE_BYTES) {
                    value = "not an Avro frame".getBytes(StandardCharsets.UTF_8);
                } else if (poison && kind == Kind.UNKNOWN_SCHEMA_ID) {
                    ByteBuffer.wrap(value, 1, 4).putInt(UNKNOWN_SCHEMA_ID);
                }
                records.add(new ProducerRecord<>(topic, p, BASE_TIMESTAMP + 1000L * p + o, KEYS.serialize(topic, key),
                        value, List.of(new RecordHeader("trace-id",
                                ("trace-" + key).getBytes(StandardCharsets.UTF_8)))));
            }
        }
        return records;
    }

    /** Every record but the poison, as key to price. */
    private static Map<String, Long> expected(Position position) {
        Map<String, Long> expected = new TreeMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (long o = 0; o < PER_PARTITION; o++) {
                if (p != POISONED || o != position.offset) {
                    expected.put(key(p, o), price(p, o));
                }
            }
        }
        return expected;
    }

    private static String key(int partition, long offset) {
        return "p" + partition + "-" + offset;
    }

    private static int amount(int partition, long offset) {
        return 100 * partition + (int) offset + 1;
    }

    private static long price(int partition, long offset) {
        return 2L * amount(partition, offset);
    }

    /** The committed output as key to price, failing on a key written twice. */
    private static Map<String, Long> outputByKey(String topic) {
        Map<String, Long> byKey = new TreeMap<>();
        for (TopicRecord r : Topics.readCommitted(kafka.bootstrapServers(), topic, DEADLINE)) {
            Long previous = byKey.put(r.keyString(), ByteBuffer.wrap(r.value()).getLong());
            assertThat(previous).as("key %s written twice to %s", r.keyString(), topic).isNull();
        }
        return byKey;
    }

    /** The group, the input's end offsets and log, and the application's threads, for a hang. */
    private static String hangDiagnostics(String appId, String in) {
        return Diagnostics.group(kafka.bootstrapServers(), appId)
                + "; input last stable offsets " + io().endOffsets(in) + ", high watermarks "
                + Topics.highWatermarks(kafka.bootstrapServers(), in) + "; the input's log:"
                + Diagnostics.logBatches(kafka.dataDirectory(), in)
                + "; records a fresh read_committed reader sees in the input: "
                + io().readCommittedToEnd(in, DEADLINE).size()
                + "; consumer metrics:" + Diagnostics.consumerMetrics(appId + "-")
                + Diagnostics.threads("eddy-" + appId + "-");
    }

    private static String header(TopicRecord record, String name) {
        byte[] value = record.lastHeader(name);
        assertThat(value).as("header %s of %s", name, record).isNotNull();
        return new String(value, StandardCharsets.UTF_8);
    }

    private static TopicIO io() {
        return TopicIO.of(kafka);
    }

    private static SchemaRegistryClient client(Duration retryBudget) {
        return SchemaRegistryClient.create(SchemaRegistry.builder()
                .url(registry.url())
                .requestTimeout(Duration.ofSeconds(2))
                .retryBudget(retryBudget)
                .build());
    }
}
