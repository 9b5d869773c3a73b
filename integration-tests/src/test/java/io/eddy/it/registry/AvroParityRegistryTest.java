package io.eddy.it.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.Serde;
import io.eddy.serde.avro.AvroSerdeOptions;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.kafka.AvroKafkaDeserializer;
import io.eddy.serde.kafka.AvroKafkaSerializer;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaNotFoundException;
import io.eddy.serde.registry.SchemaReference;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SubjectNotFoundException;
import io.eddy.testkit.registry.SchemaRegistryServer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent parity against a real registry (Apicurio's Confluent-compatible API, one server for
 * the class): Avro primitives, normalized lookup of a schema registered with other whitespace,
 * references to the latest version (-1), logical types as Java types, Java records under
 * reflection, and the Kafka serializer classes configured with Confluent's property names. Writers and readers use separate clients, so every read fetches
 * the writer schema from the server. Each test has its own subjects.
 */
class AvroParityRegistryTest {

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

    private static SchemaRegistryClient client() {
        return SchemaRegistryClient.create(SchemaRegistry.builder().url(server.url()).build());
    }

    private static <T> T roundTrip(Class<T> type, String topic, T value, String expectedSchema) {
        try (SchemaRegistryClient writerClient = client(); SchemaRegistryClient readerClient = client()) {
            byte[] bytes = AvroSerdes.primitive(type, writerClient).serialize(topic, value);
            int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            assertThat(bytes[0]).isZero();
            assertThat(readerClient.latest(topic + "-value").id()).isEqualTo(id);
            assertThat(readerClient.schemaById(id).schema().replace(" ", "")).isEqualTo(expectedSchema);
            return AvroSerdes.primitive(type, readerClient).deserialize(topic, bytes);
        }
    }

    @Test
    void primitivesRegisterTheirSchemaAndRoundTrip() {
        assertThat(roundTrip(String.class, "prim-string", "héllo", "\"string\"")).isEqualTo("héllo");
        assertThat(roundTrip(Long.class, "prim-long", -300L, "\"long\"")).isEqualTo(-300L);
        assertThat(roundTrip(Integer.class, "prim-int", 42, "\"int\"")).isEqualTo(42);
        assertThat(roundTrip(Double.class, "prim-double", 1.5, "\"double\"")).isEqualTo(1.5);
        assertThat(roundTrip(Float.class, "prim-float", 2.5f, "\"float\"")).isEqualTo(2.5f);
        assertThat(roundTrip(Boolean.class, "prim-boolean", true, "\"boolean\"")).isTrue();
        assertThat(roundTrip(byte[].class, "prim-bytes", new byte[] {1, 2, 3}, "\"bytes\"")).containsExactly(1, 2, 3);
    }

