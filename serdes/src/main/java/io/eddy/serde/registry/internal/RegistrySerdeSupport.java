package io.eddy.serde.registry.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eddy.serde.SerdeException;
import io.eddy.serde.registry.IncompatibleSchemaException;
import io.eddy.serde.registry.InvalidSchemaException;
import io.eddy.serde.registry.RegisteredSchema;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaNotFoundException;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SchemaRegistryException;
import io.eddy.serde.registry.SchemaType;
import io.eddy.serde.registry.SubjectNotFoundException;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What every schema-registry serde does around its schema language, shared by the Protobuf and
 * JSON Schema serdes (and the Avro serde's error mapping): choosing the writer schema id (the
 * value's own schema registered or looked up under its subject, the subject's latest version, or
 * a fixed id), framing it (5-byte prefix or schema-id header), finding the writer schema of a
 * record read (header first, then prefix), and turning registry failures into
 * {@link SerdeException}s that are retriable exactly when the registry gave no definite answer.
 *
 * <p>The language-specific serde keeps its own caches of parsed schemas; this class caches the
 * id of each (subject, own schema) pair, so a warm serde makes no registry call and computes no
 * schema text. Thread-safe.
 */
public final class RegistrySerdeSupport {

    private static final int CACHE_SIZE = 1000;

    /**
     * The schema id a value is written with.
     *
     * @param id the registry-wide id
     * @param header the schema-id header value for header mode
     * @param registered the registry's definition when the id came from the registry (latest
     *     version or fixed id), so the serde can write with it; null when it is the value's own
     */
    public record WriterId(int id, byte[] header, SchemaDefinition registered) { }

    /**
     * Where a payload's schema is and where its data starts.
     *
     * @param ref the schema id or GUID, from the header or the prefix
     * @param offset the first byte after the prefix (0 in header mode)
     */
    public record Frame(WireFormat.SchemaRef ref, int offset) {
        /** A key for caches of parsed writer schemas: the GUID if any, else the id. */
        public Object cacheKey() {
            return ref.guid() != null ? ref.guid() : (Object) ref.id();
        }
    }

    private record OwnKey(String subject, Object schema) { }

    private final SchemaRegistryClient client;
    private final RegistrySerdeOptions options;
    private final boolean isKey;
    private final SchemaType type;
    private final String headerName;
    private final Cache<OwnKey, WriterId> ownIds = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();
    private final Cache<Integer, WriterId> fixedIds = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();
    private final Cache<Object, Boolean> checkedWriterSchemas = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();

