package io.eddy.serde.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.serde.Serde;
import io.eddy.serde.avro.AvroSerdeOptions;
import io.eddy.serde.avro.AvroSerdes;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Normalized registration and lookup, and references to "the latest version" (-1). */
class NormalizeAndLatestReferencesTest {

    /** The same schema as {@link #COMPACT}, with other whitespace and attribute order. */
    static final String SPACED = """
            {
              "namespace" : "t",  "name" : "User", "type" : "record",
              "fields" : [ { "type" : "string", "name" : "name" } ]
            }""";
    static final String COMPACT = new Schema.Parser().parse(SPACED).toString();

    private final FakeRegistry server = FakeRegistry.start();
    private final SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistry.builder().url(server.url()).build());

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    @Test
    void normalizeSendsTheRegistrysFlagOnRegisterAndLookup() {
        client.register("a-value", SchemaDefinition.avro(COMPACT), true);
        client.lookup("a-value", SchemaDefinition.avro(COMPACT), true);
        client.register("b-value", SchemaDefinition.avro(COMPACT));
        assertThat(server.requests()).containsSubsequence(
                "POST /subjects/a-value/versions?normalize=true", "POST /subjects/a-value?normalize=true",
                "POST /subjects/b-value/versions");
        assertThat(server.requests()).doesNotContain("POST /subjects/b-value/versions?normalize=true");
    }

    @Test
    void aSerdeWithNormalizeFindsASchemaRegisteredWithOtherWhitespace() {
        int id = server.registerDirect("users-value", SPACED);
        GenericRecord user = new GenericData.Record(new Schema.Parser().parse(SPACED));
        user.put("name", "ann");

        Serde<GenericRecord> lookingUp = AvroSerdes.generic(client,
                AvroSerdeOptions.defaults().withAutoRegister(false).withNormalizeSchemas(true));
        byte[] bytes = lookingUp.serialize("users", user);
        assertThat(bytes[4]).isEqualTo((byte) id);

        Serde<GenericRecord> registering = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withNormalizeSchemas(true));
        registering.serialize("users", user);
        assertThat(client.versions("users-value")).as("found, not registered again").containsExactly(1);
    }

    @Test
    void aReferenceToVersionMinusOneIsRegisteredWithTheCurrentVersion() {
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"t\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        String address2 = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"t\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"},"
                + "{\"name\":\"zip\",\"type\":\"string\",\"default\":\"\"}]}";
        client.register("address", address);
        client.register("address", address2);
        String customer = "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"t\",\"fields\":[{\"name\":\"home\",\"type\":\"t.Address\"}]}";

        client.register("customers-value", SchemaDefinition.avro(customer, List.of(new SchemaReference("t.Address", "address", -1))));

        List<SchemaReference> stored = client.latest("customers-value").definition().references();
        assertThat(stored).containsExactly(new SchemaReference("t.Address", "address", 2));
        assertThat(server.requests()).contains("GET /subjects/address/versions/latest");
    }

    @Test
    void aSerdeWithAReferenceToTheLatestVersionWritesAndReads() {
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"t\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        client.register("address", address);
        Schema addressSchema = new Schema.Parser().parse(address);
        Schema customerSchema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"t\","
                + "\"fields\":[{\"name\":\"home\",\"type\":" + address + "}]}");
        GenericRecord home = new GenericData.Record(addressSchema);
        home.put("city", "Lyon");
        GenericRecord customer = new GenericData.Record(customerSchema);
        customer.put("home", home);

        Serde<GenericRecord> serde = AvroSerdes.generic(client, AvroSerdeOptions.defaults()
                .withReferences(List.of(new SchemaReference("t.Address", "address", -1))));
        byte[] bytes = serde.serialize("customers", customer);

        assertThat(client.latest("customers-value").definition().references())
                .containsExactly(new SchemaReference("t.Address", "address", 1));
        try (SchemaRegistryClient other = SchemaRegistryClient.create(SchemaRegistry.builder().url(server.url()).build())) {
            GenericRecord back = AvroSerdes.generic(other).deserialize("customers", bytes);
            assertThat(((GenericRecord) back.get("home")).get("city").toString()).isEqualTo("Lyon");
        }
    }
}