    @Test
    void aSchemaRegisteredWithOtherWhitespaceIsFoundWhenNormalizing() {
        String spaced = """
                {
                  "namespace" : "io.eddy.it.parity",   "name" : "User",
                  "type" : "record",
                  "fields" : [ { "type" : "string", "name" : "name" } ]
                }""";
        Schema schema = new Schema.Parser().parse(spaced);
        GenericRecord user = new GenericData.Record(schema);
        user.put("name", "ann");
        try (SchemaRegistryClient admin = client(); SchemaRegistryClient app = client()) {
            int id = admin.register("norm-users-value", SchemaDefinition.avro(spaced));
            // Apicurio matches lookups by exact text unless asked to normalize: the flag is what finds it here
            assertThatThrownBy(() -> app.lookup("norm-users-value", SchemaDefinition.avro(schema.toString())))
                    .isInstanceOfAny(SubjectNotFoundException.class, SchemaNotFoundException.class);

            Serde<GenericRecord> lookingUp = AvroSerdes.generic(app,
                    AvroSerdeOptions.defaults().withAutoRegister(false).withNormalizeSchemas(true));
            byte[] bytes = lookingUp.serialize("norm-users", user);
            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).as("the hand-registered schema's id").isEqualTo(id);

            Serde<GenericRecord> registering = AvroSerdes.generic(app, AvroSerdeOptions.defaults().withNormalizeSchemas(true));
            registering.serialize("norm-users", user);
            assertThat(admin.versions("norm-users-value")).as("found, not registered again").containsExactly(1);
        }
    }

    @Test
    void aReferenceToVersionMinusOneIsResolvedToTheCurrentVersion() {
        String address1 = """
                {"type":"record","name":"Address","namespace":"io.eddy.it.parity","fields":[
                  {"name":"city","type":"string"}]}""";
        String address2 = """
                {"type":"record","name":"Address","namespace":"io.eddy.it.parity","fields":[
                  {"name":"city","type":"string"},
                  {"name":"zip","type":"string","default":""}]}""";
        try (SchemaRegistryClient admin = client(); SchemaRegistryClient app = client(); SchemaRegistryClient reader = client()) {
            admin.register("parity-address", address1);
            admin.register("parity-address", address2);
            Schema addressSchema = new Schema.Parser().parse(address2);
            Schema customerSchema = new Schema.Parser().parse("""
                    {"type":"record","name":"Customer","namespace":"io.eddy.it.parity","fields":[
                      {"name":"name","type":"string"},
                      {"name":"home","type":%s}]}""".formatted(address2));
            GenericRecord home = new GenericData.Record(addressSchema);
            home.put("city", "Lyon");
            home.put("zip", "69001");
            GenericRecord customer = new GenericData.Record(customerSchema);
            customer.put("name", "ann");
            customer.put("home", home);

            Serde<GenericRecord> serde = AvroSerdes.generic(app, AvroSerdeOptions.defaults()
                    .withReferences(List.of(new SchemaReference("io.eddy.it.parity.Address", "parity-address", -1))));
            byte[] bytes = serde.serialize("parity-customers", customer);

            List<SchemaReference> stored = reader.latest("parity-customers-value").definition().references();
            assertThat(stored).containsExactly(new SchemaReference("io.eddy.it.parity.Address", "parity-address", 2));
            GenericRecord back = AvroSerdes.generic(reader).deserialize("parity-customers", bytes);
            assertThat(((GenericRecord) back.get("home")).get("zip").toString()).isEqualTo("69001");
        }
    }

    @Test
    void logicalTypesAsJavaTypesRoundTrip() {
        Schema schema = new Schema.Parser().parse("""
                {"type":"record","name":"Payment","namespace":"io.eddy.it.parity","fields":[
                  {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
                  {"name":"id","type":{"type":"string","logicalType":"uuid"}},
                  {"name":"day","type":{"type":"int","logicalType":"date"}},
                  {"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}}]}""");
        AvroSerdeOptions converting = AvroSerdeOptions.defaults().withLogicalTypeConverters(true);
        GenericRecord payment = new GenericData.Record(schema);
        payment.put("amount", new java.math.BigDecimal("12.34"));
        payment.put("id", java.util.UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
        payment.put("day", java.time.LocalDate.of(2026, 12, 5));
        payment.put("at", java.time.Instant.parse("2026-12-05T02:03:04.000005Z"));
        try (SchemaRegistryClient writer = client(); SchemaRegistryClient reader = client()) {
            byte[] bytes = AvroSerdes.generic(writer, converting).serialize("parity-payments", payment);
            GenericRecord back = AvroSerdes.generic(reader, converting).deserialize("parity-payments", bytes);
            assertThat(back.get("amount")).isEqualTo(new java.math.BigDecimal("12.34"));
            assertThat(back.get("id")).isEqualTo(payment.get("id"));
            assertThat(back.get("day")).isEqualTo(payment.get("day"));
            assertThat(back.get("at")).isEqualTo(payment.get("at"));
        }
    }

    /** A Java record for the reflect serde: read through its canonical constructor. */
    record Shipment(String id, int parcels, List<String> labels) { }

    @Test
    void javaRecordsRoundTripUnderReflection() {
        try (SchemaRegistryClient writer = client(); SchemaRegistryClient reader = client()) {
            Shipment shipment = new Shipment("s-1", 3, List.of("fragile", "up"));
            byte[] bytes = AvroSerdes.reflect(Shipment.class, writer).serialize("parity-shipments", shipment);
            assertThat(AvroSerdes.reflect(Shipment.class, reader).deserialize("parity-shipments", bytes)).isEqualTo(shipment);
        }
    }

    @Test
    void theKafkaClassesConfiguredWithConfluentPropertiesTalkToTheRegistry() {
        Map<String, Object> props = Map.of("schema.registry.url", server.url(), "auto.register.schemas", "true");
        Schema schema = new Schema.Parser().parse("""
                {"type":"record","name":"Ping","namespace":"io.eddy.it.parity","fields":[{"name":"n","type":"int"}]}""");
        GenericRecord ping = new GenericData.Record(schema);
        ping.put("n", 7);
        try (AvroKafkaSerializer serializer = new AvroKafkaSerializer();
                AvroKafkaDeserializer deserializer = new AvroKafkaDeserializer()) {
            serializer.configure(props, false);
            deserializer.configure(props, false);
            byte[] bytes = serializer.serialize("parity-pings", new RecordHeaders(), ping);
            assertThat(((GenericRecord) deserializer.deserialize("parity-pings", new RecordHeaders(), bytes)).get("n")).isEqualTo(7);
            assertThat(deserializer.deserialize("parity-names", serializer.serialize("parity-names", "ann"))).isEqualTo("ann");
        }
    }
}
