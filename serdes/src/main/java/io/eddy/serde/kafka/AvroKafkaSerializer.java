package io.eddy.serde.kafka;

import io.eddy.serde.Serde;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Map;

/**
 * Eddy's Avro serde as a Kafka {@code Serializer} configured by properties, for clients that
 * name their serializer by class ({@code value.serializer=io.eddy.serde.kafka.AvroKafkaSerializer})
 * with the same properties as Confluent's {@code KafkaAvroSerializer} ({@link RegistrySerdeConfig}).
 * Takes generic records and Avro primitives ({@link AvroSerdes#untyped}).
 *
 * <p>{@link #configure} creates a registry client that {@link #close()} closes. Thread-safe after
 * {@code configure}; {@code serialize} before it throws {@link IllegalStateException}.
 */
public class AvroKafkaSerializer extends RegistryKafkaSerializer<Object> {

    /** Creates an unconfigured serializer; Kafka then calls {@link #configure}. */
    public AvroKafkaSerializer() {
    }

    @Override
    protected Serde<Object> createSerde(SchemaRegistryClient client, RegistrySerdeConfig config, Map<String, ?> configs) {
        return config.isKey() ? AvroSerdes.untypedKey(client, config.avroOptions()) : AvroSerdes.untyped(client, config.avroOptions());
    }
}
