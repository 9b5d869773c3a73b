package io.eddy.serde.protobuf;

import com.google.protobuf.Message;
import io.eddy.serde.Serde;
import io.eddy.serde.kafka.RegistryKafkaSerializer;
import io.eddy.serde.kafka.RegistrySerdeConfig;
import io.eddy.serde.protobuf.internal.RegistryProtobufSerde;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Map;

/**
 * Eddy's Protobuf serde as a Kafka {@code Serializer} configured by properties, for clients that
 * name their serializer by class ({@code value.serializer=io.eddy.serde.protobuf.ProtobufKafkaSerializer})
 * with the same properties as Confluent's {@code KafkaProtobufSerializer}
 * ({@link io.eddy.serde.kafka.RegistrySerdeConfig}: {@code schema.registry.url},
 * {@code auto.register.schemas}, {@code use.latest.version}, {@code normalize.schemas}, the subject
 * name strategies, …). Takes messages of any generated or dynamic type, each written with its own
 * file's schema ({@link ProtobufSerdes}).
 *
 * <p>{@link #configure} creates a registry client that {@link #close()} closes. Thread-safe after
 * {@code configure}; {@code serialize} before it throws {@link IllegalStateException}.
 */
public class ProtobufKafkaSerializer extends RegistryKafkaSerializer<Message> {

    /** Creates an unconfigured serializer; Kafka then calls {@link #configure}. */
    public ProtobufKafkaSerializer() {
    }

    @Override
    protected Serde<Message> createSerde(SchemaRegistryClient client, RegistrySerdeConfig config, Map<String, ?> configs) {
        return RegistryProtobufSerde.writerOfAnyMessage(client, config.registryOptions(), config.isKey());
    }
}
