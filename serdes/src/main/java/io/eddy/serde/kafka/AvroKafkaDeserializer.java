package io.eddy.serde.kafka;

import io.eddy.serde.Serde;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Map;

/**
 * Eddy's Avro serde as a Kafka {@code Deserializer} configured by properties (as Confluent's
 * {@code KafkaAvroDeserializer}; see {@link RegistrySerdeConfig}): gives a generic record, or the
 * primitive for a primitive writer schema (a string as {@link String}, bytes as {@code byte[]}).
 * Reads the schema-id header first, then the 5-byte prefix.
 *
 * <p>{@link #configure} creates a registry client that {@link #close()} closes. Thread-safe after
 * {@code configure}; {@code deserialize} before it throws {@link IllegalStateException}.
 */
public class AvroKafkaDeserializer extends RegistryKafkaDeserializer<Object> {

    /** Creates an unconfigured deserializer; Kafka then calls {@link #configure}. */
    public AvroKafkaDeserializer() {
    }

    @Override
    protected Serde<Object> createSerde(SchemaRegistryClient client, RegistrySerdeConfig config, Map<String, ?> configs) {
        return config.isKey() ? AvroSerdes.untypedKey(client, config.avroOptions()) : AvroSerdes.untyped(client, config.avroOptions());
    }
}
