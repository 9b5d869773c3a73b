package io.eddy.serde.json.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * What Eddy's JSON serdes (plain, and JSON Schema with the registry) share about Jackson: the
 * default mapper and how a parse or mapping failure's location is told. Stateless and thread-safe.
 */
public final class JacksonSupport {

    private JacksonSupport() {
    }

    /**
     * A new mapper with Eddy's JSON defaults: Java records, {@code java.time} types as ISO-8601
     * text, {@code Optional}, unknown properties ignored when reading.
     */
    public static ObjectMapper newDefaultMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * Where a Jackson failure happened, for a message: {@code " at byte 12 (at lines[0].sku)"},
     * either part left out when unknown, or the empty string.
     */
    public static String where(JsonProcessingException e) {
        String where = e.getLocation() == null || e.getLocation().getByteOffset() < 0 ? ""
                : " at byte " + e.getLocation().getByteOffset();
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference r : m.getPath()) {
                path.append(r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]");
            }
            where += " (at " + path.substring(path.charAt(0) == '.' ? 1 : 0) + ")";
        }
        return where;
    }
}
