package io.eddy.serde.avro.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.avro.AvroSerdeOptions;
import io.eddy.serde.registry.RegisteredSchema;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.internal.RegistrySerdeSupport;
import io.eddy.serde.registry.internal.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * An Avro serde framed in Confluent's wire format, with schemas from a registry. What Java
 * values look like is the {@link AvroModel}'s business; this class frames, caches and reports.
 *
 * <p><b>Writing.</b> The writer schema and its id come from one of three places: the registry
 * id of the value's own schema under the subject (registered or looked up), the latest version
 * under the subject, or a fixed id. The first is cached here per (subject, schema content), so a
 * warm serde computes no schema text and makes no registry call; the other two go through the
 * client's caches (the latest version with its TTL) and then a per-id cache of datum writers.
 *
 * <p><b>Reading.</b> The schema reference comes from the schema-id header if present, else from
 * the 5-byte prefix. The writer schema is fetched and parsed once per id (or GUID), together
 * with a datum reader resolving it to the reader schema. Whether the reader schema can read the
 * writer schema at all is checked then ({@link SchemaResolution}), so an impossible resolution
 * fails every record of that id with the offending field named, never as a "corrupt payload".
 *
 * <p><b>Errors.</b> Everything is thrown as {@link SerdeException}. A failure that says
 * something definite about the record (bad framing, unknown id, a schema the registry rejects or
 * does not hold, bytes that do not decode) is not retriable; a failure to get an answer from the
 * registry (unavailable, unauthorized, a malformed answer) is retriable, so the runtime never
 * drops records because the registry is down or misconfigured.
 *
 * <p>Thread-safe: caches are concurrent, datum readers and writers are shared (Avro's are
 * thread-safe), encoders, decoders and output buffers are per thread.
 *
 * @param <T> the type of values
 */
public final class RegistryAvroSerde<T> implements Serde<T> {

    private static final int MAX_RETAINED_BUFFER = 1 << 20;
    private static final int CACHE_SIZE = 1000;

    private record WriterKey(String subject, Schema schema) { }

    private record Writer(int id, byte[] header, Schema schema, DatumWriter<Object> datumWriter) { }

    /** A datum reader for one writer schema, or why that schema cannot be read ({@code unreadable}). */
    private record Reader(DatumReader<Object> datumReader, Schema writerSchema, String unreadable) { }

    private static final class Buffers {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }

    private final SchemaRegistryClient client;
    private final AvroSerdeOptions options;
    private final boolean isKey;
    private final AvroModel<T> model;
    private final String headerName;
    private final Schema readerSchema;
    private final Cache<WriterKey, Writer> writersBySchema = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();
    private final Cache<Integer, Writer> writersById = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();
    private final Cache<Object, Reader> readers = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();
    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

