package io.eddy.serde;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The built-in serdes for primitive types. Every serde returned here is stateless, thread-safe
 * and maps null to null. Numbers are big-endian fixed width, byte-compatible with Kafka's own
 * {@code LongSerializer}, {@code IntegerSerializer} and {@code DoubleSerializer}, so topics written
 * by other Kafka clients read back unchanged.
 *
 * <pre>{@code
 * Consumed.with(Serdes.string(), Serdes.longs())
 * }</pre>
 */
public final class Serdes {

    // big-endian views of byte arrays: no ByteBuffer per call on the per-record path
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private Serdes() {
    }

    private static byte[] intBytes(int value) {
        byte[] bytes = new byte[Integer.BYTES];
        INTS.set(bytes, 0, value);
        return bytes;
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[Long.BYTES];
        LONGS.set(bytes, 0, value);
        return bytes;
    }

    /** UTF-8 strings. */
    public static Serde<String> string() {
        return StringSerde.INSTANCE;
    }

    /**
     * Raw bytes, passed through without copying. A schema-id header that came with the input
     * record stays on output ({@link Serde#passesBytesThrough()}), so a pipeline that forwards
     * registry-framed bytes unchanged keeps them readable; one that writes other bytes must not
     * rely on that header.
     */
    public static Serde<byte[]> bytes() {
        return BytesSerde.INSTANCE;
    }

    /** 64-bit signed longs as 8 big-endian bytes. */
    public static Serde<Long> longs() {
        return LongSerde.INSTANCE;
    }

    /** 32-bit signed ints as 4 big-endian bytes. */
    public static Serde<Integer> ints() {
        return IntSerde.INSTANCE;
    }

    /** IEEE 754 doubles as 8 big-endian bytes. */
    public static Serde<Double> doubles() {
        return DoubleSerde.INSTANCE;
    }

    private static void requireLength(String type, byte[] bytes, int expected) {
        if (bytes.length != expected) {
            throw new SerdeException(type + " needs exactly " + expected + " bytes, got " + bytes.length);
        }
    }

    private enum StringSerde implements Serde<String> {
        INSTANCE;

        @Override
        public byte[] serialize(String topic, String value) {
            return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String deserialize(String topic, byte[] bytes) {
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Serdes.string()";
        }
    }

    private enum BytesSerde implements Serde<byte[]> {
        INSTANCE;

        @Override
        public byte[] serialize(String topic, byte[] value) {
            return value;
        }

        @Override
        public byte[] deserialize(String topic, byte[] bytes) {
            return bytes;
        }

        @Override
        public boolean passesBytesThrough() {
            return true;
        }

        @Override
        public String toString() {
            return "Serdes.bytes()";
        }
    }

    private enum LongSerde implements Serde<Long> {
        INSTANCE;

        @Override
        public byte[] serialize(String topic, Long value) {
            return value == null ? null : longBytes(value);
        }

        @Override
        public Long deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            requireLength("a long", bytes, Long.BYTES);
            return (long) LONGS.get(bytes, 0);
        }

        @Override
        public String toString() {
            return "Serdes.longs()";
        }
    }

    private enum IntSerde implements Serde<Integer> {
        INSTANCE;

        @Override
        public byte[] serialize(String topic, Integer value) {
            return value == null ? null : intBytes(value);
        }

        @Override
        public Integer deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            requireLength("an int", bytes, Integer.BYTES);
            return (int) INTS.get(bytes, 0);
        }

        @Override
        public String toString() {
            return "Serdes.ints()";
        }
    }

    private enum DoubleSerde implements Serde<Double> {
        INSTANCE;

        @Override
        public byte[] serialize(String topic, Double value) {
            return value == null ? null : longBytes(Double.doubleToRawLongBits(value));
        }

        @Override
        public Double deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            requireLength("a double", bytes, Double.BYTES);
            return Double.longBitsToDouble((long) LONGS.get(bytes, 0));
        }

        @Override
        public String toString() {
            return "Serdes.doubles()";
        }
    }
}
