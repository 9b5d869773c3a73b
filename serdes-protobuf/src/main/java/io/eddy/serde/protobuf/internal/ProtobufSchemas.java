package io.eddy.serde.protobuf.internal;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.eddy.serde.registry.RegisteredSchema;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaReference;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SchemaType;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code .proto} file as the registry holds it, with its imports as references, the way
 * Confluent's {@code KafkaProtobufSerializer} registers them: each imported file is registered
 * (or, without auto-register, looked up) first, under a subject named after its import path
 * ({@code common.proto}, Confluent's default reference subject name strategy), and referenced by
 * that name, subject and version. The well-known types ({@code google/protobuf/…}) are not
 * registered: registries know them. Also the message-index path of a message type in its file.
 * Stateless and thread-safe.
 */
public final class ProtobufSchemas {

    private static final String WELL_KNOWN = "google/protobuf/";

    private ProtobufSchemas() {
    }

    /**
     * The definition of {@code file}, after registering (or looking up) each file it imports.
     *
     * @param register true to register the imports, false to look them up (they must exist)
     * @throws io.eddy.serde.registry.SchemaRegistryException if the registry refuses or lacks an import
     * @throws IllegalArgumentException if a file cannot be rendered ({@link ProtoText})
     */
    public static SchemaDefinition definition(FileDescriptor file, SchemaRegistryClient client, boolean register,
            boolean normalize) {
        List<SchemaReference> references = new ArrayList<>();
        for (FileDescriptor dependency : file.getDependencies()) {
            String name = dependency.getName();
            if (name.startsWith(WELL_KNOWN)) {
                continue;
            }
            SchemaDefinition imported = definition(dependency, client, register, normalize);
            if (register) {
                client.register(name, imported, normalize);
            }
            RegisteredSchema found = client.lookup(name, imported, normalize);
            references.add(new SchemaReference(name, name, found.version()));
        }
        return new SchemaDefinition(SchemaType.PROTOBUF, ProtoText.render(file), references);
    }

    /**
     * The path of a message type in its file: its index among the file's top-level messages, then
     * among its parent's nested messages, outermost first ({@code [0]} for the first top-level
     * message, {@code [1, 0]} for the first message nested in the second). The entry types of
     * {@code map} fields do not count, as they do not in the file's source text.
     */
    public static int[] indexes(Descriptor message) {
        List<Integer> path = new ArrayList<>();
        for (Descriptor d = message; d != null; d = d.getContainingType()) {
            List<Descriptor> siblings = d.getContainingType() == null ? d.getFile().getMessageTypes()
                    : messages(d.getContainingType().getNestedTypes());
            path.add(0, siblings.indexOf(d));
        }
        return path.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The message types among {@code nested}, without the entry types protoc generates for
     * {@code map} fields: a {@code .proto} file (and so Confluent's indexes) has no such message.
     */
    private static List<Descriptor> messages(List<Descriptor> nested) {
        return nested.stream().filter(d -> !d.getOptions().getMapEntry()).toList();
    }

    /**
     * The message type at a path in a file.
     *
     * @throws IllegalArgumentException if the path leads nowhere in this file
     */
    public static Descriptor messageAt(FileDescriptor file, int[] indexes) {
        List<Descriptor> candidates = file.getMessageTypes();
        Descriptor found = null;
        for (int index : indexes) {
            if (index >= candidates.size()) {
                throw new IllegalArgumentException("message index path " + java.util.Arrays.toString(indexes)
                        + " leads nowhere in " + file.getName() + (found == null ? "" : " (past " + found.getFullName() + ")"));
            }
            found = candidates.get(index);
            candidates = messages(found.getNestedTypes());
        }
        return found;
    }
}
