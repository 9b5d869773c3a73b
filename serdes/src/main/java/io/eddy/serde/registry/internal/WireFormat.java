package io.eddy.serde.registry.internal;

import io.eddy.serde.SerdeException;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Confluent's framing of schema-registry payloads.
 *
 * <ul>
 *   <li>Prefix: byte {@code 0x00}, then the schema id as a 4-byte big-endian int, then the
 *       serialized data.</li>
 *   <li>Header ({@code __key_schema_id} / {@code __value_schema_id}, Confluent 8 and later): byte
 *       {@code 0x01} then the schema GUID as 16 bytes (most significant half first), or byte
 *       {@code 0x00} then the 4-byte id; the record's key or value is then the bare data.</li>
 * </ul>
 * Readers check the header first, then the prefix. Stateless.
 */
public final class WireFormat {

    /** The header carrying the key's schema id. */
    public static final String KEY_HEADER = io.eddy.serde.SchemaIdHeaders.KEY;
    /** The header carrying the value's schema id. */
    public static final String VALUE_HEADER = io.eddy.serde.SchemaIdHeaders.VALUE;
    /** The first byte of an id-framed payload or header. */
    public static final byte MAGIC_ID = 0x00;
    /** The first byte of a GUID-framed header. */
    public static final byte MAGIC_GUID = 0x01;
    /** Length of the id prefix. */
    public static final int PREFIX_LENGTH = 5;

    private WireFormat() {
    }

    /** Where the schema of a payload is found: an id, or a GUID (then {@code id} is -1). */
    public record SchemaRef(int id, UUID guid) {
        /** A human-readable description for error messages. */
        public String describe() {
            return guid != null ? "schema guid " + guid : "schema id " + id;
        }
    }

    /** The header name for a key or value. */
    public static String header(boolean isKey) {
        return isKey ? KEY_HEADER : VALUE_HEADER;
    }

    /**
     * Reads a schema-id header value.
     *
     * @throws SerdeException (not retriable) if the header is malformed
     */
    public static SchemaRef readHeader(String name, byte[] value) {
        if (value != null && value.length == 17 && value[0] == MAGIC_GUID) {
            ByteBuffer b = ByteBuffer.wrap(value, 1, 16);
            return new SchemaRef(-1, new UUID(b.getLong(), b.getLong()));
        }
        if (value != null && value.length == PREFIX_LENGTH && value[0] == MAGIC_ID) {
            return new SchemaRef(ByteBuffer.wrap(value, 1, 4).getInt(), null);
        }
        throw new SerdeException("malformed schema id header " + name + ": expected 0x01 + 16-byte GUID or 0x00 + "
                + "4-byte id, got " + (value == null ? "null" : value.length + " bytes"
                + (value.length > 0 ? " starting with 0x" + String.format("%02x", value[0]) : "")));
    }

    /**
     * Reads the id prefix of a payload.
     *
     * @throws SerdeException (not retriable) if the payload is shorter than the prefix or does
     *     not start with the magic byte
     */
    public static int readPrefix(byte[] payload) {
        if (payload.length < PREFIX_LENGTH) {
            throw new SerdeException("payload of " + payload.length + " bytes is too short for the 5-byte schema id prefix"
                    + " (magic byte 0x00 + 4-byte id), and there is no schema id header");
        }
        if (payload[0] != MAGIC_ID) {
            throw new SerdeException(String.format("unknown magic byte 0x%02x (expected 0x00) in a payload of %d bytes"
                    + " without a schema id header; it was not written by a schema-registry serializer", payload[0], payload.length));
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }

    /** The 5-byte prefix for a schema id. */
    public static byte[] prefix(int id) {
        return ByteBuffer.allocate(PREFIX_LENGTH).put(MAGIC_ID).putInt(id).array();
    }

    /** A GUID header value: 0x01 + 16 bytes. */
    public static byte[] guidHeader(UUID guid) {
        return ByteBuffer.allocate(17).put(MAGIC_GUID).putLong(guid.getMostSignificantBits())
                .putLong(guid.getLeastSignificantBits()).array();
    }
}
