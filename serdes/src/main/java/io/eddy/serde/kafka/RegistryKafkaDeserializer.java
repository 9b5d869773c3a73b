package io.eddy.serde.kafka;

import io.eddy.serde.Serde;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.internal.ConfiguredSerde;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka {@code Deserializer} over an Eddy schema-registry serde, configured by properties
 * ({@link RegistrySerdeConfig}, Confluent's names): {@link #configure} reads them, creates a
 * registry client and asks the subclass for the serde; {@link #close()} closes the client; a
 * second {@code configure} replaces both. Reads the schema-id header first, then the 5-byte
 * prefix. Eddy's {@link AvroKafkaDeserializer} and the Protobuf and JSON Schema deserializers are
 * subclasses.
 *
 * <p>Thread-safe after {@code configure}; {@code deserialize} before it throws
 * {@link IllegalStateException}.
 *
 * @param <T> the type of values
 */
public abstract class RegistryKafkaDeserializer<T> implements Deserializer<T> {

    private final ConfiguredSerde<T> configured = new ConfiguredSerde<>(getClass().getSimpleName(), this::createSerde);

    /** For subclasses, which Kafka creates through their public no-argument constructor. */
    protected RegistryKafkaDeserializer() {
    }

    /**
     * Creates the serde once the properties are read.
     *
     * @param client the registry client; shared by the serde, closed by this deserializer
     * @param config the common registry properties
     * @param configs every property, for the format's own
     * @throws org.apache.kafka.common.config.ConfigException naming a missing or bad property
     */
    protected abstract Serde<T> createSerde(SchemaRegistryClient client, RegistrySerdeConfig config, Map<String, ?> configs);

    /**
     * Reads the properties ({@link RegistrySerdeConfig}) and creates the registry client and serde.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming a missing or bad property
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configured.configure(configs, isKey);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return configured.serde().deserialize(topic, data);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return headers == null ? deserialize(topic, data) : configured.serde().deserialize(topic, headers, data);
    }

    /** Closes the registry client created by {@link #configure}. */
    @Override
    public void close() {
        configured.close();
    }
}
