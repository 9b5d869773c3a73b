package io.eddy.serde.jsonschema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.registry.InMemorySchemaRegistryClient;
import io.eddy.serde.registry.RegisteredSchema;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaType;
import io.eddy.serde.registry.SubjectNameStrategy;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schema serde's framing by byte vectors, validation on write, typed reading into
 * records and POJOs, and its refusals.
 */
class JsonSchemaSerdesTest {

    static final String ORDER_SCHEMA = """
            {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
             "properties": {"id": {"type": "string"}, "amount": {"type": "integer", "minimum": 0},
                            "tags": {"type": "array", "items": {"type": "string"}}},
             "required": ["id", "amount"]}""";

    record Order(String id, long amount, List<String> tags) { }

    /** A POJO with a no-argument constructor and setters, as Jackson reads classic beans. */
    public static final class OrderBean {
        private String id;
        private long amount;

        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public long getAmount() {
            return amount;
        }

        public void setAmount(long amount) {
            this.amount = amount;
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void framingIsTheMagicByteTheIdThenTheJsonText() {
        registry.register("seed", SchemaDefinition.avro("\"string\""));    // id 1: the order schema gets id 2
        Serde<Order> serde = JsonSchemaSerdes.of(Order.class, ORDER_SCHEMA, registry);

        byte[] bytes = serde.serialize("orders", new Order("a", 1, List.of()));

        String json = "{\"id\":\"a\",\"amount\":1,\"tags\":[]}";
        assertThat(HEX.formatHex(bytes)).isEqualTo("00" + "00000002" + HEX.formatHex(json.getBytes(StandardCharsets.UTF_8)));
        RegisteredSchema registered = registry.latest("orders-value");
        assertThat(registered.definition()).isEqualTo(new SchemaDefinition(SchemaType.JSON, ORDER_SCHEMA, List.of()));
        assertThat(serde.deserialize("orders", bytes)).isEqualTo(new Order("a", 1, List.of()));
    }

    @Test
    void headerModeWritesBareJsonAndTheIdInTheKeyHeader() {
        Serde<Order> keys = JsonSchemaSerdes.ofKey(Order.class, ORDER_SCHEMA, registry,
                RegistrySerdeOptions.defaults().withWriteIdInHeaders(true));
        RecordHeaders headers = new RecordHeaders();

        byte[] bytes = keys.serialize("orders", headers, new Order("k", 0, List.of("t")));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"k\",\"amount\":0,\"tags\":[\"t\"]}");
        assertThat(HEX.formatHex(headers.lastHeader("__key_schema_id").value())).isEqualTo("00" + "00000001");
        assertThat(registry.subjects()).containsExactly("orders-key");
        assertThat(keys.deserialize("orders", headers, bytes)).isEqualTo(new Order("k", 0, List.of("t")));
    }

    @Test
    void aValueThatBreaksTheSchemaIsRefusedOnWriteNamingSubjectAndField() {
        Serde<Order> serde = JsonSchemaSerdes.of(Order.class, ORDER_SCHEMA, registry);

        assertThatThrownBy(() -> serde.serialize("orders", new Order("a", -5, List.of())))
                .isInstanceOfSatisfying(SerdeException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageContaining("for topic orders does not match the JSON schema 'Order' of subject 'orders-value'")
                .hasMessageContaining("$.amount: must have a minimum value of 0");
        Serde<JsonNode> trees = JsonSchemaSerdes.tree(ORDER_SCHEMA, registry, RegistrySerdeOptions.defaults());
        assertThatThrownBy(() -> trees.serialize("orders", new ObjectMapper().readTree("{\"id\": 7}")))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("2 violations")
                .hasMessageContaining("$.id: integer found, string expected")
                .hasMessageContaining("$: required property 'amount' not found");
    }

    @Test
    void readsIntoRecordsPojosAndTrees() {
        byte[] bytes = JsonSchemaSerdes.of(Order.class, ORDER_SCHEMA, registry)
                .serialize("orders", new Order("a", 3, List.of("x")));

        OrderBean bean = JsonSchemaSerdes.of(OrderBean.class, ORDER_SCHEMA, registry).deserialize("orders", bytes);
        assertThat(bean.getId()).isEqualTo("a");
        assertThat(bean.getAmount()).isEqualTo(3);
        JsonNode tree = JsonSchemaSerdes.tree(ORDER_SCHEMA, registry, RegistrySerdeOptions.defaults()).deserialize("orders", bytes);
        assertThat(tree.get("tags").get(0).asText()).isEqualTo("x");
    }

    @Test
    void latestVersionValidatesAgainstTheRegistrysSchema() {
        String strict = ORDER_SCHEMA.replace("\"minimum\": 0", "\"minimum\": 10");
        registry.register("orders-value", new SchemaDefinition(SchemaType.JSON, strict, List.of()));
        Serde<Order> latest = JsonSchemaSerdes.of(Order.class, ORDER_SCHEMA, registry,
                RegistrySerdeOptions.defaults().withUseLatestVersion(true));

        assertThatThrownBy(() -> latest.serialize("orders", new Order("a", 5, List.of())))
                .isInstanceOf(SerdeException.class).hasMessageContaining("$.amount: must have a minimum value of 10");
        assertThat(latest.serialize("orders", new Order("a", 10, List.of()))).startsWith(0, 0, 0, 0, 1);
    }

    @Test
    void theTitleNamesTheSubjectUnderTheRecordNameStrategy() {
        JsonSchemaSerdes.of(Order.class, ORDER_SCHEMA, registry,
                RegistrySerdeOptions.defaults().withSubjectNameStrategy(SubjectNameStrategy.TOPIC_RECORD_NAME))
                .serialize("orders", new Order("a", 1, List.of()));
        assertThat(registry.subjects()).containsExactly("orders-Order");
    }

    @Test
    void badSchemasFailAtCreationAndBadBytesAtReading() {
        assertThatThrownBy(() -> JsonSchemaSerdes.of(Order.class, "{\"type\": ", registry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the JSON schema for").hasMessageContaining("is not JSON");
        assertThatThrownBy(() -> JsonSchemaSerdes.of(Order.class, "[1]", registry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a JSON object");

        Serde<Order> serde = JsonSchemaSerdes.of(Order.class, ORDER_SCHEMA, registry);
        byte[] good = serde.serialize("orders", new Order("a", 1, List.of()));
        byte[] notJson = java.util.Arrays.copyOf(good, 8);
        assertThatThrownBy(() -> serde.deserialize("orders", notJson))
                .isInstanceOf(SerdeException.class).hasMessageContaining("from 8 bytes of topic orders with schema id 1");
        assertThatThrownBy(() -> serde.deserialize("orders", "{\"id\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerdeException.class).hasMessageContaining("unknown magic byte 0x7b");
        int avroId = registry.register("x", SchemaDefinition.avro("\"string\""));
        byte[] avro = HEX.parseHex("00" + String.format("%08x", avroId) + "00");
        assertThatThrownBy(() -> serde.deserialize("orders", avro))
                .isInstanceOf(SerdeException.class).hasMessageContaining("is a AVRO schema; this serde reads and writes JSON");
    }
}
