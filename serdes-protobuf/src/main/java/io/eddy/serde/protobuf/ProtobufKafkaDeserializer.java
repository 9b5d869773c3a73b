package io.eddy.serde.protobuf;

import com.google.protobuf.Message;
import io.eddy.serde.Serde;
import io.eddy.serde.kafka.RegistryKafkaDeserializer;
import io.eddy.serde.kafka.RegistrySerdeConfig;
import io.eddy.serde.protobuf.internal.RegistryProtobufSerde;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Eddy's Protobuf serde as a Kafka {@code Deserializer} configured by properties, as Confluent's
 * {@code KafkaProtobufDeserializer} with a specific type: besides the registry properties
 * ({@link io.eddy.serde.kafka.RegistrySerdeConfig}) it needs the generated class to read into,
 * {@value #VALUE_TYPE} (or {@value #KEY_TYPE} for keys), as a class name or a {@code Class}. Reads
 * the schema-id header first, then the 5-byte prefix.
 *
 * <p>Without that property, configuring fails: this module does not parse the writer's
 * {@code .proto} text, so it cannot build messages of a type it was not given (use
 * {@link ProtobufSerdes#dynamic} with a descriptor for dynamic messages).
 *
 * <p>{@link #configure} creates a registry client that {@link #close()} closes. Thread-safe after
 * {@code configure}; {@code deserialize} before it throws {@link IllegalStateException}.
 */
public class ProtobufKafkaDeserializer extends RegistryKafkaDeserializer<Message> {

    /** Confluent's property naming the generated class of values. */
    public static final String VALUE_TYPE = "specific.protobuf.value.type";
    /** Confluent's property naming the generated class of keys. */
    public static final String KEY_TYPE = "specific.protobuf.key.type";

    /** Creates an unconfigured deserializer; Kafka then calls {@link #configure}. */
    public ProtobufKafkaDeserializer() {
    }

    /**
     * Loads the class named by {@value #VALUE_TYPE} or {@value #KEY_TYPE}.
     *
     * @throws ConfigException if it is missing, unknown or not a generated message class
     */
    @Override
    protected Serde<Message> createSerde(SchemaRegistryClient client, RegistrySerdeConfig config, Map<String, ?> configs) {
        Class<Message> type = messageClass(configs, config.isKey());
        try {
            return RegistryProtobufSerde.specific(type, client, config.registryOptions(), config.isKey());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.isKey() ? KEY_TYPE : VALUE_TYPE, type.getName(), e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<Message> messageClass(Map<String, ?> configs, boolean isKey) {
        String key = isKey ? KEY_TYPE : VALUE_TYPE;
        Object value = configs.get(key);
        if (value == null) {
            throw new ConfigException(key, null, "the generated Protobuf class to read into is required");
        }
        Class<?> type;
        try {
            type = value instanceof Class<?> c ? c
                    : Class.forName(value.toString().strip(), true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException(key, value, "class not found");
        }
        if (!Message.class.isAssignableFrom(type)) {
            throw new ConfigException(key, value, "not a Protobuf message class");
        }
        return (Class<Message>) type;
    }
}
