package io.eddy.serde.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A schema registry held in this client's memory, for unit tests and benchmarks that need a
 * registry's answers but no server (Confluent's {@code mock://} client plays this part). Ids are
 * global, one per distinct (type, text, references), from 1, as on Confluent; each subject holds
 * versions from 1; registering a schema a subject already holds returns its id. No GUIDs, no
 * normalization (schemas are compared by text), no compatibility checks (every level is
 * {@link CompatibilityLevel#NONE} and every schema is compatible); deletion is permanent.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
 * Serde<Order> orders = ProtobufSerdes.specific(Order.class, registry);
 * }</pre>
 *
 * <p>Thread-safe (every method is synchronized); never blocks on anything else. Closing does
 * nothing: the schemas live as long as the object.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<SchemaDefinition, Integer> ids = new LinkedHashMap<>();
    private final List<SchemaDefinition> byId = new ArrayList<>();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();

    /** Creates an empty registry. */
    public InMemorySchemaRegistryClient() {
    }

    @Override
    public synchronized int register(String subject, SchemaDefinition schema, boolean normalize) {
        Objects.requireNonNull(subject, "subject");
        SchemaDefinition resolved = resolveLatest(schema);
        Integer id = ids.get(resolved);
        if (id == null) {
            byId.add(resolved);
            id = byId.size();
            ids.put(resolved, id);
        }
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, SchemaDefinition schema, boolean normalize) {
        List<Integer> versions = versionsOf(subject);
        Integer id = ids.get(resolveLatest(schema));
        int index = id == null ? -1 : versions.indexOf(id);
        if (index < 0) {
            throw new SchemaNotFoundException("subject '" + subject + "' does not hold this schema", 404, 40403);
        }
        return new RegisteredSchema(subject, index + 1, id, null, byId.get(id - 1));
    }

    @Override
    public synchronized SchemaDefinition schemaById(int id) {
        if (id < 1 || id > byId.size()) {
            throw new SchemaNotFoundException("no schema has id " + id, 404, 40403);
        }
        return byId.get(id - 1);
    }

    @Override
    public SchemaDefinition schemaByGuid(String guid) {
        throw new SchemaNotFoundException("no schema has guid " + guid + " (this registry assigns no GUIDs)", 404, 40403);
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versionsOf(subject);
        return version(subject, versions.size());
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        List<Integer> versions = versionsOf(subject);
        if (version < 1 || version > versions.size()) {
            throw new SchemaNotFoundException("subject '" + subject + "' has no version " + version, 404, 40402);
        }
        int id = versions.get(version - 1);
        return new RegisteredSchema(subject, version, id, null, byId.get(id - 1));
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, SchemaDefinition schema) {
        return new CompatibilityResult(true, List.of());
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, SchemaDefinition schema, int version) {
        return new CompatibilityResult(true, List.of());
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        return CompatibilityLevel.NONE;
    }

    /** Accepts only {@link CompatibilityLevel#NONE}: this registry checks nothing. */
    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        if (level != CompatibilityLevel.NONE) {
            throw new UnsupportedOperationException("the in-memory registry checks no compatibility; got " + level);
        }
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        List<Integer> out = new ArrayList<>();
        for (int v = 1; v <= versionsOf(subject).size(); v++) {
            out.add(v);
        }
        return out;
    }

    @Override
    public synchronized List<Integer> deleteSubject(String subject) {
        List<Integer> versions = versions(subject);
        subjects.remove(subject);
        return versions;
    }

    @Override
    public void close() {
    }

    private List<Integer> versionsOf(String subject) {
        List<Integer> versions = subjects.get(Objects.requireNonNull(subject, "subject"));
        if (versions == null) {
            throw new SubjectNotFoundException("subject '" + subject + "' not found", 404, 40401);
        }
        return versions;
    }

    private SchemaDefinition resolveLatest(SchemaDefinition schema) {
        List<SchemaReference> refs = new ArrayList<>();
        for (SchemaReference r : schema.references()) {
            refs.add(r.version() != -1 ? r : new SchemaReference(r.name(), r.subject(), versionsOf(r.subject()).size()));
        }
        return new SchemaDefinition(schema.type(), schema.schema(), refs);
    }
}
