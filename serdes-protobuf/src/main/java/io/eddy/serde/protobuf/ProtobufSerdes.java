package io.eddy.serde.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.eddy.serde.Serde;
import io.eddy.serde.protobuf.internal.RegistryProtobufSerde;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Objects;

/**
 * Protobuf serdes that speak Confluent's wire format and schema registry protocol, as its
 * {@code KafkaProtobufSerializer} and {@code KafkaProtobufDeserializer} do: the schema id (a 5-byte
 * prefix, or the {@code __key_schema_id} / {@code __value_schema_id} header), then the message
 * indexes (the path of the message type in its {@code .proto} file, so one file may hold several
 * message types), then the message's Protobuf bytes.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.create(
 *         SchemaRegistry.builder().url("http://localhost:8081").build());
 * Serde<Order> orders = ProtobufSerdes.specific(Order.class, registry);          // generated class
 * Serde<DynamicMessage> any = ProtobufSerdes.dynamic(Order.getDescriptor(), registry);
 * }</pre>
 *
 * <p><b>Schemas.</b> Writing registers (or, per the {@linkplain RegistrySerdeOptions options},
 * looks up, or takes the latest or a fixed id for) the message's {@code .proto} file, rendered from
 * its descriptor, under the subject the subject name strategy gives for the message's full name.
 * A file that imports others is registered with references: each imported file first, under a
 * subject named after its import path ({@code common.proto}), as Confluent does; the well-known
 * {@code google/protobuf/*.proto} files are not registered. Groups, extensions and editions syntax
 * are refused when writing.
 *
 * <p><b>Reading</b> checks that the record's schema id exists and is a Protobuf schema, then parses
 * with the reader's descriptor (the generated class, or the descriptor given to
 * {@link #dynamic}); it does not parse the writer's {@code .proto} text, so a reader needs the
 * message types compiled or as descriptors, as Confluent's specific deserializer does.
 *
 * <p>Serdes are thread-safe and share the client's caches; they never close the client. Null
 * maps to null both ways. Failures are {@link io.eddy.serde.SerdeException}s; those caused by an
 * unreachable registry are {@linkplain io.eddy.serde.SerdeException#retriable() retriable}.
 */
public final class ProtobufSerdes {

    private ProtobufSerdes() {
    }

    /** Generated message classes, for values, with default options. */
    public static <T extends Message> Serde<T> specific(Class<T> type, SchemaRegistryClient registry) {
        return specific(type, registry, RegistrySerdeOptions.defaults());
    }

    /**
     * Generated message classes, for values: writes the class's messages, reads any payload into
     * the class with its parser.
     *
     * @throws IllegalArgumentException if {@code type} is not a generated message class, or the
     *     options clash
     */
    public static <T extends Message> Serde<T> specific(Class<T> type, SchemaRegistryClient registry,
            RegistrySerdeOptions options) {
        check(registry, options);
        return RegistryProtobufSerde.specific(type, registry, options, false);
    }

    /** Generated message classes, for keys, with default options. */
    public static <T extends Message> Serde<T> specificKey(Class<T> type, SchemaRegistryClient registry) {
        return specificKey(type, registry, RegistrySerdeOptions.defaults());
    }

    /** Generated message classes, for keys. See {@link #specific(Class, SchemaRegistryClient, RegistrySerdeOptions)}. */
    public static <T extends Message> Serde<T> specificKey(Class<T> type, SchemaRegistryClient registry,
            RegistrySerdeOptions options) {
        check(registry, options);
        return RegistryProtobufSerde.specific(type, registry, options, true);
    }

    /** Dynamic messages, for values, with default options. */
    public static Serde<DynamicMessage> dynamic(Descriptor descriptor, SchemaRegistryClient registry) {
        return dynamic(descriptor, registry, RegistrySerdeOptions.defaults());
    }

    /**
     * Dynamic messages, for values: writes any {@link DynamicMessage} with the file of its own
     * descriptor; reads each record as the message type its message indexes designate in
     * {@code descriptor}'s file (so a record written as a nested or second message type of that
     * file reads as that type).
     *
     * @param descriptor a message type of the file to read with; never null
     */
    public static Serde<DynamicMessage> dynamic(Descriptor descriptor, SchemaRegistryClient registry,
            RegistrySerdeOptions options) {
        check(registry, options);
        return RegistryProtobufSerde.dynamic(descriptor, registry, options, false);
    }

    /** Dynamic messages, for keys. See {@link #dynamic(Descriptor, SchemaRegistryClient, RegistrySerdeOptions)}. */
    public static Serde<DynamicMessage> dynamicKey(Descriptor descriptor, SchemaRegistryClient registry,
            RegistrySerdeOptions options) {
        check(registry, options);
        return RegistryProtobufSerde.dynamic(descriptor, registry, options, true);
    }

    private static void check(SchemaRegistryClient registry, RegistrySerdeOptions options) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options").validate();
    }
}
