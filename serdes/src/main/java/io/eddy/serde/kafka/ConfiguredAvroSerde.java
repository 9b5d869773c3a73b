package io.eddy.serde.kafka;

import io.eddy.serde.Serde;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Map;

/**
 * The registry client and untyped Avro serde behind {@link AvroKafkaSerializer} and
 * {@link AvroKafkaDeserializer}: created by Kafka's {@code configure}, replaced by a second
 * {@code configure}, closed by {@code close}. Thread-safe after {@code configure}.
 */
final class ConfiguredAvroSerde {
    private final String owner;
    private volatile SchemaRegistryClient client;
    private volatile Serde<Object> serde;

    /** @param owner the adapter's class name, for the "not configured" message */
    ConfiguredAvroSerde(String owner) {
        this.owner = owner;
    }

    /**
     * Reads the properties ({@link RegistrySerdeConfig}) and creates the registry client; a client
     * from an earlier call is closed.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming a missing or bad property
     */
    void configure(Map<String, ?> configs, boolean isKey) {
        RegistrySerdeConfig config = RegistrySerdeConfig.parse(configs, isKey);
        SchemaRegistryClient created = SchemaRegistryClient.create(config.registry());
        serde = isKey ? AvroSerdes.untypedKey(created, config.avroOptions()) : AvroSerdes.untyped(created, config.avroOptions());
        SchemaRegistryClient previous = client;
        client = created;
        if (previous != null) {
            previous.close();     // configured again: the new client replaces the old one
        }
    }

    /** @throws IllegalStateException before {@link #configure} */
    Serde<Object> serde() {
        Serde<Object> s = serde;
        if (s == null) {
            throw new IllegalStateException(owner + " is not configured: call configure(configs, isKey) first");
        }
        return s;
    }

    void close() {
        SchemaRegistryClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
