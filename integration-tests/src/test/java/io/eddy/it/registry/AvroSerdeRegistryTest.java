package io.eddy.it.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.avro.AvroSerdeOptions;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.registry.CompatibilityLevel;
import io.eddy.serde.registry.RegisteredSchema;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaReference;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.testkit.registry.SchemaRegistryServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Eddy's Avro serdes against a real registry server (Apicurio Registry's Confluent-compatible
 * API, started once for the class). Writer and reader use separate clients, as a producer and a
 * consumer in different processes would, so every read resolves the writer schema from the
 * server. Each test uses its own topic, hence its own subjects.
 */
class AvroSerdeRegistryTest {

    private static final Schema ORDER_V1 =
            new Schema.Parser()
                    .parse(
                            """
                            {"type":"record","name":"Order","namespace":"io.eddy.it.registry","fields":[
                              {"name":"id","type":"string"},
                              {"name":"amount","type":"int"}]}""");

    /** V1 plus a defaulted field: backward compatible, so V2 readers read V1 data. */
    private static final Schema ORDER_V2 =
            new Schema.Parser()
                    .parse(
                            """
                            {"type":"record","name":"Order","namespace":"io.eddy.it.registry","fields":[
                              {"name":"id","type":"string"},
                              {"name":"amount","type":"int"},
                              {"name":"currency","type":"string","default":"EUR"}]}""");

    private static final String ADDRESS =
            """
            {"type":"record","name":"Address","namespace":"io.eddy.it.registry","fields":[
              {"name":"street","type":"string"},
              {"name":"city","type":"string"}]}""";

    /** Uses Address by name only: it cannot be parsed without the reference. */
    private static final String CUSTOMER =
            """
            {"type":"record","name":"Customer","namespace":"io.eddy.it.registry","fields":[
              {"name":"name","type":"string"},
              {"name":"home","type":"io.eddy.it.registry.Address"},
              {"name":"work","type":["null","io.eddy.it.registry.Address"],"default":null}]}""";

    private static SchemaRegistryServer server;

    @BeforeAll
    static void startRegistry() {
        server = SchemaRegistryServer.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (server != null) {
            server.close();
        }
    }

    private static SchemaRegistryClient newClient() {
        return SchemaRegistryClient.create(
                SchemaRegistry.builder().url(server.url()).retryBudget(Duration.ZERO).build());
    }

    @Test
    void writesConfluentFramingWithTheRegisteredIdAndReadsItBack() {
        String topic = "orders-framing";
        GenericRecord order = order(ORDER_V1, "o-1", 42);
        try (SchemaRegistryClient producer = newClient();
                SchemaRegistryClient consumer = newClient()) {
            byte[] bytes = AvroSerdes.generic(producer).serialize(topic, order);

            int registeredId = consumer.lookup(topic + "-value", SchemaDefinition.avro(ORDER_V1.toString())).id();
            ByteBuffer frame = ByteBuffer.wrap(bytes);
            assertThat(frame.get()).isEqualTo((byte) 0);
            assertThat(frame.getInt()).isEqualTo(registeredId);

            GenericRecord read = AvroSerdes.generic(consumer).deserialize(topic, bytes);
            assertThat(read).isEqualTo(order);
        }
    }

    @Test
    void aNewerReaderSchemaReadsDataWrittenWithTheOlderOne() {
        String topic = "orders-evolution";
        String subject = topic + "-value";
        try (SchemaRegistryClient producer = newClient();
                SchemaRegistryClient consumer = newClient()) {
            Serde<GenericRecord> v1Writer = AvroSerdes.generic(producer);
            byte[] oldRecord = v1Writer.serialize(topic, order(ORDER_V1, "o-1", 42));

            // The schema evolves under BACKWARD compatibility; new data is written with V2.
            producer.setCompatibility(subject, CompatibilityLevel.BACKWARD);
            GenericRecord newOrder = order(ORDER_V2, "o-2", 7);
            newOrder.put("currency", "USD");
            byte[] newRecord = AvroSerdes.generic(producer).serialize(topic, newOrder);
            assertThat(producer.versions(subject)).containsExactly(1, 2);

            Serde<GenericRecord> v2Reader =
                    AvroSerdes.generic(consumer, AvroSerdeOptions.defaults().withReaderSchema(ORDER_V2));
            GenericRecord oldAsV2 = v2Reader.deserialize(topic, oldRecord);
            GenericRecord newAsV2 = v2Reader.deserialize(topic, newRecord);

            assertThat(oldAsV2.getSchema()).isEqualTo(ORDER_V2);
            assertThat(oldAsV2.get("id").toString()).isEqualTo("o-1");
            assertThat(oldAsV2.get("amount")).isEqualTo(42);
            assertThat(oldAsV2.get("currency").toString()).isEqualTo("EUR");
            assertThat(newAsV2).isEqualTo(newOrder);
        }
    }

