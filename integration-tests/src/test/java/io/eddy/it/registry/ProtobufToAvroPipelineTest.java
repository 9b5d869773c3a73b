package io.eddy.it.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.ErrorHandler;
import io.eddy.Guarantee;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.it.proto.Amount;
import io.eddy.it.proto.Payment;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.Serdes;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.jsonschema.JsonSchemaSerdes;
import io.eddy.serde.protobuf.ProtobufSerdes;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SchemaType;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protobuf and JSON Schema in pipelines, on a real broker and a real registry (Apicurio): an
 * exactly-once application reads Protobuf payments (a {@code .proto} with an import, so the
 * registry holds a reference) and writes Avro settlements; another writes JSON Schema values and
 * sends those that break the schema to the dead-letter topic. One broker and one registry serve
 * the class; each test has its own topics, subjects and application id.
 */
class ProtobufToAvroPipelineTest {

    private static final Schema SETTLEMENT = new Schema.Parser().parse("""
            {"type":"record","name":"Settlement","namespace":"io.eddy.it.registry","fields":[
              {"name":"paymentId","type":"string"},
              {"name":"currency","type":"string"},
              {"name":"netCents","type":"long"}]}""");

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Serde<String> KEYS = Serdes.string();

    private static SchemaRegistryServer registry;
    private static EmbeddedKafka kafka;
    private static TopicIO io;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startBrokerAndRegistry() {
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
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /**
     * 1,200 Protobuf payments over 3 partitions become 1,200 Avro settlements (amount less fees),
     * each committed exactly once, framed with the id the registry gave the settlement schema.
     */
    @Test
    void protobufInAvroOutExactlyOnce() {
        String in = "pb-payments-in";
        String out = "avro-settlements";
        int partitions = 3;
        int count = 1_200;
        kafka.createTopic(in, partitions);
        kafka.createTopic(out, partitions);

        try (SchemaRegistryClient producerClient = client(); SchemaRegistryClient appClient = client();
                SchemaRegistryClient readerClient = client()) {
            Serde<Payment> writer = ProtobufSerdes.specific(Payment.class, producerClient);
            List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
            Map<String, Long> expected = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                String key = "pay-" + i;
                Payment payment = Payment.newBuilder().setId(key)
                        .setAmount(Amount.newBuilder().setCurrency(i % 2 == 0 ? "EUR" : "USD").setCents(1000L + i))
                        .addFees(Payment.Fee.newBuilder().setReason("card").setAmount(Amount.newBuilder().setCents(i % 7)))
                        .build();
                input.add(new ProducerRecord<>(in, i % partitions, KEYS.serialize(in, key), writer.serialize(in, payment)));
                expected.put(key, 1000L + i - i % 7);
            }
            io.produce(input);
            assertThat(readerClient.latest(in + "-value").definition().references()).as("the import, as a reference")
                    .extracting(r -> r.subject()).containsExactly("eddy/it/money.proto");

            EddyApp app = EddyApp.builder("pb-to-avro")
                    .bootstrapServers(kafka.bootstrapServers())
                    .stateDir(stateDir)
                    .guarantee(Guarantee.EXACTLY_ONCE)
                    .errorHandler(ErrorHandler.fail())
                    .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), ProtobufSerdes.specific(Payment.class, appClient)))
                            .mapValues(ProtobufToAvroPipelineTest::settle)
                            .toKafka(out, Produced.with(Serdes.string(), AvroSerdes.generic(appClient))))
                    .build();
            boolean closed;
            try {
                app.start();
                Await.until(DEADLINE, () -> app.metrics().processedRecords() >= count || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
            } finally {
                closed = app.close(DEADLINE);
            }
            assertThat(app.failure()).isEmpty();
            assertThat(closed).isTrue();
            assertThat(app.metrics().processedRecords()).isEqualTo(count);
            assertThat(app.metrics().skippedRecords()).isZero();

            int settlementId = readerClient.lookup(out + "-value", SchemaDefinition.avro(SETTLEMENT.toString())).id();
            Serde<GenericRecord> reader = AvroSerdes.generic(readerClient);
            Map<String, List<Long>> seen = new TreeMap<>();
            for (TopicRecord r : committed(out, count)) {
                ByteBuffer frame = ByteBuffer.wrap(r.value());
                assertThat(frame.get()).isZero();
                assertThat(frame.getInt()).isEqualTo(settlementId);
                GenericRecord settlement = reader.deserialize(out, r.value());
                assertThat(settlement.get("paymentId").toString()).isEqualTo(r.keyString());
                seen.computeIfAbsent(r.keyString(), k -> new ArrayList<>()).add((Long) settlement.get("netCents"));
            }
            Map<String, List<Long>> expectedOnce = new TreeMap<>();
            expected.forEach((k, v) -> expectedOnce.put(k, List.of(v)));
            assertThat(seen).as("one settlement per payment, with the right amount").isEqualTo(expectedOnce);
        }
    }

    static final String ORDER_SCHEMA = """
            {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
             "properties": {"id": {"type": "string"}, "amount": {"type": "integer", "minimum": 0}},
             "required": ["id", "amount"]}""";

    record Order(String id, long amount) { }

    /**
     * Text input becomes JSON Schema orders; the two whose amount is negative break the schema:
     * the output serde refuses them, and the error policy sends their input records to the
     * dead-letter topic with a message naming the subject and the field. Every other order is
     * written once, registered as a JSON schema.
     */
    @Test
    void aJsonSchemaValidationFailureSendsTheRecordToTheErrorPolicy() {
        String in = "js-orders-in";
        String out = "js-orders-out";
        String dlq = "js-orders-dlq";
        kafka.createTopic(in, 1);
        kafka.createTopic(out, 1);
        kafka.createTopic(dlq, 1);
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long amount = i == 5 || i == 13 ? -i : i;
            input.add(new ProducerRecord<>(in, 0, KEYS.serialize(in, "o-" + i), ("" + amount).getBytes(StandardCharsets.UTF_8)));
        }
        io.produce(input);

        try (SchemaRegistryClient appClient = client(); SchemaRegistryClient readerClient = client()) {
            EddyApp app = EddyApp.builder("js-validation")
                    .bootstrapServers(kafka.bootstrapServers())
                    .stateDir(stateDir)
                    .errorHandler(ErrorHandler.deadLetter(dlq))
                    .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), Serdes.string()))
                            .mapValues((key, amount) -> new Order(key, Long.parseLong(amount)))
                            .toKafka(out, Produced.with(Serdes.string(),
                                    JsonSchemaSerdes.of(Order.class, ORDER_SCHEMA, appClient))))
                    .build();
            boolean closed;
            try {
                app.start();
                Await.until(DEADLINE, () -> app.metrics().processedRecords() >= 20 || app.state() == AppState.ERROR,
                        () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
            } finally {
                closed = app.close(DEADLINE);
            }
            assertThat(app.failure()).isEmpty();
            assertThat(closed).isTrue();
            assertThat(app.metrics().skippedRecords()).isEqualTo(2);

            List<TopicRecord> written = committed(out, 18);
            assertThat(written).hasSize(18);
            assertThat(readerClient.latest(out + "-value").definition().type()).isEqualTo(SchemaType.JSON);
            Serde<Order> reader = JsonSchemaSerdes.of(Order.class, ORDER_SCHEMA, readerClient);
            assertThat(written).allSatisfy(r -> assertThat(reader.deserialize(out, r.value()).amount()).isNotNegative());

            List<TopicRecord> dead = committed(dlq, 2);
            assertThat(dead).extracting(TopicRecord::keyString).containsExactly("o-5", "o-13");
            for (TopicRecord r : dead) {
                assertThat(header(r, "eddy.error.kind")).isEqualTo("PROCESSING");
                assertThat(header(r, "eddy.error.class")).isEqualTo(SerdeException.class.getName());
                assertThat(header(r, "eddy.error.message"))
                        .contains("subject '" + out + "-value'")
                        .contains("$.amount: must have a minimum value of 0");
            }
        }
    }

    private static GenericRecord settle(Payment payment) {
        long fees = payment.getFeesList().stream().mapToLong(f -> f.getAmount().getCents()).sum();
        GenericRecord settlement = new GenericData.Record(SETTLEMENT);
        settlement.put("paymentId", payment.getId());
        settlement.put("currency", payment.getAmount().getCurrency());
        settlement.put("netCents", payment.getAmount().getCents() - fees);
        return settlement;
    }

    /**
     * The committed records of a topic once at least {@code atLeast} are visible (a commit's
     * markers reach the partitions shortly after the commit returns), so more would show too.
     */
    private static List<TopicRecord> committed(String topic, int atLeast) {
        Await.until(DEADLINE, () -> io.readCommittedToEnd(topic, DEADLINE).size() >= atLeast,
                () -> topic + " holds fewer than " + atLeast + " committed records");
        return io.readCommittedToEnd(topic, DEADLINE);
    }

    private static SchemaRegistryClient client() {
        return SchemaRegistryClient.create(SchemaRegistry.builder().url(registry.url()).requestTimeout(Duration.ofSeconds(2)).build());
    }

    private static String header(TopicRecord record, String name) {
        byte[] value = record.lastHeader(name);
        assertThat(value).as("header %s of %s", name, record).isNotNull();
        return new String(value, StandardCharsets.UTF_8);
    }
}
