package io.eddy.serde.avro.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Says, before any record is read, why data written with one schema cannot be read with another,
 * in terms a user can act on: which field, and what is wrong with it (missing with no default,
 * a type that does not promote, a missing enum symbol, …). Without this check Avro's resolving
 * decoder fails only at the first record, with a message that reads like a corrupt payload.
 * Stateless.
 */
final class SchemaResolution {

    private SchemaResolution() {
    }

    /**
     * Why {@code reader} cannot read data written with {@code writer}, or null if it can.
     */
    static String whyUnreadable(Schema writer, Schema reader) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        List<String> reasons = new ArrayList<>();
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
            reasons.add(explain(i, reader));
        }
        return reasons.isEmpty() ? result.getDescription() : String.join("; ", reasons);
    }

    private static String explain(Incompatibility i, Schema reader) {
        String field = fieldPath(i.getLocation(), reader);
        String where = field.isEmpty() ? "" : "field '" + field + "': ";
        return switch (i.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "field '" + missingField(field, i.getMessage())
                    + "' of the reader schema is missing from the writer schema and has no default";
            case TYPE_MISMATCH -> where + "incompatible types (" + i.getMessage() + ")";
            case MISSING_ENUM_SYMBOLS -> where + "the reader's enum lacks symbols " + i.getMessage();
            case MISSING_UNION_BRANCH -> where + "the reader's union has no branch for " + i.getMessage();
            case NAME_MISMATCH -> where + "the record names differ (" + i.getMessage() + ")";
            case FIXED_SIZE_MISMATCH -> where + "the fixed sizes differ (" + i.getMessage() + ")";
            default -> where + i.getType() + " (" + i.getMessage() + ")";
        };
    }

    private static String missingField(String path, String name) {
        if (path.isEmpty()) {
            return name;
        }
        return path.equals(name) || path.endsWith("." + name) ? path : path + "." + name;
    }

    /**
     * Turns a location such as {@code /fields/2/type/fields/0} into dotted field names of the
     * reader schema ({@code address.street}); what cannot be followed is left out.
     */
    static String fieldPath(String location, Schema reader) {
        if (location == null || location.isEmpty()) {
            return "";
        }
        String[] parts = location.split("/");
        StringBuilder path = new StringBuilder();
        Schema current = reader;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || current == null) {
                continue;
            }
            switch (p) {
                case "fields" -> {
                    if (i + 1 < parts.length && current.getType() == Schema.Type.RECORD) {
                        try {
                            Schema.Field f = current.getFields().get(Integer.parseInt(parts[++i]));
                            path.append(path.length() == 0 ? "" : ".").append(f.name());
                            current = f.schema();
                        } catch (RuntimeException e) {
                            current = null;
                        }
                    }
                }
                case "items" -> current = current.getType() == Schema.Type.ARRAY ? current.getElementType() : null;
                case "values" -> current = current.getType() == Schema.Type.MAP ? current.getValueType() : null;
                case "union" -> {
                    if (i + 1 < parts.length && current.getType() == Schema.Type.UNION) {
                        try {
                            current = current.getTypes().get(Integer.parseInt(parts[++i]));
                        } catch (RuntimeException e) {
                            current = null;
                        }
                    }
                }
                default -> {
                    // "type", "name", "size", "symbols": stay on the current schema
                }
            }
        }
        return path.toString();
    }

    /** A short name for a schema in messages: its full name, or its type. */
    static String describe(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getFullName();
            default -> schema.getType().getName();
        };
    }
}
