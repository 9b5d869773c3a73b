package io.eddy.serde.jsonschema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.serde.Serde;
import io.eddy.serde.json.internal.JacksonSupport;
import io.eddy.serde.jsonschema.internal.RegistryJsonSchemaSerde;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Objects;

/**
 * JSON Schema serdes that speak Confluent's wire format and schema registry protocol, as its
 * {@code KafkaJsonSchemaSerializer} and {@code KafkaJsonSchemaDeserializer} do: the schema id (a
 * 5-byte prefix, or the {@code __key_schema_id} / {@code __value_schema_id} header), then the value
 * as UTF-8 JSON text. Values are POJOs or Java records mapped by Jackson, or Jackson trees.
 *
 * <pre>{@code
 * record Order(String id, long amount) { }
 * String schema = """
 *     {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
 *      "properties": {"id": {"type": "string"}, "amount": {"type": "integer", "minimum": 0}},
 *      "required": ["id", "amount"]}""";
 * Serde<Order> orders = JsonSchemaSerdes.of(Order.class, schema, registry);
 * }</pre>
 *
 * <p><b>Writing validates</b> every value against the writer schema (the one given here, or the
 * registry's with {@linkplain RegistrySerdeOptions#withUseLatestVersion latest version} or a
 * {@linkplain RegistrySerdeOptions#withFixedSchemaId fixed id}) and refuses a value that does not
 * match with a non-retriable {@link io.eddy.serde.SerdeException} naming the topic, the subject and
 * each violation's JSON path; in a pipeline that record goes to the application's error policy.
 * The schema's draft is the one its {@code $schema} names (draft 4, 6, 7, 2019-09, 2020-12), draft
 * 7 when absent. The schema's {@code title} is its name for the record-name subject strategies.
 * References to schemas under other subjects ({@code $ref} to a registered schema) are not
 * supported.
 *
 * <p><b>Reading</b> checks that the record's schema id exists and is a JSON schema, then maps the
 * JSON into the type with Jackson (unknown properties ignored with the default mapper); it does
 * not validate again.
 *
 * <p>Serdes are thread-safe and share the client's caches; they never close the client. Null maps
 * to null both ways. An unreachable registry gives {@linkplain io.eddy.serde.SerdeException#retriable()
 * retriable} failures.
 */
public final class JsonSchemaSerdes {

    private static final ObjectMapper DEFAULT_MAPPER = JacksonSupport.newDefaultMapper();

    private JsonSchemaSerdes() {
    }

    /** POJOs or records, for values, with default options and Eddy's default mapper. */
    public static <T> Serde<T> of(Class<T> type, String schema, SchemaRegistryClient registry) {
        return of(type, schema, registry, RegistrySerdeOptions.defaults());
    }

    /**
     * POJOs or records, for values, with Eddy's default mapper (that of
     * {@link io.eddy.serde.json.JsonSerdes}).
     *
     * @param schema the JSON Schema text values are validated against and registered with
     * @throws IllegalArgumentException if the schema is not a valid JSON Schema or the options clash
     */
    public static <T> Serde<T> of(Class<T> type, String schema, SchemaRegistryClient registry, RegistrySerdeOptions options) {
        return create(type, schema, registry, options, false, DEFAULT_MAPPER);
    }

    /**
     * POJOs or records, for values, with a caller's Jackson mapper (not to be reconfigured
     * afterwards).
     */
    public static <T> Serde<T> of(Class<T> type, String schema, SchemaRegistryClient registry, RegistrySerdeOptions options,
            ObjectMapper mapper) {
        return create(type, schema, registry, options, false, mapper);
    }

    /** POJOs or records, for keys. See {@link #of(Class, String, SchemaRegistryClient, RegistrySerdeOptions)}. */
    public static <T> Serde<T> ofKey(Class<T> type, String schema, SchemaRegistryClient registry, RegistrySerdeOptions options) {
        return create(type, schema, registry, options, true, DEFAULT_MAPPER);
    }

    /** Any JSON value as a Jackson tree, for values, validated against {@code schema} on write. */
    public static Serde<JsonNode> tree(String schema, SchemaRegistryClient registry, RegistrySerdeOptions options) {
        return create(JsonNode.class, schema, registry, options, false, DEFAULT_MAPPER);
    }

    /** Any JSON value as a Jackson tree, for keys. */
    public static Serde<JsonNode> treeKey(String schema, SchemaRegistryClient registry, RegistrySerdeOptions options) {
        return create(JsonNode.class, schema, registry, options, true, DEFAULT_MAPPER);
    }

    private static <T> Serde<T> create(Class<T> type, String schema, SchemaRegistryClient registry,
            RegistrySerdeOptions options, boolean isKey, ObjectMapper mapper) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options").validate();
        Objects.requireNonNull(mapper, "mapper");
        return new RegistryJsonSchemaSerde<>(type, schema, registry, options, isKey, mapper);
    }
}
