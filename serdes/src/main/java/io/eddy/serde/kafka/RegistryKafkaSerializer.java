package io.eddy.serde.kafka;

import io.eddy.serde.Serde;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.internal.ConfiguredSerde;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@code Serializer} over an Eddy schema-registry serde, configured by properties
 * ({@link RegistrySerdeConfig}, Confluent's names): {@link #configure} reads them, creates a
 * registry client and asks the subclass for the serde; {@link #close()} closes the client; a
 * second {@code configure} replaces both. Eddy's {@link AvroKafkaSerializer} and the Protobuf and
 * JSON Schema serializers are subclasses; so may a team's own format be.
 *
 * <p>Thread-safe after {@code configure}; {@code serialize} before it throws
 * {@link IllegalStateException}.
 *
 * @param <T> the type of values
 */
public abstract class RegistryKafkaSerializer<T> implements Serializer<T> {

    private final ConfiguredSerde<T> configured = new ConfiguredSerde<>(getClass().getSimpleName(), this::createSerde);

    /** For subclasses, which Kafka creates through their public no-argument constructor. */
    protected RegistryKafkaSerializer() {
    }

    /**
     * Creates the serde once the properties are read.
     *
     * @param client the registry client; shared by the serde, closed by this serializer
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
    public byte[] serialize(String topic, T data) {
        return configured.serde().serialize(topic, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        return headers == null ? serialize(topic, data) : configured.serde().serialize(topic, headers, data);
    }

    /** Closes the registry client created by {@link #configure}. */
    @Override
    public void close() {
        configured.close();
    }
}
