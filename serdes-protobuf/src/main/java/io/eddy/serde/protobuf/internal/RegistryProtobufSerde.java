package io.eddy.serde.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SchemaType;
import io.eddy.serde.registry.internal.RegistrySerdeSupport;
import io.eddy.serde.registry.internal.RegistrySerdeSupport.Frame;
import io.eddy.serde.registry.internal.RegistrySerdeSupport.WriterId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Protobuf serde with a Confluent-compatible registry, as Confluent's
 * {@code KafkaProtobufSerializer} and {@code KafkaProtobufDeserializer} frame data: the schema id
 * (5-byte prefix, or a header), the {@linkplain MessageIndexes message indexes} of the message
 * type in its {@code .proto} file, then the message.
 *
 * <p><b>Writing.</b> The schema is the file of the value's message type, rendered to {@code .proto}
 * text ({@link ProtoText}), with its imports registered first and referenced
 * ({@link ProtobufSchemas}); which id is written (own schema, latest, fixed) and how it is framed
 * is {@link RegistrySerdeSupport}'s. Each message type's index bytes are computed once. The
 * output array is allocated at its exact size and the message written straight into it.
 *
 * <p><b>Reading.</b> The writer schema is fetched once per id (or GUID) to check it exists and is
 * a Protobuf schema, so an unknown id fails the record instead of being read as garbage. The bytes
 * are then parsed by the reader's own descriptor: a generated class's parser, or, for dynamic
 * messages, the message type the indexes designate in the given descriptor's file. This module has
 * no {@code .proto} parser, so a record is never read with the writer's schema text.
 *
 * <p>Thread-safe.
 *
 * @param <T> the message type
 */
public final class RegistryProtobufSerde<T extends Message> implements Serde<T> {

    /** How a message is read from its bytes. */
    @FunctionalInterface
    public interface MessageReader<T> {
        /**
         * Parses the message at {@code offset} of {@code bytes}.
         *
         * @param indexes the message indexes the payload carried
         */
        T read(int[] indexes, byte[] bytes, int offset, int length) throws IOException;
    }

    private final RegistrySerdeSupport registry;
    private final String typeName;
    private final MessageReader<T> reader;
    private final Map<Descriptor, byte[]> indexBytes = new ConcurrentHashMap<>();

    private RegistryProtobufSerde(SchemaRegistryClient client, RegistrySerdeOptions options, boolean isKey,
            String typeName, MessageReader<T> reader) {
        this.registry = new RegistrySerdeSupport(client, options, isKey, SchemaType.PROTOBUF);
        this.typeName = typeName;
        this.reader = reader;
    }

