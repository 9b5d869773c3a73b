package io.eddy.testkit.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;

/**
 * A record read back from a topic by {@link TopicIO}: where it is, and what it holds.
 *
 * <p>Immutable and thread-safe as long as nobody changes the arrays, which are not copied. Equality
 * compares contents, header values included.
 *
 * @param topic the topic; never null
 * @param partition the partition
 * @param offset the record's offset in its partition
 * @param timestamp the record timestamp, in epoch milliseconds
 * @param key the key bytes; null if the record has no key
 * @param value the value bytes; null for a tombstone
 * @param headers the headers in order; never null, may be empty
 */
public record TopicRecord(
        String topic,
        int partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        List<Header> headers) {

    /**
     * Creates a record, copying the header list.
     *
     * @param topic the topic; not null
     * @param partition the partition
     * @param offset the offset in the partition
     * @param timestamp the timestamp, in epoch milliseconds
     * @param key the key bytes, not copied; may be null
     * @param value the value bytes, not copied; may be null
     * @param headers the headers; not null
     */
    public TopicRecord {
        Objects.requireNonNull(topic, "topic");
        headers = List.copyOf(headers);
    }

    /**
     * The key decoded as UTF-8.
     *
     * @return the key text; null if the record has no key
     */
    public String keyString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /**
     * The value decoded as UTF-8.
     *
     * @return the value text; null for a tombstone
     */
    public String valueString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /**
     * The value of the last header named {@code name}, as Kafka's {@code Headers.lastHeader} would
     * return it.
     *
     * @param name the header name; not null
     * @return its value; null if there is no such header or its value is null
     */
    public byte[] lastHeader(String name) {
        Objects.requireNonNull(name, "name");
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).key().equals(name)) {
                return headers.get(i).value();
            }
        }
        return null;
    }

    /** Compares every component, arrays by content. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TopicRecord other)) {
            return false;
        }
        if (!topic.equals(other.topic)
                || partition != other.partition
                || offset != other.offset
                || timestamp != other.timestamp
                || !Arrays.equals(key, other.key)
                || !Arrays.equals(value, other.value)
                || headers.size() != other.headers.size()) {
            return false;
        }
        for (int i = 0; i < headers.size(); i++) {
            Header a = headers.get(i);
            Header b = other.headers.get(i);
            if (!a.key().equals(b.key()) || !Arrays.equals(a.value(), b.value())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(topic, partition, offset, timestamp);
        return 31 * (31 * h + Arrays.hashCode(key)) + Arrays.hashCode(value);
    }

    /** Shows position, key and value (as UTF-8 text) and header names. */
    @Override
    public String toString() {
        StringBuilder s =
                new StringBuilder(topic)
                        .append('-')
                        .append(partition)
                        .append('@')
                        .append(offset)
                        .append(' ')
                        .append(text(key))
                        .append('=')
                        .append(text(value));
        if (!headers.isEmpty()) {
            s.append(" headers=");
            headers.forEach(h -> s.append(h.key()).append(';'));
        }
        return s.toString();
    }

    static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }
}
