package io.eddy.serde.kafka;

import io.eddy.serde.Serde;
import io.eddy.serde.avro.AvroSerdes;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Eddy's Avro serde as a Kafka {@code Serializer} configured by properties, for clients that
 * name their serializer by class ({@code value.serializer=io.eddy.serde.kafka.AvroKafkaSerializer})
 * with the same properties as Confluent's {@code KafkaAvroSerializer} ({@link RegistrySerdeConfig}).
 * Takes generic records and Avro primitives ({@link AvroSerdes#untyped}).
 *
 * <p>{@link #configure} creates a registry client that {@link #close()} closes. Thread-safe after
 * {@code configure}; {@code serialize} before it throws {@link IllegalStateException}.
 */
public class AvroKafkaSerializer implements Serializer<Object> {

    private final ConfiguredAvroSerde configured = new ConfiguredAvroSerde("AvroKafkaSerializer");

    /** Creates an unconfigured serializer; Kafka then calls {@link #configure}. */
    public AvroKafkaSerializer() {
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
    public byte[] serialize(String topic, Object data) {
        return serde().serialize(topic, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Object data) {
        return headers == null ? serde().serialize(topic, data) : serde().serialize(topic, headers, data);
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
