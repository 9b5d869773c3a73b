package io.eddy.it.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.SchemaIdHeaders;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.serde.avro.AvroSerdeOptions;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import io.eddy.testkit.registry.SchemaRegistryServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test for the stale schema-id header: the Kafka sink copies each input record's
 * headers to its output, so an input written in header mode ({@code __value_schema_id}) used to
 * leave the <em>input's</em> schema id on output records whose bytes another serde had framed. A
 * header-first reader (Eddy's, or Confluent's) then decoded them with the wrong schema.
 *
 * <p>Every test here reads orders written in header mode, with another header ({@code trace-id})
 * that must survive, and checks the output with a header-first reader. One broker and one
 * registry serve the class; each test has its own topics and application id.
 */
class StaleSchemaIdHeaderTest {

    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"io.eddy.it.registry.stale","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"}]}""");

    private static final Schema INVOICE = new Schema.Parser().parse("""
            {"type":"record","name":"Invoice","namespace":"io.eddy.it.registry.stale","fields":[
              {"name":"orderId","type":"string"},
              {"name":"total","type":"long"}]}""");

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int COUNT = 50;

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
     * Header-mode Avro orders in, {@code mapValues} to invoices, prefix-mode Avro out: no output
     * record carries the order's schema id, and a header-first reader reads every invoice.
     */
    @Test
    void headerModeAvroInPrefixModeAvroOutLeavesNoStaleHeader() {
        String in = "stale-avro-orders";
        String out = "stale-avro-invoices";
        try (SchemaRegistryClient producerClient = client();
                SchemaRegistryClient appClient = client();
                SchemaRegistryClient readerClient = client()) {
            produceOrders(in, producerClient);
            run("stale-avro", in, out, appClient, AvroSerdes.generic(appClient), StaleSchemaIdHeaderTest::invoice);

            Serde<GenericRecord> headerFirst = AvroSerdes.generic(readerClient);
            List<TopicRecord> output = io.readCommitted(out, COUNT, DEADLINE);
            assertThat(output).hasSize(COUNT);
            for (TopicRecord r : output) {
                assertThat(r.lastHeader(SchemaIdHeaders.VALUE)).as("value schema-id header of %s", r).isNull();
                assertThat(r.lastHeader("trace-id")).as("other headers are kept").isNotNull();
                assertThat(r.value()[0]).as("prefix framing").isEqualTo((byte) 0);
                GenericRecord invoice = headerFirst.deserialize(out, headers(r), r.value());
                assertThat(invoice.getSchema()).isEqualTo(INVOICE);
                assertThat(invoice.get("orderId").toString()).isEqualTo(r.keyString());
                assertThat(invoice.get("total")).isEqualTo(Long.parseLong(r.keyString().substring(6)) + 1);
            }
        }
    }

    /** The same with a string output serde: no schema-id header survives, the strings read back. */
    @Test
    void headerModeAvroInStringOutLeavesNoStaleHeader() {
        String in = "stale-string-orders";
        String out = "stale-string-out";
        try (SchemaRegistryClient producerClient = client(); SchemaRegistryClient appClient = client()) {
            produceOrders(in, producerClient);
            run("stale-string", in, out, appClient, Serdes.string(), order -> order.get("id") + "=" + order.get("amount"));

            List<TopicRecord> output = io.readCommitted(out, COUNT, DEADLINE);
            assertThat(output).hasSize(COUNT);
            for (TopicRecord r : output) {
                assertThat(r.lastHeader(SchemaIdHeaders.VALUE)).as("value schema-id header of %s", r).isNull();
                assertThat(Serdes.string().deserialize(out, headers(r), r.value()))
                        .isEqualTo(r.keyString() + "=" + r.keyString().substring(6));
            }
        }
    }

    /**
     * The exception to the rule: raw bytes forwarded unchanged keep their schema-id header, so a
     * header-first reader still reads the orders downstream.
     */
    @Test
    void bytesPassedThroughKeepTheirHeader() {
        String in = "stale-bytes-orders";
        String out = "stale-bytes-out";
        try (SchemaRegistryClient producerClient = client(); SchemaRegistryClient readerClient = client()) {
            produceOrders(in, producerClient);
            kafka.createTopic(out, 2);
            EddyApp app = EddyApp.builder("stale-bytes")
                    .bootstrapServers(kafka.bootstrapServers())
                    .stateDir(stateDir)
                    .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), Serdes.bytes()))
                            .filter((k, v) -> v.length > 0)
                            .toKafka(out, Produced.with(Serdes.string(), Serdes.bytes())))
                    .build();
            runToCompletion(app);

            Serde<GenericRecord> headerFirst = AvroSerdes.generic(readerClient);
            List<TopicRecord> output = io.readCommitted(out, COUNT, DEADLINE);
            assertThat(output).hasSize(COUNT);
            for (TopicRecord r : output) {
                assertThat(r.lastHeader(SchemaIdHeaders.VALUE)).as("value schema-id header of %s", r).isNotNull();
                assertThat(headerFirst.deserialize(out, headers(r), r.value()).get("id").toString())
                        .isEqualTo(r.keyString());
            }
        }
    }

    // ---- helpers

    private static <V> void run(String applicationId, String in, String out, SchemaRegistryClient appClient,
            Serde<V> outputSerde, Function<GenericRecord, V> mapper) {
        kafka.createTopic(out, 2);
        EddyApp app = EddyApp.builder(applicationId)
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(stateDir)
                .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), AvroSerdes.generic(appClient)))
                        .mapValues(mapper::apply)
                        .toKafka(out, Produced.with(Serdes.string(), outputSerde)))
                .build();
        runToCompletion(app);
    }

    private static void runToCompletion(EddyApp app) {
        boolean closed;
        try {
            app.start();
            Await.until(DEADLINE, () -> app.metrics().processedRecords() >= COUNT || app.state() == AppState.ERROR,
                    () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
        } finally {
            closed = app.close(DEADLINE);
        }
        assertThat(app.failure()).isEmpty();
        assertThat(closed).isTrue();
    }

    /** COUNT orders {@code order-i, amount i}, framed in header mode, with a {@code trace-id} header. */
    private static void produceOrders(String topic, SchemaRegistryClient client) {
        kafka.createTopic(topic, 2);
        Serde<GenericRecord> headerMode = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withWriteIdInHeaders(true));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            String key = "order-" + i;
            GenericRecord order = new GenericData.Record(ORDER);
            order.put("id", key);
            order.put("amount", i);
            RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader("trace-id", key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            byte[] value = headerMode.serialize(topic, headers, order);
            assertThat(headers.lastHeader(SchemaIdHeaders.VALUE)).isNotNull();
            records.add(new ProducerRecord<>(topic, i % 2, null, Serdes.string().serialize(topic, key), value, headers));
        }
        io.produce(records);
    }

    private static GenericRecord invoice(GenericRecord order) {
        GenericRecord invoice = new GenericData.Record(INVOICE);
        invoice.put("orderId", order.get("id").toString());
        invoice.put("total", (Integer) order.get("amount") + 1L);
        return invoice;
    }

    private static Headers headers(TopicRecord r) {
        return new RecordHeaders(r.headers().toArray(new org.apache.kafka.common.header.Header[0]));
    }

    private static SchemaRegistryClient client() {
        return SchemaRegistryClient.create(SchemaRegistry.builder().url(registry.url()).build());
    }
}
