package io.eddy.serde.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.registry.FakeRegistry;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Avro primitives as Confluent's {@code KafkaAvroSerializer} writes them: the primitive schema
 * registered under the subject, the 5-byte prefix (magic 0x00, big-endian id), then the Avro
 * binary encoding of the value (Avro 1.12 specification: int and long as zig-zag varints, float
 * and double as little-endian IEEE 754, boolean as one byte, string as a zig-zag length and
 * UTF-8), except {@code bytes}, which Confluent writes raw, with no length. Vectors derived by
 * hand; every primitive's schema is registered with id 7.
 */
class AvroPrimitiveVectorsTest {

    private final FakeRegistry server = FakeRegistry.start();
    private final SchemaRegistryClient client =
            SchemaRegistryClient.create(SchemaRegistry.builder().url(server.url()).build());

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    private static byte[] framed(int... data) {
        byte[] out = new byte[5 + data.length];
        out[4] = 7;
        for (int i = 0; i < data.length; i++) {
            out[5 + i] = (byte) data[i];
        }
        return out;
    }

    /** Checks one vector with a client of its own (every schema here has id 7), on a topic per schema. */
    private <T> void vector(Class<T> type, String schema, T value, byte[] expected) {
        String topic = "v-" + schema.replace("\"", "");
        server.registerDirect(topic + "-value", schema, 7, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        try (SchemaRegistryClient own = SchemaRegistryClient.create(SchemaRegistry.builder().url(server.url()).build())) {
            Serde<T> serde = AvroSerdes.primitive(type, own);
            assertThat(serde.serialize(topic, value)).as("%s %s", schema, value).containsExactly(expected);
            T back = serde.deserialize(topic, expected);
            assertThat(back).isEqualTo(value);
        }
    }

    @Test
    void string() {
        vector(String.class, "\"string\"", "hi", framed(0x04, 0x68, 0x69));       // length 2 -> zig-zag 4
        vector(String.class, "\"string\"", "", framed(0x00));
        vector(String.class, "\"string\"", "é", framed(0x04, 0xC3, 0xA9));        // 2 UTF-8 bytes
        assertThat(AvroSerdes.primitive(String.class, client).deserialize("v-string", framed(0x04, 0x68, 0x69)))
                .as("a string reads as java.lang.String, not Utf8").isExactlyInstanceOf(String.class);
    }

    @Test
    void longsAndInts() {
        vector(Long.class, "\"long\"", 1L, framed(0x02));
        vector(Long.class, "\"long\"", -1L, framed(0x01));
        vector(Long.class, "\"long\"", 300L, framed(0xD8, 0x04));
        vector(Long.class, "\"long\"", Long.MIN_VALUE, framed(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));
        vector(Integer.class, "\"int\"", 42, framed(0x54));
        vector(Integer.class, "\"int\"", -64, framed(0x7F));
        vector(Integer.class, "\"int\"", 64, framed(0x80, 0x01));
    }

    @Test
    void floatingPoint() {
        vector(Double.class, "\"double\"", 1.5, framed(0, 0, 0, 0, 0, 0, 0xF8, 0x3F));   // 0x3FF8000000000000, little-endian
        vector(Float.class, "\"float\"", 1.5f, framed(0, 0, 0xC0, 0x3F));                 // 0x3FC00000, little-endian
    }

    @Test
    void booleans() {
        vector(Boolean.class, "\"boolean\"", true, framed(0x01));
        vector(Boolean.class, "\"boolean\"", false, framed(0x00));
    }

    @Test
    void bytesAreWrittenRawWithoutALength() {
        server.registerDirect("p-value", "\"bytes\"", 7, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        Serde<byte[]> serde = AvroSerdes.primitive(byte[].class, client);
        byte[] expected = framed(0x01, 0x02, 0x03);
        assertThat(serde.serialize("p", new byte[] {1, 2, 3})).containsExactly(expected);
        assertThat(serde.deserialize("p", expected)).containsExactly(1, 2, 3);
        assertThat(serde.serialize("p", new byte[0])).containsExactly(framed());
        assertThat(serde.deserialize("p", framed())).isEmpty();
    }

    @Test
    void theNullSchemaHasNoData() {
        server.registerDirect("p-value", "\"null\"", 7, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        Serde<Void> serde = AvroSerdes.primitive(Void.class, client);
        assertThat(serde.serialize("p", null)).isNull();
        assertThat(serde.deserialize("p", framed())).isNull();
    }

    @Test
    void autoRegisterRegistersThePrimitiveSchema() {
        Serde<String> serde = AvroSerdes.primitive(String.class, client);
        byte[] bytes = serde.serialize("names", "ann");
        assertThat(client.latest("names-value").definition().schema()).isEqualTo("\"string\"");
        assertThat(serde.deserialize("names", bytes)).isEqualTo("ann");
        Serde<Long> keys = AvroSerdes.primitiveKey(long.class, client);
        keys.serialize("names", 5L);
        assertThat(client.latest("names-key").definition().schema()).isEqualTo("\"long\"");
    }

    @Test
    void aLongSerdeReadsIntsByPromotion() {
        server.registerDirect("p-value", "\"int\"", 7, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        assertThat(AvroSerdes.primitive(Long.class, client).deserialize("p", framed(0x54))).isEqualTo(42L);
    }

    @Test
    void headerModeWritesTheBareEncoding() {
        server.registerDirect("p-value", "\"string\"", 7, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        Serde<String> serde = AvroSerdes.primitive(String.class, client, AvroSerdeOptions.defaults().withWriteIdInHeaders(true));
        RecordHeaders headers = new RecordHeaders();
        assertThat(serde.serialize("p", headers, "hi")).containsExactly(0x04, 0x68, 0x69);
        assertThat(serde.deserialize("p", headers, new byte[] {0x04, 0x68, 0x69})).isEqualTo("hi");
    }

    @Test
    void aWriterSchemaThatIsNotThePrimitiveIsRefusedByName() {
        server.registerDirect("p-value", "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}",
                7, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        assertThatThrownBy(() -> AvroSerdes.primitive(String.class, client).deserialize("p", framed(0x02)))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("cannot be read as the reader schema string")
                .hasMessageNotContaining("truncated");
        assertThatThrownBy(() -> AvroSerdes.primitive(byte[].class, client).deserialize("p", framed(0x02)))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("reads only the bytes schema");
    }

    @Test
    void unsupportedTypesAndWrongValuesAreRefused() {
        assertThatThrownBy(() -> AvroSerdes.primitive(java.math.BigDecimal.class, client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BigDecimal");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Serde<Object> raw = (Serde) AvroSerdes.primitive(String.class, client);
        assertThatThrownBy(() -> raw.serialize("p", 5))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("needs a String");
    }
}
