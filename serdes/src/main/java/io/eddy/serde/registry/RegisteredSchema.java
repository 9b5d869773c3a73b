package io.eddy.serde.registry;

import java.util.Objects;

/**
 * A schema as registered under a subject.
 *
 * @param subject the subject; never null
 * @param version the version under the subject, from 1
 * @param id the registry-wide schema id
 * @param guid the registry-wide schema GUID (Confluent 8 and later), or null if the registry
 *     does not assign GUIDs
 * @param definition the schema; never null
 */
public record RegisteredSchema(String subject, int version, int id, String guid, SchemaDefinition definition) {

    /** Validates the components. */
    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(definition, "definition");
    }
}
