package io.eddy.serde.avro.internal;

import io.eddy.serde.SerdeException;
import io.eddy.serde.registry.RegisteredSchema;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaReference;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SchemaType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Parses registry schemas into Avro schemas, resolving references: each referenced subject
 * version is fetched (through the client's cache) and parsed first, depth first, each once, into
 * one parser, so the referencing schema can name its types. Stateless.
 */
final class AvroSchemas {

    private AvroSchemas() {
    }

    /** Parses a registry schema, fetching its references. */
    static Schema parse(SchemaRegistryClient client, SchemaDefinition definition, String what) {
        if (definition.type() != SchemaType.AVRO) {
            throw new SerdeException(what + " is a " + definition.type() + " schema, not Avro");
        }
        Schema.Parser parser = new Schema.Parser();
        addReferences(client, parser, definition.references(), new HashSet<>(), new ArrayList<>(), what);
        try {
            return parser.parse(definition.schema());
        } catch (SchemaParseException e) {
            throw new SerdeException(what + " is not a valid Avro schema: " + e.getMessage(), e);
        }
    }

    /** The top-level schemas of the references, parsed in dependency order. */
    static List<Schema> referenced(SchemaRegistryClient client, List<SchemaReference> references, String what) {
        List<Schema> out = new ArrayList<>();
        addReferences(client, new Schema.Parser(), references, new HashSet<>(), out, what);
        return out;
    }

    private static void addReferences(SchemaRegistryClient client, Schema.Parser parser, List<SchemaReference> refs,
            Set<String> seen, List<Schema> out, String what) {
        for (SchemaReference ref : refs) {
            RegisteredSchema registered = ref.version() == -1 ? client.latest(ref.subject())
                    : client.version(ref.subject(), ref.version());
            if (!seen.add(registered.subject() + "/" + registered.version())) {
                continue;
            }
            SchemaDefinition def = registered.definition();
            if (def.type() != SchemaType.AVRO) {
                throw new SerdeException(what + ": reference " + ref.name() + " is a " + def.type() + " schema, not Avro");
            }
            addReferences(client, parser, def.references(), seen, out, what);
            try {
                out.add(parser.parse(def.schema()));
            } catch (SchemaParseException e) {
                throw new SerdeException(what + ": reference " + ref.name() + " (subject " + ref.subject()
                        + ", version " + registered.version() + ") is not a valid Avro schema: " + e.getMessage(), e);
            }
        }
    }

    /** The full name of a named schema, or null. */
    static String fullName(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getFullName();
            default -> null;
        };
    }
}