    /**
     * Creates a serde.
     *
     * @param client the registry client; shared, not closed by the serde
     * @param options validated options
     * @param isKey true for record keys, false for values
     * @param model the Avro data model
     */
    public RegistryAvroSerde(SchemaRegistryClient client, AvroSerdeOptions options, boolean isKey, AvroModel<T> model) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
        this.isKey = isKey;
        this.model = Objects.requireNonNull(model, "model");
        this.headerName = WireFormat.header(isKey);
        this.readerSchema = options.readerSchema() != null ? options.readerSchema() : model.defaultReaderSchema();
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value != null && options.writeIdInHeaders()) {
            throw new SerdeException("this Avro serde writes the schema id in the " + headerName
                    + " header (writeIdInHeaders=true) and needs serialize(topic, headers, value)");
        }
        return serialize(topic, null, value);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T value) {
        if (value == null) {
            return null;
        }
        boolean headerMode = options.writeIdInHeaders();
        if (headerMode && headers == null) {
            throw new SerdeException("this Avro serde writes the schema id in the " + headerName
                    + " header (writeIdInHeaders=true) but was given no headers");
        }
        Schema valueSchema;
        try {
            valueSchema = model.schemaOf(value);
        } catch (IllegalArgumentException e) {
            throw new SerdeException(e.getMessage(), e);
        }
        Writer writer = writerFor(topic, valueSchema);
        Buffers b = buffers.get();
        try {
            b.out.reset();
            if (!headerMode) {
                b.out.write(WireFormat.MAGIC_ID);
                b.out.write(writer.id() >>> 24);
                b.out.write(writer.id() >>> 16);
                b.out.write(writer.id() >>> 8);
                b.out.write(writer.id());
            }
            if (model.rawBytes(writer.schema())) {
                b.out.write((byte[]) value);            // Confluent writes a bytes schema's value raw
            } else {
                b.encoder = EncoderFactory.get().binaryEncoder(b.out, b.encoder);
                writer.datumWriter().write(value, b.encoder);
                b.encoder.flush();
            }
            byte[] bytes = b.out.toByteArray();
            if (headerMode) {
                headers.remove(headerName);
                headers.add(headerName, writer.header());
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerdeException("cannot serialize a " + describe() + " for topic " + topic + " with schema id "
                    + writer.id() + ": " + e, e);
        } finally {
            if (b.out.size() > MAX_RETAINED_BUFFER) {
                buffers.remove();
            }
        }
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        return deserialize(topic, null, bytes);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        Header header = headers == null ? null : headers.lastHeader(headerName);
        WireFormat.SchemaRef ref;
        int offset;
        if (header != null) {
            ref = WireFormat.readHeader(headerName, header.value());
            offset = 0;
        } else {
            ref = new WireFormat.SchemaRef(WireFormat.readPrefix(bytes), null);
            offset = WireFormat.PREFIX_LENGTH;
        }
        Reader reader = readerFor(topic, ref);
        if (reader.unreadable() != null) {
            throw new SerdeException("cannot deserialize a record of topic " + topic + ": " + reader.unreadable());
        }
        if (model.rawBytes(reader.writerSchema())) {
            return model.fromDatum(java.util.Arrays.copyOfRange(bytes, offset, bytes.length));
        }
        Buffers b = buffers.get();
        Object datum;
        try {
            b.decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, b.decoder);
            datum = reader.datumReader().read(null, b.decoder);
        } catch (org.apache.avro.AvroTypeException e) {
            throw new SerdeException("cannot deserialize " + bytes.length + " bytes of topic " + topic + " with "
                    + ref.describe() + " as a " + describe() + ": the data does not match the schema: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerdeException("cannot deserialize " + bytes.length + " bytes of topic " + topic + " with "
                    + ref.describe() + " as a " + describe() + ": the payload is truncated or corrupt (" + e + ")", e);
        }
        try {
            return model.fromDatum(datum);
        } catch (RuntimeException e) {
            throw new SerdeException("cannot build a " + describe() + " from a record of topic " + topic + " read with "
                    + ref.describe() + ": " + e.getMessage(), e);
        }
    }

    private Writer writerFor(String topic, Schema valueSchema) {
        if (options.fixedSchemaId().isPresent()) {
            int id = options.fixedSchemaId().getAsInt();
            Writer w = writersById.getIfPresent(id);
            if (w == null) {
                Schema schema = registry(() -> AvroSchemas.parse(client, client.schemaById(id), "schema id " + id),
                        "get fixed schema id " + id);
                w = new Writer(id, idHeader(id), schema, datumWriter(schema));
                writersById.put(id, w);
            }
            return w;
        }
        String subject = subject(topic, valueSchema);
        if (options.useLatestVersion()) {
            RegisteredSchema latest = registry(() -> client.latest(subject),
                    "get the latest schema of subject '" + subject + "'");
            Writer w = writersById.getIfPresent(latest.id());
            if (w == null) {
                Schema schema = registry(() -> AvroSchemas.parse(client, latest.definition(), "schema id " + latest.id()),
                        "parse the latest schema of subject '" + subject + "'");
                w = new Writer(latest.id(), header(latest.id(), latest.guid()), schema, datumWriter(schema));
                writersById.put(latest.id(), w);
            }
            return w;
        }
        WriterKey key = new WriterKey(subject, valueSchema);
        Writer w = writersBySchema.getIfPresent(key);
        if (w != null) {
            return w;
        }
        SchemaDefinition definition = registry(() -> definition(valueSchema), "resolve the schema references of subject '" + subject + "'");
        String what = (options.autoRegister() ? "register" : "look up") + " the schema " + valueSchema.getFullName()
                + " under subject '" + subject + "'" + (options.autoRegister() ? "" : " (autoRegister=false)");
        int id;
        String guid = null;
        if (options.autoRegister()) {
            id = registry(() -> client.register(subject, definition, options.normalizeSchemas()), what);
            if (options.writeIdInHeaders()) {
                guid = registry(() -> client.lookup(subject, definition, options.normalizeSchemas()), what).guid();
            }
        } else {
            RegisteredSchema found = registry(() -> client.lookup(subject, definition, options.normalizeSchemas()), what);
            id = found.id();
            guid = found.guid();
        }
        w = new Writer(id, header(id, guid), valueSchema, datumWriter(valueSchema));
        writersBySchema.put(key, w);
        return w;
    }

    // Avro 1.12 deprecates toString(Collection, boolean) without a replacement that leaves
    // known named types as references, which is what a schema registered with references needs.
    @SuppressWarnings("deprecation")
    private SchemaDefinition definition(Schema valueSchema) {
        List<Schema> referenced = options.references().isEmpty() ? List.of()
                : AvroSchemas.referenced(client, options.references(), "schema " + valueSchema.getFullName());
        String text = referenced.isEmpty() ? valueSchema.toString() : valueSchema.toString(referenced, false);
        return SchemaDefinition.avro(text, options.references());
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> datumWriter(Schema schema) {
        return (DatumWriter<Object>) model.data().createDatumWriter(schema);
    }

    private Reader readerFor(String topic, WireFormat.SchemaRef ref) {
        Object key = ref.guid() != null ? ref.guid() : (Object) ref.id();
        Reader reader = readers.getIfPresent(key);
        if (reader != null) {
            return reader;
        }
        String what = "get " + ref.describe() + " to read a record of topic " + topic;
        Schema writerSchema = registry(() -> {
            SchemaDefinition def = ref.guid() != null ? client.schemaByGuid(ref.guid().toString()) : client.schemaById(ref.id());
            return AvroSchemas.parse(client, def, ref.describe());
        }, what);
        Schema reading = readerSchema != null ? readerSchema : writerSchema;
        String unreadable = null;
        if (reading.getType() == Schema.Type.BYTES && writerSchema.getType() != Schema.Type.BYTES) {
            unreadable = ref.describe() + " is a " + writerSchema.getType().getName()
                    + " schema; this serde reads only the bytes schema";
        } else if (reading != writerSchema) {
            String why = SchemaResolution.whyUnreadable(writerSchema, reading);
            if (why != null) {
                unreadable = "the writer schema (" + ref.describe() + ", " + SchemaResolution.describe(writerSchema)
                        + ") cannot be read as the reader schema " + SchemaResolution.describe(reading) + ": " + why;
            }
        }
        @SuppressWarnings("unchecked")
        DatumReader<Object> datumReader = unreadable != null ? null
                : (DatumReader<Object>) model.readerData().createDatumReader(writerSchema, reading);
        reader = new Reader(datumReader, writerSchema, unreadable);
        readers.put(key, reader);
        return reader;
    }

    private String subject(String topic, Schema valueSchema) {
        try {
            return options.subjectNameStrategy().subject(topic, isKey, AvroSchemas.fullName(valueSchema));
        } catch (IllegalArgumentException e) {
            throw new SerdeException("cannot name the subject for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private static byte[] idHeader(int id) {
        return WireFormat.prefix(id);
    }

    private static byte[] header(int id, String guid) {
        return RegistrySerdeSupport.header(id, guid);
    }

    private static <R> R registry(java.util.function.Supplier<R> call, String what) {
        return RegistrySerdeSupport.call(call, what);
    }

    private String describe() {
        return model + (isKey ? " key" : " value");
    }

    @Override
    public String toString() {
        return "AvroSerde{" + describe() + ", " + options + "}";
    }
}
