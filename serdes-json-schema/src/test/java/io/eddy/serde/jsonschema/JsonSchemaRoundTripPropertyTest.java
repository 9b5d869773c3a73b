package io.eddy.serde.jsonschema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.registry.InMemorySchemaRegistryClient;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Round trips through the JSON Schema serde: records with strings of any code point, longs,
 * doubles, optional and nested values, lists and maps read back equal, in prefix and header mode;
 * every value that breaks the schema (a negative amount, a missing id) is refused on write and
 * never reaches the bytes.
 */
class JsonSchemaRoundTripPropertyTest {

    static final String SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Reading", "type": "object",
             "properties": {
               "id": {"type": "string"},
               "amount": {"type": "integer", "minimum": 0},
               "ratio": {"type": "number"},
               "note": {"type": ["string", "null"]},
               "point": {"type": ["object", "null"], "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}},
               "labels": {"type": "array", "items": {"type": "string"}},
               "counts": {"type": "object", "additionalProperties": {"type": "integer"}}},
             "required": ["id", "amount"]}""";

    record Point(int x, int y) { }

    record Reading(String id, long amount, double ratio, String note, Point point, List<String> labels,
                   Map<String, Long> counts) { }

    private final SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final Serde<Reading> prefixed = JsonSchemaSerdes.of(Reading.class, SCHEMA, registry);
    private final Serde<Reading> inHeaders = JsonSchemaSerdes.of(Reading.class, SCHEMA, registry,
            RegistrySerdeOptions.defaults().withWriteIdInHeaders(true));
    private final Serde<JsonNode> trees = JsonSchemaSerdes.tree(SCHEMA, registry, RegistrySerdeOptions.defaults());

    @Property(tries = 300)
    void validRecordsRoundTripInBothModes(@ForAll("readings") Reading reading) {
        byte[] bytes = prefixed.serialize("r", reading);
        assertThat(bytes[0]).isZero();
        assertThat(prefixed.deserialize("r", bytes)).isEqualTo(reading);

        RecordHeaders headers = new RecordHeaders();
        byte[] bare = inHeaders.serialize("r", headers, reading);
        assertThat(bare).isEqualTo(java.util.Arrays.copyOfRange(bytes, 5, bytes.length));
        assertThat(ByteBuffer.wrap(headers.lastHeader("__value_schema_id").value(), 1, 4).getInt())
                .isEqualTo(ByteBuffer.wrap(bytes, 1, 4).getInt());
        assertThat(inHeaders.deserialize("r", headers, bare)).isEqualTo(reading);
        JsonNode tree = trees.deserialize("r", bytes);
        assertThat(tree.get("id").asText()).isEqualTo(reading.id());
        assertThat(trees.serialize("r", tree)).isEqualTo(bytes);
    }

    @Property(tries = 200)
    void invalidValuesAreRefusedOnWrite(@ForAll("readings") Reading reading, @ForAll("breakage") int breakage) {
        ObjectNode tree = new ObjectMapper().findAndRegisterModules().valueToTree(reading);
        String expected = switch (breakage) {
            case 0 -> { tree.put("amount", -1 - Math.abs(reading.amount() % 1000)); yield "$.amount: must have a minimum value of 0"; }
            case 1 -> { tree.remove("id"); yield "required property 'id' not found"; }
            case 2 -> { tree.set("labels", JsonNodeFactory.instance.arrayNode().add(1)); yield "$.labels[0]: integer found, string expected"; }
            default -> { tree.put("note", 3.5); yield "$.note: number found, [string, null] expected"; }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trees.serialize("r", tree))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("subject 'r-value'")
                .hasMessageContaining(expected);
    }

    @Provide
    Arbitrary<Integer> breakage() {
        return Arbitraries.integers().between(0, 3);
    }

    @Provide
    Arbitrary<Reading> readings() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(10);
        Arbitrary<Double> ratio = Arbitraries.doubles().between(-1e12, 1e12);
        Arbitrary<Point> point = Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(Point::new);
        return Combinators.combine(text, Arbitraries.longs().greaterOrEqual(0), ratio, text.injectNull(0.3),
                        point.injectNull(0.3), text.list().ofMaxSize(3), Arbitraries.maps(text, Arbitraries.longs()).ofMaxSize(3))
                .as(Reading::new);
    }

}
