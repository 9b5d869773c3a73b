package io.eddy.serde.jsonschema;

import io.eddy.serde.Serde;
import io.eddy.serde.json.internal.JacksonSupport;
import io.eddy.serde.jsonschema.internal.RegistryJsonSchemaSerde;
import io.eddy.serde.kafka.RegistryKafkaSerializer;
import io.eddy.serde.kafka.RegistrySerdeConfig;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Eddy's JSON Schema serde as a Kafka {@code Serializer} configured by properties
 * ({@code value.serializer=io.eddy.serde.jsonschema.JsonSchemaKafkaSerializer}): the registry
 * properties of Confluent's {@code KafkaJsonSchemaSerializer}
 * ({@link io.eddy.serde.kafka.RegistrySerdeConfig}) and the JSON Schema to validate against and
 * register, {@value #SCHEMA} (Eddy's own: Confluent derives the schema from the class, which Eddy
 * does not). Takes any value Jackson can write (records, POJOs, maps, trees).
 *
 * <p>{@link #configure} creates a registry client that {@link #close()} closes. Thread-safe after
 * {@code configure}; {@code serialize} before it throws {@link IllegalStateException}.
 */
public class JsonSchemaKafkaSerializer extends RegistryKafkaSerializer<Object> {

    /** The JSON Schema text values are validated against and registered with; required. */
    public static final String SCHEMA = "eddy.json.schema";

    /** Creates an unconfigured serializer; Kafka then calls {@link #configure}. */
    public JsonSchemaKafkaSerializer() {
    }

    /**
     * Parses the schema in {@value #SCHEMA}.
     *
     * @throws ConfigException if it is missing or not a valid JSON Schema
     */
    @Override
    protected Serde<Object> createSerde(SchemaRegistryClient client, RegistrySerdeConfig config, Map<String, ?> configs) {
        Object schema = configs.get(SCHEMA);
        if (schema == null) {
            throw new ConfigException(SCHEMA, null, "the JSON Schema to write with is required");
        }
        try {
            return new RegistryJsonSchemaSerde<>(Object.class, schema.toString(), client, config.registryOptions(),
                    config.isKey(), JacksonSupport.newDefaultMapper());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA, "(schema text)", e.getMessage());
        }
    }
}
