package io.eddy.serde.registry;

import java.util.List;
import java.util.Objects;

/**
 * A schema as the registry stores it: its language, its text and its references to schemas
 * under other subjects. Two definitions are equal when type, text and references are equal;
 * the registry clients cache by this content, never by object identity.
 *
 * <pre>{@code
 * SchemaDefinition d = SchemaDefinition.avro(Order.getClassSchema().toString());
 * }</pre>
 *
 * @param type the schema language; never null
 * @param schema the schema text; never null
 * @param references the references, in order; never null, copied
 */
public record SchemaDefinition(SchemaType type, String schema, List<SchemaReference> references) {

    /** Validates and copies the components. */
    public SchemaDefinition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
        references = List.copyOf(Objects.requireNonNull(references, "references"));
    }

    /** An Avro schema without references. */
    public static SchemaDefinition avro(String schema) {
        return new SchemaDefinition(SchemaType.AVRO, schema, List.of());
    }

    /** An Avro schema that refers to the named types of other subjects. */
    public static SchemaDefinition avro(String schema, List<SchemaReference> references) {
        return new SchemaDefinition(SchemaType.AVRO, schema, references);
    }
}