    /**
     * @param client the registry client; shared, never closed here
     * @param options validated options
     * @param isKey true for record keys
     * @param type the schema language every schema written and read must be in
     */
    public RegistrySerdeSupport(SchemaRegistryClient client, RegistrySerdeOptions options, boolean isKey, SchemaType type) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
        this.isKey = isKey;
        this.type = Objects.requireNonNull(type, "type");
        this.headerName = WireFormat.header(isKey);
    }

    /** The options. */
    public RegistrySerdeOptions options() {
        return options;
    }

    /** The registry client. */
    public SchemaRegistryClient client() {
        return client;
    }

    /** "key" or "value". */
    public String side() {
        return isKey ? "key" : "value";
    }

    /**
     * Checks that a non-null value can be written: in header mode the headers are needed.
     *
     * @throws SerdeException if header mode is on and {@code headers} is null
     */
    public void requireHeadersIfNeeded(Headers headers, String serde) {
        if (options.writeIdInHeaders() && headers == null) {
            throw new SerdeException("this " + serde + " writes the schema id in the " + headerName
                    + " header (writeIdInHeaders=true) and needs serialize(topic, headers, value)");
        }
    }

    /** The subject for a topic and a schema's record name, as the options' strategy names it. */
    public String subject(String topic, String recordName) {
        try {
            return options.subjectNameStrategy().subject(topic, isKey, recordName);
        } catch (IllegalArgumentException e) {
            throw new SerdeException("cannot name the subject for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * The id to write a value with.
     *
     * @param topic the topic written to
     * @param ownSchema the value's own schema, a key for the cache (equal schemas must be equal)
     * @param recordName the schema's record (message) full name, for the subject name strategy
     * @param ownDefinition computes the definition to register or look up (only on a cache miss;
     *     it may itself call the registry, for example to register references)
     * @throws SerdeException retriable if the registry gave no answer
     */
    public WriterId writerId(String topic, Object ownSchema, String recordName, Supplier<SchemaDefinition> ownDefinition) {
        if (options.fixedSchemaId().isPresent()) {
            int id = options.fixedSchemaId().getAsInt();
            WriterId w = fixedIds.getIfPresent(id);
            if (w == null) {
                SchemaDefinition def = call(() -> client.schemaById(id), "get fixed schema id " + id);
                requireType(def, "schema id " + id);
                w = new WriterId(id, header(id, null), def);
                fixedIds.put(id, w);
            }
            return w;
        }
        String subject = subject(topic, recordName);
        if (options.useLatestVersion()) {
            RegisteredSchema latest = call(() -> client.latest(subject), "get the latest schema of subject '" + subject + "'");
            requireType(latest.definition(), "the latest schema of subject '" + subject + "' (id " + latest.id() + ")");
            return new WriterId(latest.id(), header(latest.id(), latest.guid()), latest.definition());
        }
        OwnKey key = new OwnKey(subject, ownSchema);
        WriterId w = ownIds.getIfPresent(key);
        if (w != null) {
            return w;
        }
        SchemaDefinition definition = call(ownDefinition, "build the " + type + " schema " + recordName
                + " for subject '" + subject + "'");
        boolean normalize = options.normalizeSchemas();
        String what = (options.autoRegister() ? "register" : "look up") + " the " + type + " schema " + recordName
                + " under subject '" + subject + "'" + (options.autoRegister() ? "" : " (autoRegister=false)");
        int id;
        String guid = null;
        if (options.autoRegister()) {
            id = call(() -> client.register(subject, definition, normalize), what);
            if (options.writeIdInHeaders()) {
                guid = call(() -> client.lookup(subject, definition, normalize), what).guid();
            }
        } else {
            RegisteredSchema found = call(() -> client.lookup(subject, definition, normalize), what);
            id = found.id();
            guid = found.guid();
        }
        w = new WriterId(id, header(id, guid), null);
        ownIds.put(key, w);
        return w;
    }

    /** How many bytes {@link #putPrefix} writes: 5, or 0 when the id goes in a header. */
    public int prefixLength() {
        return options.writeIdInHeaders() ? 0 : WireFormat.PREFIX_LENGTH;
    }

    /** Writes the 5-byte prefix for {@code w} at the start of {@code target} unless the id goes in a header. */
    public void putPrefix(byte[] target, WriterId w) {
        if (!options.writeIdInHeaders()) {
            target[0] = WireFormat.MAGIC_ID;
            target[1] = (byte) (w.id() >>> 24);
            target[2] = (byte) (w.id() >>> 16);
            target[3] = (byte) (w.id() >>> 8);
            target[4] = (byte) w.id();
        }
    }

    /** Sets the schema-id header for {@code w} (replacing any) if the id goes in a header. */
    public void writeHeader(Headers headers, WriterId w) {
        if (options.writeIdInHeaders()) {
            headers.remove(headerName);
            headers.add(headerName, w.header());
        }
    }

    /**
     * Finds a payload's schema: the schema-id header if present, else the 5-byte prefix.
     *
     * @throws SerdeException (not retriable) if the header or prefix is malformed
     */
    public Frame readFrame(Headers headers, byte[] bytes) {
        Header header = headers == null ? null : headers.lastHeader(headerName);
        if (header != null) {
            return new Frame(WireFormat.readHeader(headerName, header.value()), 0);
        }
        return new Frame(new WireFormat.SchemaRef(WireFormat.readPrefix(bytes), null), WireFormat.PREFIX_LENGTH);
    }

    /**
     * Finds a payload's schema ({@link #readFrame}) and, the first time this serde sees its id or
     * GUID, checks that the registry holds it and that it is of this serde's language
     * ({@link #writerDefinition}), for serdes that read with their own schema rather than the
     * writer's: an unknown id then fails the record instead of being read as garbage.
     */
    public Frame readCheckedFrame(String topic, Headers headers, byte[] bytes) {
        Frame frame = readFrame(headers, bytes);
        if (checkedWriterSchemas.getIfPresent(frame.cacheKey()) == null) {
            writerDefinition(topic, frame.ref());
            checkedWriterSchemas.put(frame.cacheKey(), Boolean.TRUE);
        }
        return frame;
    }

    /**
     * The writer schema of a payload read from {@code topic} (the client caches it).
     *
     * @throws SerdeException not retriable if the registry has no such schema or it is of another
     *     language; retriable if the registry gave no answer
     */
    public SchemaDefinition writerDefinition(String topic, WireFormat.SchemaRef ref) {
        SchemaDefinition def = call(() -> ref.guid() != null ? client.schemaByGuid(ref.guid().toString())
                : client.schemaById(ref.id()), "get " + ref.describe() + " to read a record of topic " + topic);
        requireType(def, ref.describe());
        return def;
    }

    private void requireType(SchemaDefinition def, String what) {
        if (def.type() != type) {
            throw new SerdeException(what + " is a " + def.type() + " schema; this serde reads and writes " + type);
        }
    }

    /**
     * Calls the registry, turning its failures into {@link SerdeException}s: not retriable when
     * the answer is definite (no such schema or subject, incompatible or invalid schema),
     * retriable otherwise (unreachable, unauthorized, a malformed answer).
     *
     * @param what what the call does, for the message ("get schema id 7")
     */
    public static <R> R call(Supplier<R> call, String what) {
        try {
            return call.get();
        } catch (SchemaRegistryException e) {
            boolean definite = e instanceof SchemaNotFoundException || e instanceof SubjectNotFoundException
                    || e instanceof IncompatibleSchemaException || e instanceof InvalidSchemaException;
            throw new SerdeException("cannot " + what + ": " + e.getMessage(), e, !definite);
        }
    }

    /**
     * A schema-id header value: 0x01 and the GUID when the registry gave a GUID (as a UUID),
     * else 0x00 and the 4-byte id.
     */
    public static byte[] header(int id, String guid) {
        if (guid != null) {
            try {
                return WireFormat.guidHeader(UUID.fromString(guid));
            } catch (IllegalArgumentException e) {
                // Not a UUID: fall back to the id, which every reader understands.
            }
        }
        return WireFormat.prefix(id);
    }
}
