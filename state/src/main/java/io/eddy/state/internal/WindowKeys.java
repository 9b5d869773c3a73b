package io.eddy.state.internal;

import java.util.Arrays;
import java.util.Objects;

/**
 * The composite key encodings of window and session stores. The runtime's changelog restore uses
 * them too, so they are a stable on-disk and on-topic format.
 *
 * <ul>
 *   <li>Window key: {@code key bytes | start} (8 bytes).</li>
 *   <li>Session key: {@code key bytes | end | start} (8 + 8 bytes), so the sessions of a key sort
 *       by end, then start.</li>
 * </ul>
 *
 * <p>Times are written big-endian with the sign bit flipped, so that unsigned lexicographic byte
 * order equals signed numeric order and negative timestamps are allowed. Because the user key has
 * a variable length and no terminator, a range over one key's composites may also contain the
 * composites of longer keys that start with the same bytes (key {@code "a"} vs {@code "ab"});
 * callers must check {@link #isWindowKeyOf} / {@link #isSessionKeyOf}.
 *
 * <p>All methods are pure and thread-safe; none modifies its arguments.
 */
public final class WindowKeys {

    /** Length of the time suffix of a window key. */
    public static final int WINDOW_SUFFIX = 8;
    /** Length of the time suffix of a session key. */
    public static final int SESSION_SUFFIX = 16;

    private WindowKeys() {
    }

    /**
     * Encodes a window key.
     *
     * @param key   the serialized user key; never null
     * @param start the window start, any long
     * @return a new array {@code key | start}
     */
    public static byte[] windowKey(byte[] key, long start) {
        Objects.requireNonNull(key, "key");
        byte[] out = Arrays.copyOf(key, key.length + WINDOW_SUFFIX);
        writeTime(out, key.length, start);
        return out;
    }

    /**
     * Returns the window start of a window key.
     *
     * @throws IllegalArgumentException if the array is shorter than the suffix
     */
    public static long windowStart(byte[] composite) {
        checkLength(composite, WINDOW_SUFFIX);
        return readTime(composite, composite.length - WINDOW_SUFFIX);
    }

    /** Returns a copy of the user key bytes of a window key. */
    public static byte[] key(byte[] composite) {
        checkLength(composite, WINDOW_SUFFIX);
        return Arrays.copyOf(composite, composite.length - WINDOW_SUFFIX);
    }

    /** Returns whether {@code composite} is a window key of exactly {@code key} (no aliasing). */
    public static boolean isWindowKeyOf(byte[] composite, byte[] key) {
        return composite.length == key.length + WINDOW_SUFFIX
                && Arrays.equals(composite, 0, key.length, key, 0, key.length);
    }

    /**
     * Encodes a session key.
     *
     * @param key   the serialized user key; never null
     * @param start the session start, inclusive
     * @param end   the session end, inclusive
     * @return a new array {@code key | end | start}
     */
    public static byte[] sessionKey(byte[] key, long start, long end) {
        Objects.requireNonNull(key, "key");
        byte[] out = Arrays.copyOf(key, key.length + SESSION_SUFFIX);
        writeTime(out, key.length, end);
        writeTime(out, key.length + 8, start);
        return out;
    }

    /** Returns the session start of a session key. */
    public static long sessionStart(byte[] composite) {
        checkLength(composite, SESSION_SUFFIX);
        return readTime(composite, composite.length - 8);
    }

    /** Returns the session end of a session key. */
    public static long sessionEnd(byte[] composite) {
        checkLength(composite, SESSION_SUFFIX);
        return readTime(composite, composite.length - SESSION_SUFFIX);
    }

    /** Returns a copy of the user key bytes of a session key. */
    public static byte[] sessionUserKey(byte[] composite) {
        checkLength(composite, SESSION_SUFFIX);
        return Arrays.copyOf(composite, composite.length - SESSION_SUFFIX);
    }

    /** Returns whether {@code composite} is a session key of exactly {@code key} (no aliasing). */
    public static boolean isSessionKeyOf(byte[] composite, byte[] key) {
        return composite.length == key.length + SESSION_SUFFIX
                && Arrays.equals(composite, 0, key.length, key, 0, key.length);
    }

    private static void writeTime(byte[] out, int offset, long time) {
        long v = time ^ Long.MIN_VALUE;
        for (int i = 7; i >= 0; i--) {
            out[offset + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long readTime(byte[] in, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[offset + i] & 0xFF);
        }
        return v ^ Long.MIN_VALUE;
    }

    private static void checkLength(byte[] composite, int suffix) {
        if (composite.length < suffix) {
            throw new IllegalArgumentException(
                    "composite key of " + composite.length + " bytes is shorter than its "
                            + suffix + "-byte time suffix");
        }
    }
}
