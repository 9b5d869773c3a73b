package io.eddy.serde;

import org.apache.kafka.common.header.Headers;

/**
 * Converts values of one type to and from the bytes stored in a Kafka record's key or value.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code null} maps to {@code null} in both directions unless a serde documents otherwise,
 *       so tombstones survive a round trip.</li>
 *   <li>Implementations must be thread-safe: one serde instance is shared by every worker thread
 *       of an application.</li>
 *   <li>{@link #deserialize} throws {@link SerdeException} (or any runtime exception) on bytes it
 *       cannot read; the runtime routes that to the application's error policy with the
 *       record's topic, partition and offset attached, so a serde never needs to log or swallow.</li>
 *   <li>The header-aware variants let a serde read or write metadata in record headers (the
 *       schema-registry serdes put schema ids there); by default they ignore the headers.</li>
 * </ul>
 *
 * <pre>{@code
 * Serde<String> s = Serdes.string();
 * byte[] bytes = s.serialize("orders", "hello");
 * }</pre>
 *
 * @param <T> the type this serde reads and writes
 */
public interface Serde<T> {

    /**
     * Encodes {@code value} for a record of {@code topic}.
     *
     * @param topic the topic the record is written to; never null
     * @param value the value to encode; may be null
     * @return the encoded bytes, or null for a null value
     */
    byte[] serialize(String topic, T value);

    /**
     * Decodes bytes read from a record of {@code topic}.
     *
     * @param topic the topic the record was read from; never null
     * @param bytes the bytes to decode; may be null
     * @return the decoded value, or null for null bytes
     * @throws SerdeException if the bytes are not a valid encoding
     */
    T deserialize(String topic, byte[] bytes);

    /**
     * Encodes {@code value}, optionally adding headers to the outgoing record. The default ignores
     * the headers and calls {@link #serialize(String, Object)}.
     */
    default byte[] serialize(String topic, Headers headers, T value) {
        return serialize(topic, value);
    }

    /**
     * Decodes bytes, optionally reading headers of the incoming record. The default ignores the
     * headers and calls {@link #deserialize(String, byte[])}.
     */
    default T deserialize(String topic, Headers headers, byte[] bytes) {
        return deserialize(topic, bytes);
    }

    /**
     * Whether {@link #serialize} returns the bytes it is given, unchanged (as
     * {@link Serdes#bytes()} does), so a {@linkplain SchemaIdHeaders schema-id header} copied
     * from the input record still describes the output's bytes. Default false: before this serde
     * writes a side of an output record, the runtime removes that side's schema-id header, and a
     * serde that frames its output in header mode adds its own.
     *
     * @return true only for serdes whose output is their input, byte for byte
     */
    default boolean passesBytesThrough() {
        return false;
    }
}
