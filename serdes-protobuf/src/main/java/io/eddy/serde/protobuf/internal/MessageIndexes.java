package io.eddy.serde.protobuf.internal;

import io.eddy.serde.SerdeException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Confluent's message-index framing for Protobuf payloads: after the magic byte and the 4-byte
 * schema id comes the path of the message type inside its {@code .proto} file, then the message.
 *
 * <p>The path is a list of indexes: the top-level message's position among the file's messages,
 * then, for a nested type, its position among its parent's nested messages, and so on. It is
 * written as a zig-zag varint count followed by each index as a zig-zag varint, except that the
 * most common path, {@code [0]} (the file's first message), is written as the single byte
 * {@code 0x00} (a count of zero). So {@code [0]} is {@code 00}, {@code [1]} is {@code 02 02},
 * {@code [0, 2]} is {@code 04 00 04}.
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageIndexes {

    /** More than this many levels of nesting is taken for a corrupt payload. */
    static final int MAX_DEPTH = 100;

    private static final int[] FIRST_MESSAGE = {0};

    private MessageIndexes() {
    }

    /**
     * Encodes a message path.
     *
     * @param indexes the path, outermost first; not empty, no negative index
     * @throws IllegalArgumentException if the path is empty or has a negative index
     */
    public static byte[] encode(int... indexes) {
        if (indexes.length == 0) {
            throw new IllegalArgumentException("a message path has at least one index");
        }
        if (Arrays.equals(indexes, FIRST_MESSAGE)) {
            return new byte[] {0};
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 + indexes.length);
        writeZigZag(out, indexes.length);
        for (int index : indexes) {
            if (index < 0) {
                throw new IllegalArgumentException("message index must not be negative, got " + index + " in "
                        + Arrays.toString(indexes));
            }
            writeZigZag(out, index);
        }
        return out.toByteArray();
    }

    /**
     * Reads a message path at the buffer's position and advances past it.
     *
     * @return the path, outermost first; {@code [0]} for the single-byte form
     * @throws SerdeException (not retriable) if the bytes end early or hold an impossible count
     *     or index
     */
    public static int[] read(ByteBuffer buffer) {
        int count = readZigZag(buffer, "message index count");
        if (count == 0) {
            return FIRST_MESSAGE.clone();
        }
        if (count < 0 || count > MAX_DEPTH || count > buffer.remaining()) {
            throw new SerdeException("malformed Protobuf message indexes: count " + count + " with "
                    + buffer.remaining() + " bytes left (expected 0.." + Math.min(MAX_DEPTH, buffer.remaining()) + ")");
        }
        int[] indexes = new int[count];
        for (int i = 0; i < count; i++) {
            indexes[i] = readZigZag(buffer, "message index " + i);
            if (indexes[i] < 0) {
                throw new SerdeException("malformed Protobuf message indexes: negative index " + indexes[i] + " at position " + i);
            }
        }
        return indexes;
    }

    private static void writeZigZag(ByteArrayOutputStream out, int value) {
        int v = (value << 1) ^ (value >> 31);
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static int readZigZag(ByteBuffer buffer, String what) {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (!buffer.hasRemaining()) {
                throw new SerdeException("malformed Protobuf message indexes: the payload ends inside the " + what);
            }
            byte b = buffer.get();
            raw |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new SerdeException("malformed Protobuf message indexes: the " + what + " is a varint longer than 5 bytes");
    }
}
