package io.eddy.testkit.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key and a value to produce with {@link TopicIO#produce(String, java.util.List)}, as raw bytes.
 *
 * <pre>{@code
 * io.produce("in", List.of(KeyValue.of("user-1", "login"), KeyValue.of(null, "anonymous")));
 * }</pre>
 *
 * <p>Immutable and thread-safe as long as nobody changes the arrays: they are not copied, so do not
 * modify an array after handing it over. Equality compares contents.
 *
 * @param key the record key; null for a record without key
 * @param value the record value; null for a tombstone
 */
public record KeyValue(byte[] key, byte[] value) {

    /**
     * A key-value pair from strings, encoded as UTF-8.
     *
     * @param key the key; null for no key
     * @param value the value; null for a tombstone
     * @return the pair
     */
    public static KeyValue of(String key, String value) {
        return new KeyValue(utf8(key), utf8(value));
    }

    /**
     * A key-value pair from bytes, not copied.
     *
     * @param key the key; null for no key
     * @param value the value; null for a tombstone
     * @return the pair
     */
    public static KeyValue of(byte[] key, byte[] value) {
        return new KeyValue(key, value);
    }

    /** Compares key and value contents. */
    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue other
                && Arrays.equals(key, other.key)
                && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    /** Shows key and value as UTF-8 text. */
    @Override
    public String toString() {
        return TopicRecord.text(key) + "=" + TopicRecord.text(value);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
