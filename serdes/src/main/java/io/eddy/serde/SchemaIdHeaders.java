package io.eddy.serde;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * The record headers that carry a schema-registry schema id ({@value #KEY} for the key,
 * {@value #VALUE} for the value; Confluent 8 and later, and Eddy's registry serdes in header
 * mode), and the rule that keeps them true on output.
 *
 * <p><b>The rule.</b> A schema-id header describes the bytes of its side (key or value) of the
 * record it travels with. When a pipeline writes a record whose headers it copied from an input
 * record, the copied header describes the input's bytes, not the output's: the Kafka sink
 * therefore removes the header of each side before that side is serialized, and a serde in
 * header mode then writes its own. The one exception is a serde that
 * {@linkplain Serde#passesBytesThrough() passes bytes through} unchanged (such as
 * {@link Serdes#bytes()}): its output bytes are the input's, so their header stays.
 *
 * <p>Stateless and thread-safe.
 */
public final class SchemaIdHeaders {

    /** The header carrying the key's schema id. */
    public static final String KEY = "__key_schema_id";

    /** The header carrying the value's schema id. */
    public static final String VALUE = "__value_schema_id";

    private SchemaIdHeaders() {
    }

    /** The header name for a key ({@code isKey}) or a value. */
    public static String name(boolean isKey) {
        return isKey ? KEY : VALUE;
    }

    /**
     * Prepares the headers of an output record for serializing one side with {@code serde}:
     * removes that side's schema-id header unless the serde passes bytes through unchanged.
     * Call it before the serde's {@link Serde#serialize(String, Headers, Object)}.
     *
     * @param headers the output record's headers, mutable; never null
     * @param isKey true for the key side, false for the value side
     * @param serde the serde about to write that side; never null
     */
    public static void prepareForOutput(Headers headers, boolean isKey, Serde<?> serde) {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(serde, "serde");
        if (!serde.passesBytesThrough()) {
            headers.remove(name(isKey));
        }
    }
}
