package io.eddy.serde.kafka;

import io.eddy.serde.Serde;
import io.eddy.serde.avro.AvroSerdes;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Eddy's Avro serde as a Kafka {@code Deserializer} configured by properties (as Confluent's
 * {@code KafkaAvroDeserializer}; see {@link RegistrySerdeConfig}): gives a generic record, or the
 * primitive for a primitive writer schema (a string as {@link String}, bytes as {@code byte[]}).
 * Reads the schema-id header first, then the 5-byte prefix.
 *
 * <p>{@link #configure} creates a registry client that {@link #close()} closes. Thread-safe after
 * {@code configure}; {@code deserialize} before it throws {@link IllegalStateException}.
 */
public class AvroKafkaDeserializer implements Deserializer<Object> {

    private final ConfiguredAvroSerde configured = new ConfiguredAvroSerde("AvroKafkaDeserializer");

    /** Creates an unconfigured deserializer; Kafka then calls {@link #configure}. */
    public AvroKafkaDeserializer() {
    }

    /**
     * Reads the properties ({@link RegistrySerdeConfig}) and creates the registry client.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming a missing or bad property
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configured.configure(configs, isKey);
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        return serde().deserialize(topic, data);
    }

    @Override
    public Object deserialize(String topic, Headers headers, byte[] data) {
        return headers == null ? serde().deserialize(topic, data) : serde().deserialize(topic, headers, data);
    }

    private Serde<Object> serde() {
        return configured.serde();
    }

    /** Closes the registry client created by {@link #configure}. */
    @Override
    public void close() {
        configured.close();
    }
}
