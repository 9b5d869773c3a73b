package io.eddy.serde.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eddy.serde.registry.CompatibilityLevel;
import io.eddy.serde.registry.CompatibilityResult;
import io.eddy.serde.registry.RegisteredSchema;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaNotFoundException;
import io.eddy.serde.registry.SchemaReference;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SchemaRegistryException;
import io.eddy.serde.registry.SchemaType;
import io.eddy.serde.registry.SubjectNotFoundException;
import io.eddy.serde.registry.internal.RegistryTransport.NotFound;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The caching HTTP implementation of {@link SchemaRegistryClient}.
 *
 * <p>Caches, each bounded by {@link SchemaRegistry#cacheCapacity()}:
 * <ul>
 *   <li>{@code ids}: (subject, schema content) → id, filled by register and lookup;</li>
 *   <li>{@code lookups}: (subject, schema content) → registered schema, filled by lookup, version
 *       and latest;</li>
 *   <li>{@code byId} and {@code byGuid}: id/GUID → schema, filled by every answer that names one;</li>
 *   <li>{@code versions}: (subject, version) → registered schema;</li>
 *   <li>{@code latest}: subject → registered schema, expiring after the latest-version TTL;</li>
 *   <li>{@code misses}: "not found" answers for ids, GUIDs and lookups, expiring after the
 *       negative-cache TTL (absent when that is zero).</li>
 * </ul>
 * Keys compare schema content ({@link SchemaDefinition#equals}), never object identity. Loads are
 * not coalesced: two threads missing the same key both ask the registry, and the answers are the
 * same; this keeps a slow registry call from holding a cache lock.
 *
 * <p>Thread-safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private record SubjectSchema(String subject, SchemaDefinition schema) { }

    private record SubjectVersion(String subject, int version) { }

    private final ObjectMapper json = new ObjectMapper();
    private final RegistryTransport transport;
    private final Cache<SubjectSchema, Integer> ids;
    private final Cache<SubjectSchema, RegisteredSchema> lookups;
    private final Cache<Integer, SchemaDefinition> byId;
    private final Cache<String, SchemaDefinition> byGuid;
    private final Cache<SubjectVersion, RegisteredSchema> versions;
    private final Cache<String, RegisteredSchema> latest;
    private final Cache<Object, SchemaRegistryException> misses;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Creates a client; prefer {@link SchemaRegistryClient#create(SchemaRegistry)}. */
    public HttpSchemaRegistryClient(SchemaRegistry config) {
        Objects.requireNonNull(config, "config");
        this.transport = new RegistryTransport(config, json);
        int capacity = config.cacheCapacity();
        this.ids = Caffeine.newBuilder().maximumSize(capacity).build();
        this.lookups = Caffeine.newBuilder().maximumSize(capacity).build();
        this.byId = Caffeine.newBuilder().maximumSize(capacity).build();
        this.byGuid = Caffeine.newBuilder().maximumSize(capacity).build();
        this.versions = Caffeine.newBuilder().maximumSize(capacity).build();
        this.latest = config.latestVersionTtl().isZero() ? null
                : Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(config.latestVersionTtl()).build();
        this.misses = config.negativeCacheTtl().isZero() ? null
                : Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(config.negativeCacheTtl()).build();
    }

    @Override
    public int register(String subject, SchemaDefinition asked, boolean normalize) {
        requireOpen();
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(asked, "schema");
        SchemaDefinition schema = withLatestReferencesResolved(asked);
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = ids.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = transport.send("POST", "/subjects/" + encode(subject) + "/versions" + normalizeQuery(normalize), body(schema),
                "register a schema under subject '" + subject + "'", NotFound.SUBJECT);
        int id = requireInt(answer, "id", "register under subject '" + subject + "'");
        ids.put(key, id);
        byId.put(id, schema);
        String guid = text(answer, "guid");
        if (guid != null) {
            byGuid.put(guid, schema);
        }
        if (misses != null) {
            misses.invalidate(key);
            misses.invalidate(List.of(key, "normalize"));
            misses.invalidate(id);
        }
        return id;
    }

    @Override
    public RegisteredSchema lookup(String subject, SchemaDefinition asked, boolean normalize) {
        requireOpen();
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(asked, "schema");
        SchemaDefinition schema = withLatestReferencesResolved(asked);
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema cached = lookups.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        // a miss without normalizing may be a hit with it: remember misses per flag
        Object missKey = normalize ? List.of(key, "normalize") : key;
        throwIfMissed(missKey);
        try {
            JsonNode answer = transport.send("POST", "/subjects/" + encode(subject) + normalizeQuery(normalize), body(schema),
                    "look up a schema under subject '" + subject + "'", NotFound.SCHEMA);
            RegisteredSchema found = registered(answer, subject, schema, "look up under subject '" + subject + "'");
            remember(found);
            lookups.put(key, found);
            return found;
        } catch (SchemaNotFoundException | SubjectNotFoundException e) {
            rememberMiss(missKey, e);
            throw e;
        }
    }

    private static String normalizeQuery(boolean normalize) {
        return normalize ? "?normalize=true" : "";
    }

    /**
     * The schema with each reference of version -1 ("latest") replaced by the referenced
     * subject's current version (through the latest-version cache), as the registry stores
     * references with concrete versions.
     */
    private SchemaDefinition withLatestReferencesResolved(SchemaDefinition schema) {
        if (schema.references().stream().noneMatch(r -> r.version() == -1)) {
            return schema;
        }
        List<SchemaReference> resolved = new ArrayList<>(schema.references().size());
        for (SchemaReference r : schema.references()) {
            resolved.add(r.version() != -1 ? r : new SchemaReference(r.name(), r.subject(), latest(r.subject()).version()));
        }
        return new SchemaDefinition(schema.type(), schema.schema(), resolved);
    }

    @Override
    public SchemaDefinition schemaById(int id) {
        requireOpen();
        SchemaDefinition cached = byId.getIfPresent(id);
        if (cached != null) {
            return cached;
        }
        throwIfMissed(id);
        try {
            JsonNode answer = transport.send("GET", "/schemas/ids/" + id, null, "get schema id " + id, NotFound.SCHEMA);
            SchemaDefinition schema = definition(answer, "get schema id " + id);
            byId.put(id, schema);
            return schema;
        } catch (SchemaNotFoundException e) {
            rememberMiss(id, e);
            throw e;
        }
    }

    @Override
    public SchemaDefinition schemaByGuid(String guid) {
        requireOpen();
        Objects.requireNonNull(guid, "guid");
        String key = guid.toLowerCase(Locale.ROOT);
        SchemaDefinition cached = byGuid.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        throwIfMissed("guid:" + key);
        try {
            JsonNode answer = transport.send("GET", "/schemas/guids/" + encode(key), null,
                    "get schema guid " + key, NotFound.SCHEMA);
            SchemaDefinition schema = definition(answer, "get schema guid " + key);
            byGuid.put(key, schema);
            return schema;
        } catch (SchemaNotFoundException e) {
            rememberMiss("guid:" + key, e);
            throw e;
        }
    }

    @Override
    public RegisteredSchema latest(String subject) {
        requireOpen();
        Objects.requireNonNull(subject, "subject");
        if (latest != null) {
            RegisteredSchema cached = latest.getIfPresent(subject);
            if (cached != null) {
                return cached;
            }
        }
        JsonNode answer = transport.send("GET", "/subjects/" + encode(subject) + "/versions/latest", null,
                "get the latest version of subject '" + subject + "'", NotFound.SUBJECT);
        RegisteredSchema found = registered(answer, subject, null, "latest version of subject '" + subject + "'");
        remember(found);
        if (latest != null) {
            latest.put(subject, found);
        }
        return found;
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        requireOpen();
        Objects.requireNonNull(subject, "subject");
        if (version <= 0) {
            throw new IllegalArgumentException("version must be positive, got " + version);
        }
        SubjectVersion key = new SubjectVersion(subject, version);
        RegisteredSchema cached = versions.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = transport.send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null,
                "get version " + version + " of subject '" + subject + "'", NotFound.SUBJECT);
        RegisteredSchema found = registered(answer, subject, null, "version " + version + " of subject '" + subject + "'");
        remember(found);
        return found;
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, SchemaDefinition schema) {
        return compatibility(subject, schema, "latest");
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, SchemaDefinition schema, int version) {
        if (version <= 0) {
            throw new IllegalArgumentException("version must be positive, got " + version);
        }
        return compatibility(subject, schema, Integer.toString(version));
    }

    private CompatibilityResult compatibility(String subject, SchemaDefinition schema, String version) {
        requireOpen();
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        String what = "test compatibility against version " + version + " of subject '" + subject + "'";
        JsonNode answer = transport.send("POST",
                "/compatibility/subjects/" + encode(subject) + "/versions/" + version + "?verbose=true",
                body(withLatestReferencesResolved(schema)), what, NotFound.SUBJECT);
        JsonNode verdict = answer.get("is_compatible");
        if (verdict == null || !verdict.isBoolean()) {
            throw new SchemaRegistryException(what + ": answer has no boolean 'is_compatible'", 200, -1);
        }
        List<String> messages = new ArrayList<>();
        for (String field : List.of("messages", "reason")) {
            JsonNode node = answer.get(field);
            if (node == null || node.isNull()) {
                continue;
            }
            if (node.isArray()) {
                node.forEach(m -> messages.add(m.asText()));
            } else {
                messages.add(node.asText());
            }
        }
        return new CompatibilityResult(verdict.asBoolean(), messages);
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        requireOpen();
        JsonNode answer;
        if (subject == null) {
            answer = transport.send("GET", "/config", null, "get the global compatibility level", NotFound.SCHEMA);
        } else {
            try {
                answer = transport.send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null,
                        "get the compatibility level of subject '" + subject + "'", NotFound.SUBJECT);
            } catch (SubjectNotFoundException | SchemaNotFoundException e) {
                // Registries without defaultToGlobal answer 404 for a subject without its own level.
                return compatibility(null);
            }
        }
        String level = text(answer, "compatibilityLevel");
        if (level == null) {
            level = text(answer, "compatibility");
        }
        if (level == null) {
            throw new SchemaRegistryException("compatibility level of " + (subject == null ? "the registry" : "subject '" + subject + "'")
                    + ": answer has neither 'compatibilityLevel' nor 'compatibility'", 200, -1);
        }
        try {
            return CompatibilityLevel.valueOf(level.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException("unknown compatibility level '" + level + "' in the registry's answer", 200, -1, e);
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        requireOpen();
        Objects.requireNonNull(level, "level");
        ObjectNode body = json.createObjectNode().put("compatibility", level.name());
        String path = subject == null ? "/config" : "/config/" + encode(subject);
        transport.send("PUT", path, body, "set the compatibility level of "
                + (subject == null ? "the registry" : "subject '" + subject + "'") + " to " + level, NotFound.SUBJECT);
    }

    @Override
    public List<String> subjects() {
        requireOpen();
        JsonNode answer = transport.send("GET", "/subjects", null, "list subjects", NotFound.SUBJECT);
        List<String> out = new ArrayList<>();
        requireArray(answer, "list subjects").forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    @Override
    public List<Integer> versions(String subject) {
        requireOpen();
        Objects.requireNonNull(subject, "subject");
        JsonNode answer = transport.send("GET", "/subjects/" + encode(subject) + "/versions", null,
                "list versions of subject '" + subject + "'", NotFound.SUBJECT);
        return ints(answer, "list versions of subject '" + subject + "'");
    }

    @Override
    public List<Integer> deleteSubject(String subject) {
        requireOpen();
        Objects.requireNonNull(subject, "subject");
        JsonNode answer = transport.send("DELETE", "/subjects/" + encode(subject), null,
                "delete subject '" + subject + "'", NotFound.SUBJECT);
        ids.asMap().keySet().removeIf(k -> k.subject().equals(subject));
        lookups.asMap().keySet().removeIf(k -> k.subject().equals(subject));
        versions.asMap().keySet().removeIf(k -> k.subject().equals(subject));
        if (latest != null) {
            latest.invalidate(subject);
        }
        return ints(answer, "delete subject '" + subject + "'");
    }

    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient" + "{closed=" + closed.get() + "}";
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("schema registry client is closed");
        }
    }

    private void remember(RegisteredSchema found) {
        byId.put(found.id(), found.definition());
        if (found.guid() != null) {
            byGuid.put(found.guid().toLowerCase(Locale.ROOT), found.definition());
        }
        versions.put(new SubjectVersion(found.subject(), found.version()), found);
        SubjectSchema key = new SubjectSchema(found.subject(), found.definition());
        lookups.put(key, found);
        ids.put(key, found.id());
    }

    private void throwIfMissed(Object key) {
        if (misses != null) {
            SchemaRegistryException miss = misses.getIfPresent(key);
            if (miss != null) {
                throw miss;
            }
        }
    }

    private void rememberMiss(Object key, SchemaRegistryException e) {
        if (misses != null) {
            misses.put(key, e);
        }
    }

    private ObjectNode body(SchemaDefinition schema) {
        ObjectNode body = json.createObjectNode();
        body.put("schema", schema.schema());
        if (schema.type() != SchemaType.AVRO) {
            body.put("schemaType", schema.type().name());
        }
        if (!schema.references().isEmpty()) {
            ArrayNode refs = body.putArray("references");
            for (SchemaReference r : schema.references()) {
                refs.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
            }
        }
        return body;
    }

    private RegisteredSchema registered(JsonNode answer, String subject, SchemaDefinition asked, String what) {
        int id = requireInt(answer, "id", what);
        int version = requireInt(answer, "version", what);
        String answeredSubject = text(answer, "subject");
        // A lookup answer's schema text may be normalized by the registry; keep the caller's so
        // that later lookups with the same content hit the cache.
        SchemaDefinition definition = asked != null ? asked : definition(answer, what);
        return new RegisteredSchema(answeredSubject != null ? answeredSubject : subject, version, id,
                text(answer, "guid"), definition);
    }

    private SchemaDefinition definition(JsonNode answer, String what) {
        String schema = text(answer, "schema");
        if (schema == null) {
            throw new SchemaRegistryException(what + ": answer has no 'schema' text", 200, -1);
        }
        String type = text(answer, "schemaType");
        SchemaType schemaType;
        try {
            schemaType = type == null ? SchemaType.AVRO : SchemaType.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException(what + ": unknown schemaType '" + type + "'", 200, -1, e);
        }
        List<SchemaReference> refs = new ArrayList<>();
        JsonNode refsNode = answer.get("references");
        if (refsNode != null && refsNode.isArray()) {
            for (JsonNode r : refsNode) {
                String name = text(r, "name");
                String refSubject = text(r, "subject");
                if (name == null || refSubject == null || !r.has("version") || !r.get("version").canConvertToInt()) {
                    throw new SchemaRegistryException(what + ": malformed reference " + r, 200, -1);
                }
                refs.add(new SchemaReference(name, refSubject, r.get("version").asInt()));
            }
        }
        return new SchemaDefinition(schemaType, schema, refs);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static int requireInt(JsonNode node, String field, String what) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new SchemaRegistryException(what + ": answer has no integer '" + field + "'", 200, -1);
        }
        return v.asInt();
    }

    private static JsonNode requireArray(JsonNode node, String what) {
        if (!node.isArray()) {
            throw new SchemaRegistryException(what + ": expected a JSON array in the registry's answer", 200, -1);
        }
        return node;
    }

    private static List<Integer> ints(JsonNode node, String what) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode n : requireArray(node, what)) {
            if (!n.canConvertToInt()) {
                throw new SchemaRegistryException(what + ": expected integers in the registry's answer", 200, -1);
            }
            out.add(n.asInt());
        }
        return List.copyOf(out);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