    /**
     * A serde of a generated message class, read with the class's parser.
     *
     * @throws IllegalArgumentException if the class has no static {@code getDefaultInstance()}
     */
    public static <T extends Message> RegistryProtobufSerde<T> specific(Class<T> type, SchemaRegistryClient client,
            RegistrySerdeOptions options, boolean isKey) {
        Objects.requireNonNull(type, "type");
        Message prototype;
        try {
            prototype = (Message) type.getMethod("getDefaultInstance").invoke(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException(type.getName() + " is not a generated Protobuf message class"
                    + " (no public static getDefaultInstance())", e);
        }
        @SuppressWarnings("unchecked")
        Parser<T> parser = (Parser<T>) prototype.getParserForType();
        return new RegistryProtobufSerde<>(client, options, isKey, prototype.getDescriptorForType().getFullName(),
                (indexes, bytes, offset, length) -> parser.parseFrom(bytes, offset, length));
    }

    /**
     * A serde of dynamic messages: writes any {@link DynamicMessage}; reads the message type the
     * payload's indexes designate in {@code descriptor}'s file.
     */
    public static RegistryProtobufSerde<DynamicMessage> dynamic(Descriptor descriptor, SchemaRegistryClient client,
            RegistrySerdeOptions options, boolean isKey) {
        Objects.requireNonNull(descriptor, "descriptor");
        return new RegistryProtobufSerde<>(client, options, isKey, "DynamicMessage(" + descriptor.getFile().getName() + ")",
                (indexes, bytes, offset, length) -> {
                    Descriptor type;
                    try {
                        type = ProtobufSchemas.messageAt(descriptor.getFile(), indexes);
                    } catch (IllegalArgumentException e) {
                        throw new SerdeException(e.getMessage(), e);
                    }
                    return DynamicMessage.parseFrom(type, CodedInputStream.newInstance(bytes, offset, length));
                });
    }

    /**
     * A serde that writes messages of any type (each with its own descriptor's file) and cannot
     * read: for a serializer that is given messages of types it does not know in advance.
     */
    public static RegistryProtobufSerde<Message> writerOfAnyMessage(SchemaRegistryClient client, RegistrySerdeOptions options,
            boolean isKey) {
        return new RegistryProtobufSerde<>(client, options, isKey, "Message", (indexes, bytes, offset, length) -> {
            throw new UnsupportedOperationException("this Protobuf serde only writes; read with a specific or dynamic serde");
        });
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value != null) {
            registry.requireHeadersIfNeeded(null, "Protobuf serde");
        }
        return serialize(topic, null, value);
    }

    @Override
    public byte[] serialize(String topic, org.apache.kafka.common.header.Headers headers, T value) {
        if (value == null) {
            return null;
        }
        registry.requireHeadersIfNeeded(headers, "Protobuf serde");
        Descriptor type = value.getDescriptorForType();
        WriterId writer = registry.writerId(topic, type.getFile(), type.getFullName(), () -> {
            try {
                return ProtobufSchemas.definition(type.getFile(), registry.client(), registry.options().autoRegister(),
                        registry.options().normalizeSchemas());
            } catch (IllegalArgumentException e) {
                throw new SerdeException("cannot write " + type.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
            }
        });
        byte[] indexes = indexBytes.computeIfAbsent(type, t -> MessageIndexes.encode(ProtobufSchemas.indexes(t)));
        int prefix = registry.prefixLength();
        int size = value.getSerializedSize();
        byte[] out = new byte[prefix + indexes.length + size];
        registry.putPrefix(out, writer);
        System.arraycopy(indexes, 0, out, prefix, indexes.length);
        try {
            CodedOutputStream stream = CodedOutputStream.newInstance(out, prefix + indexes.length, size);
            value.writeTo(stream);
            stream.checkNoSpaceLeft();
        } catch (IOException | RuntimeException e) {
            throw new SerdeException("cannot serialize a " + type.getFullName() + " " + registry.side() + " for topic "
                    + topic + " with schema id " + writer.id() + ": " + e, e);
        }
        if (headers != null) {
            registry.writeHeader(headers, writer);
        }
        return out;
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        return deserialize(topic, null, bytes);
    }

    @Override
    public T deserialize(String topic, org.apache.kafka.common.header.Headers headers, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        Frame frame = registry.readCheckedFrame(topic, headers, bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.position(frame.offset());
        int[] indexes = MessageIndexes.read(buffer);
        int start = buffer.position();
        try {
            return reader.read(indexes, bytes, start, bytes.length - start);
        } catch (SerdeException e) {
            throw new SerdeException("cannot deserialize a record of topic " + topic + " with " + frame.ref().describe()
                    + " as " + typeName + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            String why = e instanceof InvalidProtocolBufferException ? "the message bytes are truncated or corrupt" : e.toString();
            throw new SerdeException("cannot deserialize " + bytes.length + " bytes of topic " + topic + " with "
                    + frame.ref().describe() + ", message indexes " + Arrays.toString(indexes) + ", as " + typeName
                    + ": " + why + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String toString() {
        return "ProtobufSerde{" + typeName + " " + registry.side() + ", " + registry.options() + "}";
    }
}
