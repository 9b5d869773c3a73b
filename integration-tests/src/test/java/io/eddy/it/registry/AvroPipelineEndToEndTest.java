package io.eddy.it.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.ErrorHandler;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.Serdes;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import io.eddy.testkit.registry.SchemaRegistryServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Avro pipelines end to end: a real broker, a real schema registry (Apicurio, Confluent-compatible
 * API), Eddy's Avro serdes on both sides of an exactly-once application, and the error policy
 * under poison records and a registry outage.
 *
 * <p>Every pipeline here reads orders ({@code Order{id, amount}}, string keys) with a generic Avro
 * value serde, turns each into an invoice ({@code Invoice{orderId, total = amount + 1}}) in the
 * operator {@value #OPERATOR}, which throws on a negative amount, and writes the invoice with a
 * generic Avro value serde. The test writes input through a registry client of its own and reads
 * output through another, so the application's client never shares a cache with either.
 *
 * <p>One broker and one registry serve the class; each test uses its own topics, subjects and
 * application id.
 */
class AvroPipelineEndToEndTest {

    private static final Schema ORDER_V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"io.eddy.it.registry","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"}]}""");

    /** V1 plus a defaulted field: another schema id under the same subject. */
    private static final Schema ORDER_V2 = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"io.eddy.it.registry","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"},
              {"name":"currency","type":"string","default":"EUR"}]}""");

    private static final Schema INVOICE = new Schema.Parser().parse("""
            {"type":"record","name":"Invoice","namespace":"io.eddy.it.registry","fields":[
              {"name":"orderId","type":"string"},
              {"name":"total","type":"long"}]}""");

    private static final String SOURCE = "orders";
    private static final String OPERATOR = "invoice";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Serde<String> KEYS = Serdes.string();

    private static SchemaRegistryServer registry;
    private static EmbeddedKafka kafka;
    private static TopicIO io;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startBrokerAndRegistry() {
        // the registry is a child process that takes seconds to start: start the broker meanwhile
        CompletableFuture<SchemaRegistryServer> starting = CompletableFuture.supplyAsync(SchemaRegistryServer::start);
        try {
            kafka = EmbeddedKafka.start();
            io = TopicIO.of(kafka);
        } finally {
            registry = starting.join();
        }
    }

    @AfterAll
    static void stopBrokerAndRegistry() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /**
     * 2,000 Avro orders over 4 partitions become 2,000 Avro invoices, each committed exactly once,
     * framed as 0x00 + the id the registry gave the invoice schema under {@code <output>-value}.
     */
    @Test
    void avroInAvroOutExactlyOnce() {
        String in = "eos-orders";
        String out = "eos-invoices";
        int partitions = 4;
        int count = 2_000;
        kafka.createTopic(in, partitions);
        kafka.createTopic(out, partitions);

        try (SchemaRegistryClient producerClient = client(registry.url(), Duration.ZERO);
                SchemaRegistryClient appClient = client(registry.url(), Duration.ofSeconds(5));
                SchemaRegistryClient readerClient = client(registry.url(), Duration.ZERO)) {
            Serde<GenericRecord> writer = AvroSerdes.generic(producerClient);
            List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
            Map<String, Long> expected = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                String key = "order-" + i;
                input.add(new ProducerRecord<>(in, i % partitions, KEYS.serialize(in, key),
                        writer.serialize(in, order(ORDER_V1, key, i))));
                expected.put(key, i + 1L);
            }
            io.produce(input);

            EddyApp app = app("avro-eos", in, out, appClient, ErrorHandler.fail());
            boolean closed;
            try {
                app.start();
                Await.until(DEADLINE, () -> app.metrics().processedRecords() >= count || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
            } finally {
                closed = app.close(DEADLINE);
            }
            assertThat(app.failure()).isEmpty();
            assertThat(closed).as("closed within %s", DEADLINE).isTrue();
            assertThat(app.metrics().processedRecords()).isEqualTo(count);
            assertThat(app.metrics().skippedRecords()).isZero();
            assertThat(app.metrics().retriedBatches()).isZero();

            String subject = out + "-value";
            int invoiceId = readerClient.lookup(subject, SchemaDefinition.avro(INVOICE.toString())).id();
            assertThat(readerClient.versions(subject)).as("one invoice schema, registered once").containsExactly(1);
            Serde<GenericRecord> reader = AvroSerdes.generic(readerClient);

            List<TopicRecord> output = readCommitted(out);
            for (TopicRecord r : output) {
                ByteBuffer frame = ByteBuffer.wrap(r.value());
                assertThat(frame.get()).as("magic byte of %s", r).isEqualTo((byte) 0);
                assertThat(frame.getInt()).as("schema id of %s", r).isEqualTo(invoiceId);
                assertThat(reader.deserialize(out, r.value()).getSchema()).isEqualTo(INVOICE);
            }
            assertInvoicedExactlyOnce(expected, output, out, readerClient);
        }
    }

    /**
     * Under {@code deadLetter}: undeserializable bytes (magic byte 0x01) at offset 0 of partition
     * 0, an unknown schema id in the middle of partition 1 and an order the operator throws on at
     * the end of partition 2 go to the dead-letter topic with their original key, value, headers and
     * timestamp plus headers naming the failure and the source record; every other order is
     * invoiced exactly once.
     */
    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirOriginalBytesAndTheirSource() {
        String in = "poison-orders";
        String out = "poison-invoices";
        String dlq = "poison-orders-dlq";
        int partitions = 3;
        int perPartition = 50;
        kafka.createTopic(in, partitions);
        kafka.createTopic(out, partitions);
        kafka.createTopic(dlq, 1);
        long baseTimestamp = 1_700_000_000_000L;
        int unknownId = 987_654;
        Map<TopicPartition, Long> poisonOffsets = Map.of(
                new TopicPartition(in, 0), 0L,
                new TopicPartition(in, 1), (long) perPartition / 2,
                new TopicPartition(in, 2), (long) perPartition - 1);

        try (SchemaRegistryClient producerClient = client(registry.url(), Duration.ZERO);
                SchemaRegistryClient appClient = client(registry.url(), Duration.ofSeconds(5));
                SchemaRegistryClient readerClient = client(registry.url(), Duration.ZERO)) {
            Serde<GenericRecord> writer = AvroSerdes.generic(producerClient);
            List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
            Map<String, Long> expected = new TreeMap<>();
            Map<Long, ProducerRecord<byte[], byte[]>> poisons = new HashMap<>();   // by partition
            for (int p = 0; p < partitions; p++) {
                for (int o = 0; o < perPartition; o++) {
                    String key = "p" + p + "-" + o;
                    boolean poison = poisonOffsets.get(new TopicPartition(in, p)) == o;
                    int amount = poison && p == 2 ? -1 : o;
                    byte[] value = writer.serialize(in, order(ORDER_V1, key, amount));
                    if (poison && p == 0) {
                        value[0] = 0x01;                                   // not a schema-registry frame
                    } else if (poison && p == 1) {
                        ByteBuffer.wrap(value, 1, 4).putInt(unknownId);     // an id the registry never gave
                    }
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(in, p, baseTimestamp + 1000L * p + o,
                            KEYS.serialize(in, key), value,
                            List.of(new RecordHeader("trace-id", ("trace-" + key).getBytes(StandardCharsets.UTF_8))));
                    input.add(record);
                    if (poison) {
                        poisons.put((long) p, record);
                    } else {
                        expected.put(key, o + 1L);
                    }
                }
            }
            io.produce(input);

            int total = partitions * perPartition;
            EddyApp app = app("avro-poison", in, out, appClient, ErrorHandler.deadLetter(dlq));
            boolean closed;
            try {
                app.start();
                Await.until(DEADLINE, () -> app.metrics().processedRecords() >= total || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
            } finally {
                closed = app.close(DEADLINE);
            }
            assertThat(app.failure()).isEmpty();
            assertThat(closed).as("closed within %s", DEADLINE).isTrue();
            assertThat(app.metrics().processedRecords()).isEqualTo(total);
            assertThat(app.metrics().skippedRecords()).isEqualTo(3);
            assertThat(app.metrics().retriedBatches()).as("a poison is not a temporary failure").isZero();

            assertInvoicedExactlyOnce(expected, readCommitted(out), out, readerClient);

            List<TopicRecord> deadLetters = readCommitted(dlq);
            assertThat(deadLetters).hasSize(3);
            Map<Long, TopicRecord> byPartition = new TreeMap<>();
            for (TopicRecord r : deadLetters) {
                assertThat(header(r, "eddy.source.topic")).isEqualTo(in);
                byPartition.put(Long.parseLong(header(r, "eddy.source.partition")), r);
            }
            assertThat(byPartition).containsOnlyKeys(0L, 1L, 2L);
            for (long p = 0; p < partitions; p++) {
                ProducerRecord<byte[], byte[]> original = poisons.get(p);
                TopicRecord dead = byPartition.get(p);
                long offset = poisonOffsets.get(new TopicPartition(in, (int) p));
                assertThat(dead.key()).as("key of the dead letter from partition %d", p).isEqualTo(original.key());
                assertThat(dead.value()).as("value of the dead letter from partition %d", p).isEqualTo(original.value());
                assertThat(dead.timestamp()).isEqualTo(original.timestamp());
                assertThat(dead.headers().get(0).key()).as("the original headers come first").isEqualTo("trace-id");
                assertThat(header(dead, "trace-id")).isEqualTo("trace-" + KEYS.deserialize(in, original.key()));
                assertThat(header(dead, "eddy.source.offset")).isEqualTo(Long.toString(offset));
                assertThat(header(dead, "eddy.source.timestamp")).isEqualTo(Long.toString(original.timestamp()));
            }
            TopicRecord badMagic = byPartition.get(0L);
            assertThat(header(badMagic, "eddy.error.kind")).isEqualTo("DESERIALIZATION");
            assertThat(header(badMagic, "eddy.error.operator")).isEqualTo(SOURCE);
            assertThat(header(badMagic, "eddy.error.class")).isEqualTo(SerdeException.class.getName());
            assertThat(header(badMagic, "eddy.error.message")).contains("magic byte 0x01");
            TopicRecord unknownSchema = byPartition.get(1L);
            assertThat(header(unknownSchema, "eddy.error.kind")).isEqualTo("DESERIALIZATION");
            assertThat(header(unknownSchema, "eddy.error.operator")).isEqualTo(SOURCE);
            assertThat(header(unknownSchema, "eddy.error.class")).isEqualTo(SerdeException.class.getName());
            assertThat(header(unknownSchema, "eddy.error.message")).contains(Integer.toString(unknownId));
            TopicRecord throwing = byPartition.get(2L);
            assertThat(header(throwing, "eddy.error.kind")).isEqualTo("PROCESSING");
            assertThat(header(throwing, "eddy.error.operator")).isEqualTo(OPERATOR);
            assertThat(header(throwing, "eddy.error.class")).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(header(throwing, "eddy.error.message")).isEqualTo("negative amount -1 in order p2-49");
        }
    }

    /**
     * The registry goes away (a proxy in front of it answers 503) while records with a schema id
     * the application has not seen yet arrive: batches are aborted and retried, nothing is skipped
     * or dead-lettered, and no record at or after an unreadable one commits. When the registry
     * returns, every record is invoiced exactly once.
     */
    @Test
    void aRegistryOutageDelaysRecordsButLosesNoneAndSkipsNone() throws Exception {
        String in = "outage-orders";
        String out = "outage-invoices";
        String dlq = "outage-orders-dlq";
        int partitions = 3;
        kafka.createTopic(in, partitions);
        kafka.createTopic(out, partitions);
        kafka.createTopic(dlq, 1);

        try (RegistryProxy proxy = RegistryProxy.start(registry.rootUrl());
                SchemaRegistryClient producerClient = client(registry.url(), Duration.ZERO);
                // a fresh client: it only ever learns schemas through the proxy
                SchemaRegistryClient appClient = client(proxy.rootUrl() + SchemaRegistryServer.CONFLUENT_API_PATH,
                        Duration.ofSeconds(1));
                SchemaRegistryClient readerClient = client(registry.url(), Duration.ZERO)) {
            Serde<GenericRecord> writer = AvroSerdes.generic(producerClient);
            Map<String, Long> expected = new TreeMap<>();

            // 1. registry up: 10 V1 orders per partition; the application learns V1 and registers Invoice
            List<ProducerRecord<byte[], byte[]>> before = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                for (int j = 0; j < 10; j++) {
                    String key = "before-p" + p + "-" + j;
                    before.add(new ProducerRecord<>(in, p, KEYS.serialize(in, key), writer.serialize(in, order(ORDER_V1, key, j))));
                    expected.put(key, j + 1L);
                }
            }
            io.produce(before);

            List<ProducerRecord<byte[], byte[]>> during = new ArrayList<>();
            EddyApp app = app("avro-outage", in, out, appClient, ErrorHandler.deadLetter(dlq));
            boolean closed;
            try {
                app.start();
                Await.until(DEADLINE, () -> app.metrics().processedRecords() >= before.size() || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
                assertThat(app.failure()).isEmpty();

                // 2. registry down: 20 orders per partition, 4 V1 orders (readable) and then V2 (a schema
                // the application has not fetched yet) alternating with V1. The first partition a batch
                // processes writes invoices for its V1 orders before the V2 order fails the batch, so
                // the aborted batch has output to take back. Only the leading V1 orders may commit
                // during the outage (if a poll happens to bring them without the V2 order behind them).
                proxy.down();
                Set<String> mayCommitDuringOutage = new TreeSet<>();
                for (int p = 0; p < partitions; p++) {
                    for (int j = 0; j < 20; j++) {
                        String key = "during-p" + p + "-" + j;
                        boolean v1 = j < 4 || j % 2 == 1;
                        GenericRecord order = order(v1 ? ORDER_V1 : ORDER_V2, key, 100 + j);
                        if (!v1) {
                            order.put("currency", "USD");
                        }
                        during.add(new ProducerRecord<>(in, p, KEYS.serialize(in, key), writer.serialize(in, order)));
                        expected.put(key, 101L + j);
                        if (j < 4) {
                            mayCommitDuringOutage.add(key);
                        }
                    }
                }
                io.produce(during);

                Await.until(DEADLINE, () -> app.metrics().retriedBatches() >= 3 || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics() + ", proxy refused "
                                + proxy.refusedRequests());
                assertThat(app.failure()).isEmpty();
                assertThat(app.state()).isIn(AppState.RUNNING, AppState.REBALANCING);
                assertThat(proxy.refusedRequests()).as("the application asked the registry").isPositive();
                assertThat(app.metrics().skippedRecords()).isZero();
                assertThat(app.metrics().processedRecords()).isLessThanOrEqualTo(before.size() + mayCommitDuringOutage.size());
                Set<String> committedDuringOutage = new TreeSet<>();
                for (TopicRecord r : io.readCommittedToEnd(out, DEADLINE)) {
                    if (r.keyString().startsWith("during-")) {
                        committedDuringOutage.add(r.keyString());
                    }
                }
                assertThat(mayCommitDuringOutage).as("output committed during the outage")
                        .containsAll(committedDuringOutage);

                // 3. registry back: everything arrives (waiting on the output: a replayed record would
                // count twice in processedRecords)
                proxy.up();
                Await.until(DEADLINE, () -> committedKeys(out).containsAll(expected.keySet()) || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
            } finally {
                closed = app.close(DEADLINE);
            }
            assertThat(app.failure()).isEmpty();
            assertThat(closed).as("closed within %s", DEADLINE).isTrue();
            assertThat(app.metrics().processedRecords()).isEqualTo(before.size() + during.size());
            assertThat(app.metrics().skippedRecords()).isZero();
            assertThat(app.metrics().retriedBatches()).isGreaterThanOrEqualTo(3);

            List<TopicRecord> output = readCommitted(out);
            assertInvoicedExactlyOnce(expected, output, out, readerClient);
            assertThat(highWatermarks(dlq).values()).as("nothing was ever written to the dead-letter topic")
                    .containsOnly(0L);
            long written = highWatermarks(out).values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("registry outage: %s; output holds %d committed records, %d offsets in all "
                            + "(the rest are aborted records and transaction markers); proxy refused %d requests%n",
                    app.metrics(), output.size(), written, proxy.refusedRequests());
        }
    }

    /**
     * A poll's records span several batches when {@code maxRecordsPerBatch} is small. If a batch
     * after the first of them hits a temporary failure, the retry must resume after the records the
     * earlier batches of that poll committed, not replay them: here 12 readable orders commit in
     * batches of 5 before the 13th, with a schema id the application cannot fetch during the outage.
     */
    @Test
    void aRetryDoesNotReplayRecordsCommittedEarlierInTheSamePoll() throws Exception {
        String in = "retry-replay-orders";
        String out = "retry-replay-invoices";
        kafka.createTopic(in, 1);
        kafka.createTopic(out, 1);

        try (RegistryProxy proxy = RegistryProxy.start(registry.rootUrl());
                SchemaRegistryClient producerClient = client(registry.url(), Duration.ZERO);
                SchemaRegistryClient appClient = client(proxy.rootUrl() + SchemaRegistryServer.CONFLUENT_API_PATH,
                        Duration.ofSeconds(1));
                SchemaRegistryClient readerClient = client(registry.url(), Duration.ZERO)) {
            Serde<GenericRecord> writer = AvroSerdes.generic(producerClient);
            Map<String, Long> expected = new TreeMap<>();
            // one V1 order first, so the application learns V1 and registers Invoice while the registry is up
            io.produce(List.of(new ProducerRecord<>(in, 0, KEYS.serialize(in, "warm-up"),
                    writer.serialize(in, order(ORDER_V1, "warm-up", 0)))));
            expected.put("warm-up", 1L);

            EddyApp app = EddyApp.builder("avro-retry-replay")
                    .bootstrapServers(kafka.bootstrapServers())
                    .stateDir(stateDir)
                    .maxRecordsPerBatch(5)
                    .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), AvroSerdes.generic(appClient)))
                            .mapValues(AvroPipelineEndToEndTest::invoice)
                            .toKafka(out, Produced.with(Serdes.string(), AvroSerdes.generic(appClient))))
                    .build();
            int total = 1 + 12 + 8;
            boolean closed;
            try {
                app.start();
                Await.until(DEADLINE, () -> app.metrics().processedRecords() >= 1 || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());

                proxy.down();
                List<ProducerRecord<byte[], byte[]>> during = new ArrayList<>();
                for (int j = 0; j < 20; j++) {
                    String key = "during-" + j;
                    GenericRecord order = order(j < 12 ? ORDER_V1 : ORDER_V2, key, j);
                    during.add(new ProducerRecord<>(in, 0, KEYS.serialize(in, key), writer.serialize(in, order)));
                    expected.put(key, j + 1L);
                }
                io.produce(during);
                Await.until(DEADLINE, () -> app.metrics().retriedBatches() >= 2 || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics());

                proxy.up();
                // not processedRecords: replayed records would count twice
                Await.until(DEADLINE, () -> committedKeys(out).containsAll(expected.keySet()) || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics() + ", output keys " + committedKeys(out));
            } finally {
                closed = app.close(DEADLINE);
            }
            assertThat(app.failure()).isEmpty();
            assertThat(closed).as("closed within %s", DEADLINE).isTrue();
            List<TopicRecord> output = readCommitted(out);
            System.out.printf("retry after a mid-poll commit: %s; %d committed invoices for %d orders%n",
                    app.metrics(), output.size(), total);
            assertInvoicedExactlyOnce(expected, output, out, readerClient);
            assertThat(app.metrics().processedRecords()).as("each order processed in one committed batch")
                    .isEqualTo(total);
        }
    }

    // ---- helpers

    private static EddyApp app(String applicationId, String in, String out, SchemaRegistryClient registryClient,
                               ErrorHandler errorHandler) {
        return EddyApp.builder(applicationId)
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(stateDir)
                .errorHandler(errorHandler)
                .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), AvroSerdes.generic(registryClient)))
                        .named(SOURCE)
                        .mapValues(AvroPipelineEndToEndTest::invoice)
                        .named(OPERATOR)
                        .toKafka(out, Produced.with(Serdes.string(), AvroSerdes.generic(registryClient))))
                .build();
    }

    /** The operator under test: an invoice for an order; throws on a negative amount. */
    private static GenericRecord invoice(GenericRecord order) {
        int amount = (Integer) order.get("amount");
        if (amount < 0) {
            throw new IllegalArgumentException("negative amount " + amount + " in order " + order.get("id"));
        }
        GenericRecord invoice = new GenericData.Record(INVOICE);
        invoice.put("orderId", order.get("id").toString());
        invoice.put("total", amount + 1L);
        return invoice;
    }

    private static GenericRecord order(Schema schema, String id, int amount) {
        GenericRecord order = new GenericData.Record(schema);
        order.put("id", id);
        order.put("amount", amount);
        for (Schema.Field field : schema.getFields()) {
            if (order.get(field.pos()) == null && field.hasDefaultValue()) {
                order.put(field.pos(), GenericData.get().getDefaultValue(field));
            }
        }
        return order;
    }

    private static SchemaRegistryClient client(String url, Duration retryBudget) {
        return SchemaRegistryClient.create(SchemaRegistry.builder()
                .url(url)
                .requestTimeout(Duration.ofSeconds(2))
                .retryBudget(retryBudget)
                .build());
    }

    /**
     * Asserts that {@code records} hold exactly one invoice per expected key, with the expected total;
     * on failure the message lists (the first ten of) the missing, duplicated, unexpected and wrong
     * invoices.
     */
    private static void assertInvoicedExactlyOnce(Map<String, Long> expected, List<TopicRecord> records, String topic,
                                                  SchemaRegistryClient client) {
        Serde<GenericRecord> reader = AvroSerdes.generic(client);
        Map<String, List<Long>> totals = new TreeMap<>();
        for (TopicRecord r : records) {
            GenericRecord invoice = reader.deserialize(topic, r.value());
            assertThat(invoice.get("orderId").toString()).as("order id of %s", r).isEqualTo(r.keyString());
            totals.computeIfAbsent(r.keyString(), k -> new ArrayList<>()).add((Long) invoice.get("total"));
        }
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        expected.forEach((key, total) -> {
            List<Long> seen = totals.getOrDefault(key, List.of());
            if (seen.isEmpty()) {
                missing.add(key);
            } else if (seen.size() > 1) {
                duplicated.add(key + " x" + seen.size());
            } else if (!seen.get(0).equals(total)) {
                wrong.add(key + "=" + seen.get(0) + " (expected " + total + ")");
            }
        });
        List<String> unexpected = totals.keySet().stream().filter(k -> !expected.containsKey(k)).toList();
        assertThat(missing.isEmpty() && duplicated.isEmpty() && wrong.isEmpty() && unexpected.isEmpty())
                .as("%s holds %d invoices for %d expected orders; missing %d %s, duplicated %d %s, wrong %d %s, "
                                + "unexpected %d %s", topic, records.size(), expected.size(),
                        missing.size(), head(missing), duplicated.size(), head(duplicated), wrong.size(), head(wrong),
                        unexpected.size(), head(unexpected))
                .isTrue();
    }

    private static List<String> head(List<String> values) {
        return values.stream().limit(10).toList();
    }

    private static Set<String> committedKeys(String topic) {
        Set<String> keys = new TreeSet<>();
        io.readCommittedToEnd(topic, DEADLINE).forEach(r -> keys.add(r.keyString()));
        return keys;
    }

    private static String header(TopicRecord record, String name) {
        byte[] value = record.lastHeader(name);
        assertThat(value).as("header %s of %s", name, record).isNotNull();
        return new String(value, StandardCharsets.UTF_8);
    }

    /**
     * Every committed record of {@code topic}, after waiting until no transaction is open on it (a
     * commit's markers reach the partitions shortly after the commit returns).
     */
    private static List<TopicRecord> readCommitted(String topic) {
        Await.until(DEADLINE, () -> io.endOffsets(topic).equals(highWatermarks(topic)),
                () -> topic + ": last stable offsets " + io.endOffsets(topic) + ", high watermarks " + highWatermarks(topic));
        return io.readCommittedToEnd(topic, DEADLINE);
    }

    /** Partition to high watermark: every offset written, committed, aborted or open. */
    private static Map<Integer, Long> highWatermarks(String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, "eddy-it-high-watermarks",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);   // a consumer asked for partitions it is not assigned warns for each
            Map<Integer, Long> ends = new TreeMap<>();
            consumer.endOffsets(partitions, Duration.ofSeconds(10)).forEach((tp, offset) -> ends.put(tp.partition(), offset));
            return ends;
        }
    }
}
