package io.eddy.serde.registry.internal;

import io.eddy.serde.Serde;
import io.eddy.serde.kafka.RegistrySerdeConfig;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Map;

/**
 * The registry client and serde behind a Kafka serializer or deserializer class configured by
 * properties (Eddy's Avro, Protobuf and JSON Schema adapters): created by Kafka's
 * {@code configure}, replaced by a second {@code configure}, closed by {@code close}.
 * Thread-safe after {@code configure}.
 *
 * @param <T> the serde's type
 */
public final class ConfiguredSerde<T> {

    /** Creates the serde once the properties are read and the client exists. */
    @FunctionalInterface
    public interface Factory<T> {
        /**
         * @param client the new registry client; the serde must not close it
         * @param config the parsed common properties
         * @param configs all the properties, for the format's own
         * @throws org.apache.kafka.common.config.ConfigException naming a missing or bad property
         */
        Serde<T> create(SchemaRegistryClient client, RegistrySerdeConfig config, Map<String, ?> configs);
    }

    private final String owner;
    private final Factory<T> factory;
    private volatile SchemaRegistryClient client;
    private volatile Serde<T> serde;

    /**
     * @param owner the adapter's class name, for the "not configured" message
     * @param factory creates the serde
     */
    public ConfiguredSerde(String owner, Factory<T> factory) {
        this.owner = owner;
        this.factory = factory;
    }

    /**
     * Reads the properties ({@link RegistrySerdeConfig}) and creates the registry client and the
     * serde; a client from an earlier call is closed.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming a missing or bad property
     */
    public void configure(Map<String, ?> configs, boolean isKey) {
        RegistrySerdeConfig config = RegistrySerdeConfig.parse(configs, isKey);
        SchemaRegistryClient created = SchemaRegistryClient.create(config.registry());
        try {
            serde = factory.create(created, config, configs);
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        SchemaRegistryClient previous = client;
        client = created;
        if (previous != null) {
            previous.close();     // configured again: the new client replaces the old one
        }
    }

    /**
     * The serde.
     *
     * @throws IllegalStateException before {@link #configure}
     */
    public Serde<T> serde() {
        Serde<T> s = serde;
        if (s == null) {
            throw new IllegalStateException(owner + " is not configured: call configure(configs, isKey) first");
        }
        return s;
    }

    /** Closes the registry client created by {@link #configure}, if any. */
    public void close() {
        SchemaRegistryClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
