package io.eddy.serde.registry;

import java.util.Objects;

/**
 * A reference from one schema to a schema registered under another subject, as in the
 * registry's {@code references} array. For Avro, {@code name} is the full name of the referenced
 * named type (for example {@code com.acme.Address}).
 *
 * @param name the name the referencing schema uses for the referenced one; never null
 * @param subject the subject the referenced schema is registered under; never null
 * @param version the version under that subject (positive), or -1 for the latest version
 */
public record SchemaReference(String name, String subject, int version) {

    /** Validates the components. */
    public SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
        if (version <= 0 && version != -1) {
            throw new IllegalArgumentException("schema reference version must be positive or -1, got " + version);
        }
    }
}
