package io.eddy.state.internal;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

/** Unsigned lexicographic ordering of byte arrays and small helpers around it. */
final class ByteArrays {

    /** Unsigned lexicographic order; a prefix sorts before its extensions. */
    static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private ByteArrays() {
    }

    /** Whether {@code key} lies within the bounds, either of which may be null (open). */
    static boolean inRange(byte[] key, byte[] fromInclusive, byte[] toInclusive) {
        return (fromInclusive == null || Arrays.compareUnsigned(key, fromInclusive) >= 0)
                && (toInclusive == null || Arrays.compareUnsigned(key, toInclusive) <= 0);
    }

    /** Whether the bounds describe an empty range (both present and from after to). */
    static boolean emptyRange(byte[] fromInclusive, byte[] toInclusive) {
        return fromInclusive != null && toInclusive != null
                && Arrays.compareUnsigned(fromInclusive, toInclusive) > 0;
    }

    /** The smallest key greater than {@code key}: {@code key} followed by a zero byte. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /** An immutable entry allowing a null value (a tombstone inside the merge machinery). */
    static Map.Entry<byte[], byte[]> entry(byte[] key, byte[] value) {
        return new AbstractMap.SimpleImmutableEntry<>(key, value);
    }

    static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    static long bytesLong(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }
}
