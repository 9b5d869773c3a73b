package io.eddy.serde.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.serde.Serde;
import io.eddy.serde.registry.FakeRegistry;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fixed byte vectors derived by hand from Confluent's wire-format documentation (magic byte 0x00,
 * 4-byte big-endian schema id, then the Avro binary encoding) and the Avro 1.12 specification
 * (ints and longs as zig-zag varints, strings as a zig-zag varint length and UTF-8 bytes, a
 * union as the zig-zag varint branch index then the value, records as their fields in order).
 */
class AvroWireFormatVectorsTest {

    static final String USER = """
            {"type":"record","name":"User","namespace":"t","fields":[
              {"name":"name","type":"string"},
              {"name":"age","type":"int"},
              {"name":"balance","type":"long"},
              {"name":"region","type":["null","string"]}]}""";

    private final FakeRegistry server = FakeRegistry.start();
    private final SchemaRegistryClient client =
            SchemaRegistryClient.create(SchemaRegistry.builder().url(server.url()).build());
    private final Schema schema = new Schema.Parser().parse(USER);

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    private GenericRecord user(String name, int age, long balance, String region) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("name", name);
        r.put("age", age);
        r.put("balance", balance);
        r.put("region", region);
        return r;
    }

    @Test
    void prefixFramingMatchesTheSpecification() {
        // Schema id 258 = 0x00000102.
        server.registerDirect("users-value", new Schema.Parser().parse(USER).toString(), 258,
                "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        Serde<GenericRecord> serde = AvroSerdes.generic(client);

        byte[] expected = {
            0x00,                         // magic byte
            0x00, 0x00, 0x01, 0x02,       // schema id 258, big-endian
            0x06, 0x41, 0x6E, 0x6E,       // name: length 3 -> zig-zag 6; "Ann" in UTF-8
            0x54,                         // age 42 -> zig-zag 84 = 0x54
            (byte) 0xD8, 0x04,            // balance 300 -> zig-zag 600 = 0b100_1011000 -> 0xD8 0x04
            0x00,                         // region: union branch 0 (null), no value bytes
        };
        assertThat(serde.serialize("users", user("Ann", 42, 300L, null))).containsExactly(expected);

        byte[] expected2 = {
            0x00, 0x00, 0x00, 0x01, 0x02,
            0x02, 0x42,                   // name "B": length 1 -> zig-zag 2
            0x01,                         // age -1 -> zig-zag 1
            0x03,                         // balance -2 -> zig-zag 3
            0x02, 0x04, 0x65, 0x75,       // region: branch 1 (string) -> 0x02; "eu": length 2 -> 0x04
        };
        assertThat(serde.serialize("users", user("B", -1, -2L, "eu"))).containsExactly(expected2);

        GenericRecord back = serde.deserialize("users", expected2);
        assertThat(back.get("name").toString()).isEqualTo("B");
        assertThat(back.get("age")).isEqualTo(-1);
        assertThat(back.get("balance")).isEqualTo(-2L);
        assertThat(back.get("region").toString()).isEqualTo("eu");
    }

    @Test
    void headerFramingCarriesTheGuidAndLeavesTheBareAvroBinary() {
        server.registerDirect("users-value", new Schema.Parser().parse(USER).toString(), 258,
                "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        Serde<GenericRecord> serde = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withWriteIdInHeaders(true));
        RecordHeaders headers = new RecordHeaders();

        byte[] value = serde.serialize("users", headers, user("Ann", 42, 300L, null));

        assertThat(value).containsExactly(0x06, 0x41, 0x6E, 0x6E, 0x54, 0xD8, 0x04, 0x00);
        Header header = headers.lastHeader("__value_schema_id");
        assertThat(header.value()).containsExactly(
                0x01,                                           // GUID framing
                0x3F, 0x25, 0x04, 0xE0, 0x4F, 0x89, 0x11, 0xD3, // most significant 8 bytes
                0x9A, 0x0C, 0x03, 0x05, 0xE8, 0x2C, 0x33, 0x01); // least significant 8 bytes
        assertThat(serde.deserialize("users", headers, value).get("age")).isEqualTo(42);
    }

    @Test
    void aHeaderWithAnIdIsReadToo() {
        server.registerDirect("users-value", new Schema.Parser().parse(USER).toString(), 7, "00000000-0000-0000-0000-000000000007");
        Serde<GenericRecord> serde = AvroSerdes.generic(client);
        RecordHeaders headers = new RecordHeaders();
        headers.add("__value_schema_id", new byte[] {0x00, 0x00, 0x00, 0x00, 0x07});
        byte[] bare = {0x02, 0x43, 0x02, 0x04, 0x00};  // "C", 1, 2, null
        GenericRecord back = serde.deserialize("users", headers, bare);
        assertThat(back.get("balance")).isEqualTo(2L);
    }

    @Test
    void theHeaderWinsOverAPrefixAndKeysUseTheKeyHeader() {
        server.registerDirect("users-key", new Schema.Parser().parse(USER).toString(), 7, "00000000-0000-0000-0000-000000000007");
        Serde<GenericRecord> keys = AvroSerdes.genericKey(client);
        RecordHeaders headers = new RecordHeaders();
        headers.add("__value_schema_id", new byte[] {0x00, 0x00, 0x00, 0x00, 0x63});  // not for keys
        headers.add("__key_schema_id", new byte[] {0x00, 0x00, 0x00, 0x00, 0x07});
        // Starts with 0x00 like a prefix, but the key header says the payload is bare.
        byte[] bare = {0x00, 0x02, 0x04, 0x00};  // "", 1, 2, null
        GenericRecord back = keys.deserialize("users", headers, bare);
        assertThat(back.get("name").toString()).isEmpty();
        assertThat(back.get("age")).isEqualTo(1);
    }
}
