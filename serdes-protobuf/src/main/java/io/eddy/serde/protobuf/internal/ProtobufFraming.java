package io.eddy.serde.protobuf.internal;

import io.eddy.serde.registry.internal.WireFormat;
import java.nio.ByteBuffer;

/**
 * The whole of Confluent's Protobuf framing: in prefix mode, magic byte {@code 0x00}, the 4-byte
 * big-endian schema id, the {@linkplain MessageIndexes message indexes}, then the message's
 * Protobuf bytes; in header mode (the id in {@code __key_schema_id} / {@code __value_schema_id}),
 * the message indexes and then the message. Stateless and thread-safe.
 */
public final class ProtobufFraming {

    /**
     * Where a framed payload's parts are.
     *
     * @param schemaId the schema id of the prefix, or -1 when the payload had none (header mode)
     * @param messageIndexes the path of the message type in its schema, outermost first
     * @param messageOffset where the message's bytes start in the payload
     */
    public record Frame(int schemaId, int[] messageIndexes, int messageOffset) { }

    private ProtobufFraming() {
    }

    /** Frames a message with the 5-byte prefix: prefix, indexes, message. */
    public static byte[] withPrefix(int schemaId, int[] messageIndexes, byte[] message) {
        byte[] indexes = MessageIndexes.encode(messageIndexes);
        return ByteBuffer.allocate(WireFormat.PREFIX_LENGTH + indexes.length + message.length)
                .put(WireFormat.prefix(schemaId)).put(indexes).put(message).array();
    }

    /** Frames a message for header mode: indexes, message (the id travels in a header). */
    public static byte[] withoutPrefix(int[] messageIndexes, byte[] message) {
        byte[] indexes = MessageIndexes.encode(messageIndexes);
        return ByteBuffer.allocate(indexes.length + message.length).put(indexes).put(message).array();
    }

    /**
     * Reads the frame of a payload.
     *
     * @param payload the record's bytes; never null
     * @param hasPrefix false when the schema id came in a header, so the payload starts with the indexes
     * @throws io.eddy.serde.SerdeException (not retriable) if the framing is malformed
     */
    public static Frame read(byte[] payload, boolean hasPrefix) {
        int id = hasPrefix ? WireFormat.readPrefix(payload) : -1;
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        buffer.position(hasPrefix ? WireFormat.PREFIX_LENGTH : 0);
        int[] indexes = MessageIndexes.read(buffer);
        return new Frame(id, indexes, buffer.position());
    }
}
