package io.eddy.serde.kafka;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AvroKafkaSerializer} and {@link AvroKafkaDeserializer} as one Kafka {@code Serde},
 * configured by the same properties ({@link RegistrySerdeConfig}). {@link #close()} closes both.
 */
public class AvroKafkaSerde implements Serde<Object> {

    private final AvroKafkaSerializer serializer = new AvroKafkaSerializer();
    private final AvroKafkaDeserializer deserializer = new AvroKafkaDeserializer();

    /** Creates an unconfigured serde; call {@link #configure} before use. */
    public AvroKafkaSerde() {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<Object> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<Object> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
