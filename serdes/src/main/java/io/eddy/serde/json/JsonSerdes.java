package io.eddy.serde.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.json.internal.JacksonSupport;
import java.io.IOException;
import java.util.Objects;

/**
 * JSON serdes over Jackson, without a schema registry: UTF-8 JSON text, no framing.
 *
 * <pre>{@code
 * record Order(String id, long amount, Instant createdAt) { }
 * Serde<Order> orders = JsonSerdes.of(Order.class);
 * Serde<JsonNode> anything = JsonSerdes.tree();
 * }</pre>
 *
 * <p>The default mapper knows Java records, {@code java.time} types (written as ISO-8601 text)
 * and {@code Optional}; it ignores unknown properties when reading, so a producer may add fields
 * without breaking consumers. Serdes are thread-safe and map null to null. Bad input fails with a
 * non-retriable {@link SerdeException} naming the type, the topic, and the parser's location.
 */
public final class JsonSerdes {

    private static final ObjectMapper DEFAULT_MAPPER = JacksonSupport.newDefaultMapper();

    private JsonSerdes() {
    }

    /** A serde for a POJO or Java record type with the default mapper described on this class. */
    public static <T> Serde<T> of(Class<T> type) {
        return of(type, DEFAULT_MAPPER);
    }

    /**
     * A serde for a POJO or Java record type with a caller's mapper. The mapper must not be
     * reconfigured afterwards (Jackson's rule for shared mappers).
     */
    public static <T> Serde<T> of(Class<T> type, ObjectMapper mapper) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mapper, "mapper");
        return new JacksonSerde<>(type.getName(), mapper.writerFor(type), mapper.readerFor(type));
    }

    /** A schema-free serde for any JSON value as a Jackson tree. */
    public static Serde<JsonNode> tree() {
        return new JacksonSerde<>("JsonNode", DEFAULT_MAPPER.writerFor(JsonNode.class), DEFAULT_MAPPER.readerFor(JsonNode.class));
    }

    private static final class JacksonSerde<T> implements Serde<T> {

        private final String typeName;
        private final ObjectWriter writer;
        private final ObjectReader reader;

        JacksonSerde(String typeName, ObjectWriter writer, ObjectReader reader) {
            this.typeName = typeName;
            this.writer = writer;
            this.reader = reader;
        }

        @Override
        public byte[] serialize(String topic, T value) {
            if (value == null) {
                return null;
            }
            try {
                return writer.writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new SerdeException("cannot write a " + typeName + " as JSON for topic " + topic + ": "
                        + e.getOriginalMessage(), e);
            }
        }

        @Override
        public T deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (blank(bytes)) {
                throw noValue(topic, bytes);
            }
            if (bytes[0] == 0x00 && bytes.length >= 5) {
                // no JSON text starts with a NUL: this is almost surely Confluent's framing
                int id = ((bytes[1] & 0xFF) << 24) | ((bytes[2] & 0xFF) << 16) | ((bytes[3] & 0xFF) << 8) | (bytes[4] & 0xFF);
                throw new SerdeException("cannot read a " + typeName + " from " + bytes.length + " bytes of topic " + topic
                        + ": the bytes look registry-framed (magic byte 0x00, then schema id " + id + "), not JSON text;"
                        + " read this topic with a schema-registry serde (for example AvroSerdes) instead");
            }
            try {
                T value = reader.readValue(bytes);
                if (value == null || value instanceof JsonNode node && node.isMissingNode()) {
                    throw noValue(topic, bytes);
                }
                return value;
            } catch (JsonProcessingException e) {
                String where = JacksonSupport.where(e);
                throw new SerdeException("cannot read a " + typeName + " from " + bytes.length + " bytes of topic "
                        + topic + where + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new SerdeException("cannot read a " + typeName + " from " + bytes.length + " bytes of topic "
                        + topic + ": " + e.getMessage(), e);
            }
        }

        private SerdeException noValue(String topic, byte[] bytes) {
            return new SerdeException("cannot read a " + typeName + " from " + bytes.length + " bytes of topic " + topic
                    + ": no JSON value (empty, only whitespace, or the JSON literal null)");
        }

        private static boolean blank(byte[] bytes) {
            for (byte b : bytes) {
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return "JsonSerdes.of(" + typeName + ")";
        }
    }
}
