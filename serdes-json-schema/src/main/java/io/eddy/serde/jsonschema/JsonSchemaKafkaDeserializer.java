package io.eddy.serde.jsonschema;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.serde.Serde;
import io.eddy.serde.json.internal.JacksonSupport;
import io.eddy.serde.jsonschema.internal.RegistryJsonSchemaSerde;
import io.eddy.serde.kafka.RegistryKafkaDeserializer;
import io.eddy.serde.kafka.RegistrySerdeConfig;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Eddy's JSON Schema serde as a Kafka {@code Deserializer} configured by properties, as Confluent's
 * {@code KafkaJsonSchemaDeserializer}: the registry properties
 * ({@link io.eddy.serde.kafka.RegistrySerdeConfig}) and the class to read into, Confluent's
 * {@value #VALUE_TYPE} (or {@value #KEY_TYPE} for keys), as a class name or a {@code Class};
 * without it, values are Jackson trees ({@link JsonNode}). Reads the schema-id header first, then
 * the 5-byte prefix.
 *
 * <p>{@link #configure} creates a registry client that {@link #close()} closes. Thread-safe after
 * {@code configure}; {@code deserialize} before it throws {@link IllegalStateException}.
 */
public class JsonSchemaKafkaDeserializer extends RegistryKafkaDeserializer<Object> {

    /** Confluent's property naming the class of values. */
    public static final String VALUE_TYPE = "json.value.type";
    /** Confluent's property naming the class of keys. */
    public static final String KEY_TYPE = "json.key.type";

    /** Creates an unconfigured deserializer; Kafka then calls {@link #configure}. */
    public JsonSchemaKafkaDeserializer() {
    }

    /**
     * Loads the class named by {@value #VALUE_TYPE} or {@value #KEY_TYPE}, if any.
     *
     * @throws ConfigException if the class does not exist
     */
    @Override
    protected Serde<Object> createSerde(SchemaRegistryClient client, RegistrySerdeConfig config, Map<String, ?> configs) {
        @SuppressWarnings("unchecked")
        Class<Object> type = (Class<Object>) type(configs, config.isKey());
        // reading needs no schema of its own: the empty schema stands in for the writer side it never uses
        return new RegistryJsonSchemaSerde<>(type, "{}", client, config.registryOptions(), config.isKey(),
                JacksonSupport.newDefaultMapper());
    }

    private static Class<?> type(Map<String, ?> configs, boolean isKey) {
        String key = isKey ? KEY_TYPE : VALUE_TYPE;
        Object value = configs.get(key);
        if (value == null) {
            return JsonNode.class;
        }
        if (value instanceof Class<?> c) {
            return c;
        }
        try {
            return Class.forName(value.toString().strip(), true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException(key, value, "class not found");
        }
    }
}
