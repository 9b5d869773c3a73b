package io.eddy.sketches;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The one way items become bytes before a sketch hashes them, so that the same item reaches the
 * same registers, bits or counters in every sketch of this module and in every task.
 */
final class Items {

    private Items() {
    }

    /**
     * The canonical bytes of {@code item}: UTF-8 for text, eight big-endian bytes for integral
     * numbers (so {@code 7}, {@code 7L} and {@code (short) 7} are one item) and for doubles (their
     * IEEE bits), sixteen for a UUID, and a byte array as it is.
     *
     * @throws IllegalArgumentException for any other type, naming it
     */
    static byte[] bytes(Object item) {
        if (item instanceof CharSequence text) {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (item instanceof Long || item instanceof Integer || item instanceof Short || item instanceof Byte) {
            return ByteBuffer.allocate(Long.BYTES).putLong(((Number) item).longValue()).array();
        }
        if (item instanceof Double || item instanceof Float) {
            return ByteBuffer.allocate(Long.BYTES).putLong(Double.doubleToLongBits(((Number) item).doubleValue())).array();
        }
        if (item instanceof byte[] raw) {
            return raw;
        }
        if (item instanceof UUID uuid) {
            return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits()).array();
        }
        throw new IllegalArgumentException("a sketch cannot hash items of type " + item.getClass().getName()
                + ": map them to a String, a long, a double, a UUID or a byte[] in the item function");
    }

    static void checkRange(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], not " + value);
        }
    }
}