    @Test
    void anOlderReaderSchemaStillReadsNewerData() {
        String topic = "orders-forward";
        try (SchemaRegistryClient producer = newClient();
                SchemaRegistryClient consumer = newClient()) {
            GenericRecord newOrder = order(ORDER_V2, "o-3", 9);
            newOrder.put("currency", "CHF");
            byte[] bytes = AvroSerdes.generic(producer).serialize(topic, newOrder);

            GenericRecord asV1 =
                    AvroSerdes.generic(consumer, AvroSerdeOptions.defaults().withReaderSchema(ORDER_V1))
                            .deserialize(topic, bytes);

            assertThat(asV1).isEqualTo(order(ORDER_V1, "o-3", 9));
        }
    }

    @Test
    void anUnknownSchemaIdFailsTheReadWithoutRetry() {
        byte[] bytes = ByteBuffer.allocate(7).put((byte) 0).putInt(987_654).put((byte) 2).put((byte) 0).array();
        try (SchemaRegistryClient consumer = newClient()) {
            Serde<GenericRecord> serde = AvroSerdes.generic(consumer);

            assertThatThrownBy(() -> serde.deserialize("orders-unknown-id", bytes))
                    .isInstanceOf(SerdeException.class)
                    .hasMessageContaining("987654")
                    .satisfies(e -> assertThat(((SerdeException) e).retriable()).isFalse());
        }
    }

    @Test
    void schemaReferencesAreRegisteredAndResolved() {
        String topic = "customers";
        String addressSubject = "io.eddy.it.registry.Address";
        try (SchemaRegistryClient producer = newClient();
                SchemaRegistryClient consumer = newClient()) {
            Schema.Parser parser = new Schema.Parser();
            Schema address = parser.parse(ADDRESS);
            Schema customer = parser.parse(CUSTOMER);
            // Registered in Avro's own JSON form, as Confluent's serializers do; Apicurio matches
            // schemas by their text, so the serde finds this version instead of adding one.
            int addressId = producer.register(addressSubject, address.toString());
            List<SchemaReference> references = List.of(new SchemaReference("io.eddy.it.registry.Address", addressSubject, 1));
            int customerId = producer.register(topic + "-value", customer.toString(List.of(address), false), references);
            assertThat(customerId).isNotEqualTo(addressId);

            // The registry keeps the reference, and the referencing schema only names the type.
            SchemaDefinition stored = consumer.schemaById(customerId);
            assertThat(stored.references()).containsExactlyElementsOf(references);
            assertThat(stored.schema()).doesNotContain("street");
            RegisteredSchema latest = consumer.latest(topic + "-value");
            assertThat(latest.definition().references()).containsExactlyElementsOf(references);

            // Avro sees the whole schema; the serde writes under the id that carries the reference.
            GenericRecord record = new GenericData.Record(customer);
            record.put("name", "Ada");
            record.put("home", address(address, "1 Main St", "Lyon"));
            record.put("work", address(address, "2 Side St", "Nantes"));

            byte[] bytes =
                    AvroSerdes.generic(producer, AvroSerdeOptions.defaults().withReferences(references))
                            .serialize(topic, record);

            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(customerId);
            assertThat(producer.versions(topic + "-value")).containsExactly(1);
            GenericRecord read = AvroSerdes.generic(consumer).deserialize(topic, bytes);
            assertThat(read).isEqualTo(record);
            assertThat(((GenericRecord) read.get("home")).get("city").toString()).isEqualTo("Lyon");
        }
    }

    @Test
    void manyRecordsRoundTripThroughOneSerdePair() {
        String topic = "orders-batch";
        try (SchemaRegistryClient producer = newClient();
                SchemaRegistryClient consumer = newClient()) {
            Serde<GenericRecord> writer = AvroSerdes.generic(producer);
            Serde<GenericRecord> reader = AvroSerdes.generic(consumer);
            List<GenericRecord> written = new ArrayList<>();
            List<GenericRecord> read = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                GenericRecord order = order(ORDER_V1, "o-" + i, i);
                written.add(order);
                read.add(reader.deserialize(topic, writer.serialize(topic, order)));
            }

            assertThat(read).containsExactlyElementsOf(written);
        }
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

    private static GenericRecord address(Schema schema, String street, String city) {
        GenericRecord address = new GenericData.Record(schema);
        address.put("street", street);
        address.put("city", city);
        return address;
    }
}
