package io.eddy.serde.jsonschema.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.json.internal.JacksonSupport;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SchemaType;
import io.eddy.serde.registry.internal.RegistrySerdeSupport;
import io.eddy.serde.registry.internal.RegistrySerdeSupport.Frame;
import io.eddy.serde.registry.internal.RegistrySerdeSupport.WriterId;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.header.Headers;

/**
 * The JSON Schema serde with a Confluent-compatible registry, framed as Confluent's
 * {@code KafkaJsonSchemaSerializer} frames data: the schema id (5-byte prefix, or a header), then
 * the value as UTF-8 JSON text.
 *
 * <p><b>Writing</b> turns the value into a Jackson tree, validates the tree against the writer
 * schema (the serde's own, or the registry's for the latest version or a fixed id) with networknt's
 * validator, and refuses a value that does not match with a {@link SerdeException} naming the
 * topic, the subject, the schema and each violation with its JSON path ({@code $.amount: must have
 * a minimum value of 0}); only then does it register or look up the schema
 * ({@link RegistrySerdeSupport}) and write {@code prefix + JSON}.
 *
 * <p><b>Reading</b> checks once per id that the writer schema exists and is a JSON schema, then
 * maps the JSON text into the reader's type with Jackson; it does not validate (the writer did).
 *
 * <p>Thread-safe: Jackson's readers and writers and networknt's schemas are.
 *
 * @param <T> the type of values
 */
public final class RegistryJsonSchemaSerde<T> implements Serde<T> {

    private static final int CACHE_SIZE = 1000;
    private static final SpecVersion.VersionFlag DEFAULT_DRAFT = SpecVersion.VersionFlag.V7;
    private static final Map<SpecVersion.VersionFlag, JsonSchemaFactory> FACTORIES = new EnumMap<>(SpecVersion.VersionFlag.class);

    private final RegistrySerdeSupport registry;
    private final ObjectMapper mapper;
    private final ObjectReader reader;
    private final String typeName;
    private final String schemaText;
    private final JsonSchema ownSchema;
    private final String schemaName;
    private final Cache<Integer, JsonSchema> registrySchemas = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();

    /**
     * Creates a serde.
     *
     * @param type the Java type values are read into (a POJO, a record, or {@link JsonNode})
     * @param schema the JSON Schema text values are written with
     * @param mapper the Jackson mapper; not reconfigured afterwards
     * @throws IllegalArgumentException if the schema is not valid JSON or not a usable JSON Schema
     */
    public RegistryJsonSchemaSerde(Class<T> type, String schema, SchemaRegistryClient client, RegistrySerdeOptions options,
            boolean isKey, ObjectMapper mapper) {
        Objects.requireNonNull(type, "type");
        this.schemaText = Objects.requireNonNull(schema, "schema");
        this.registry = new RegistrySerdeSupport(client, options, isKey, SchemaType.JSON);
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.reader = mapper.readerFor(type);
        this.typeName = type.getName();
        JsonNode schemaNode;
        try {
            schemaNode = mapper.readTree(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the JSON schema for " + typeName + " is not JSON" + JacksonSupport.where(e)
                    + ": " + e.getOriginalMessage(), e);
        }
        this.ownSchema = parse(schemaNode, "the JSON schema for " + typeName);
        JsonNode title = schemaNode.get("title");
        this.schemaName = title != null && title.isTextual() ? title.asText() : null;
    }

    /** Parses a JSON Schema, of the draft its {@code $schema} names (draft 7 when absent, as Confluent). */
    static JsonSchema parse(JsonNode schema, String what) {
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new IllegalArgumentException(what + " must be a JSON object (or boolean), got " + schema.getNodeType());
        }
        SpecVersion.VersionFlag draft;
        try {
            draft = SpecVersionDetector.detectOptionalVersion(schema, false).orElse(DEFAULT_DRAFT);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " names an unknown $schema: " + e.getMessage(), e);
        }
        try {
            JsonSchema parsed = factory(draft).getSchema(schema);
            parsed.initializeValidators();   // unknown keywords and bad $refs fail here, not at the first record
            return parsed;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " is not a valid JSON Schema: " + e.getMessage(), e);
        }
    }

    private static synchronized JsonSchemaFactory factory(SpecVersion.VersionFlag draft) {
        return FACTORIES.computeIfAbsent(draft, JsonSchemaFactory::getInstance);
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value != null) {
            registry.requireHeadersIfNeeded(null, "JSON Schema serde");
        }
        return serialize(topic, null, value);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T value) {
        if (value == null) {
            return null;
        }
        registry.requireHeadersIfNeeded(headers, "JSON Schema serde");
        JsonNode tree;
        try {
            tree = value instanceof JsonNode node ? node : mapper.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new SerdeException("cannot write a " + typeName + " as JSON for topic " + topic + ": " + e.getMessage(), e);
        }
        WriterId writer = registry.writerId(topic, schemaText, schemaName,
                () -> new SchemaDefinition(SchemaType.JSON, schemaText, List.of()));
        JsonSchema schema = writer.registered() == null ? ownSchema : registrySchema(writer);
        Set<ValidationMessage> violations = schema.validate(tree);
        if (!violations.isEmpty()) {
            String subject = registry.options().fixedSchemaId().isPresent() ? "schema id " + writer.id()
                    : "subject '" + registry.subject(topic, schemaName) + "'";
            StringBuilder why = new StringBuilder();
            violations.stream().map(ValidationMessage::getMessage).sorted().limit(10)
                    .forEach(m -> why.append(why.length() == 0 ? "" : "; ").append(m));
            throw new SerdeException("a " + typeName + " " + registry.side() + " for topic " + topic + " does not match the JSON schema "
                    + (schemaName != null ? "'" + schemaName + "' " : "") + "of " + subject + " (id " + writer.id() + "): "
                    + violations.size() + " violation" + (violations.size() == 1 ? "" : "s") + ": " + why);
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new SerdeException("cannot write a " + typeName + " as JSON for topic " + topic + ": " + e.getOriginalMessage(), e);
        }
        int prefix = registry.prefixLength();
        byte[] out = new byte[prefix + json.length];
        registry.putPrefix(out, writer);
        System.arraycopy(json, 0, out, prefix, json.length);
        if (headers != null) {
            registry.writeHeader(headers, writer);
        }
        return out;
    }

    private JsonSchema registrySchema(WriterId writer) {
        JsonSchema schema = registrySchemas.getIfPresent(writer.id());
        if (schema == null) {
            String what = "the registry's JSON schema id " + writer.id();
            try {
                schema = parse(mapper.readTree(writer.registered().schema()), what);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new SerdeException("cannot use " + what + ": " + e.getMessage(), e);
            }
            registrySchemas.put(writer.id(), schema);
        }
        return schema;
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        return deserialize(topic, null, bytes);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        Frame frame = registry.readCheckedFrame(topic, headers, bytes);
        String what = "a " + typeName + " from " + bytes.length + " bytes of topic " + topic + " with " + frame.ref().describe();
        try {
            T value = reader.readValue(bytes, frame.offset(), bytes.length - frame.offset());
            if (value == null || value instanceof JsonNode node && node.isMissingNode()) {
                throw new SerdeException("cannot read " + what + ": no JSON value after the framing");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new SerdeException("cannot read " + what + JacksonSupport.where(e) + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SerdeException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JsonSchemaSerde{" + typeName + " " + registry.side() + (schemaName != null ? ", schema '" + schemaName + "'" : "")
                + ", " + registry.options() + "}";
    }
}
