package io.eddy.serde.avro;

import io.eddy.serde.registry.SchemaReference;
import io.eddy.serde.registry.SubjectNameStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * How a schema-registry Avro serde chooses the writer schema id, names subjects, frames the id
 * and reads data. Immutable: each {@code with…} method returns a changed copy. The combination
 * is checked when a serde is created, by {@link AvroSerdes}.
 *
 * <pre>{@code
 * AvroSerdeOptions options = AvroSerdeOptions.defaults()
 *         .withAutoRegister(false)
 *         .withUseLatestVersion(true);
 * Serde<GenericRecord> serde = AvroSerdes.generic(registry, options);
 * }</pre>
 *
 * <p>Defaults: auto-register on, latest version off, no fixed id, {@link SubjectNameStrategy#TOPIC_NAME},
 * the id as a 5-byte prefix (not in headers), the writer schema (or the class's schema) as reader
 * schema, no references, no normalization, no logical-type conversions.
 */
public final class AvroSerdeOptions {

    private static final AvroSerdeOptions DEFAULTS =
            new AvroSerdeOptions(true, false, -1, SubjectNameStrategy.TOPIC_NAME, false, null, List.of(), false, false);

    private final boolean autoRegister;
    private final boolean useLatestVersion;
    private final int fixedSchemaId;
    private final SubjectNameStrategy subjectNameStrategy;
    private final boolean writeIdInHeaders;
    private final Schema readerSchema;
    private final List<SchemaReference> references;
    private final boolean normalizeSchemas;
    private final boolean logicalTypeConverters;

    private AvroSerdeOptions(boolean autoRegister, boolean useLatestVersion, int fixedSchemaId,
            SubjectNameStrategy subjectNameStrategy, boolean writeIdInHeaders, Schema readerSchema,
            List<SchemaReference> references, boolean normalizeSchemas, boolean logicalTypeConverters) {
        this.normalizeSchemas = normalizeSchemas;
        this.logicalTypeConverters = logicalTypeConverters;
        this.autoRegister = autoRegister;
        this.useLatestVersion = useLatestVersion;
        this.fixedSchemaId = fixedSchemaId;
        this.subjectNameStrategy = subjectNameStrategy;
        this.writeIdInHeaders = writeIdInHeaders;
        this.readerSchema = readerSchema;
        this.references = references;
    }

    /** The defaults listed on this class. */
    public static AvroSerdeOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Whether serializing registers the value's schema under the subject (like Confluent's
     * {@code auto.register.schemas}). When off, the schema must already be registered there, and
     * serializing a value whose schema is not fails with a {@link io.eddy.serde.SerdeException}.
     */
    public AvroSerdeOptions withAutoRegister(boolean autoRegister) {
        return new AvroSerdeOptions(autoRegister, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, readerSchema, references, normalizeSchemas, logicalTypeConverters);
    }

    /**
     * Whether serializing writes with the latest schema registered under the subject instead of
     * the value's own schema (like Confluent's {@code use.latest.version}); the value must fit
     * that schema field for field. Excludes auto-register and a fixed id; turning it on also
     * turns auto-register off.
     */
    public AvroSerdeOptions withUseLatestVersion(boolean useLatestVersion) {
        return new AvroSerdeOptions(autoRegister && !useLatestVersion, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, readerSchema, references, normalizeSchemas, logicalTypeConverters);
    }

    /**
     * Serializes every value with the schema of this registry id (like Confluent's
     * {@code use.schema.id}); no subject is consulted. Excludes auto-register and latest version;
     * setting it also turns auto-register off.
     *
     * @param id a registry schema id, zero or more
     */
    public AvroSerdeOptions withFixedSchemaId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("fixedSchemaId must not be negative, got " + id);
        }
        return new AvroSerdeOptions(false, useLatestVersion, id, subjectNameStrategy,
                writeIdInHeaders, readerSchema, references, normalizeSchemas, logicalTypeConverters);
    }

    /** How subjects are named. Default {@link SubjectNameStrategy#TOPIC_NAME}. */
    public AvroSerdeOptions withSubjectNameStrategy(SubjectNameStrategy strategy) {
        return new AvroSerdeOptions(autoRegister, useLatestVersion, fixedSchemaId,
                Objects.requireNonNull(strategy, "strategy"), writeIdInHeaders, readerSchema, references,
                normalizeSchemas, logicalTypeConverters);
    }

    /**
     * Whether serializing puts the schema id in a record header ({@code __key_schema_id} or
     * {@code __value_schema_id}: 0x01 and the schema's 16-byte GUID, or 0x00 and the 4-byte id when
     * the registry assigns no GUIDs) and writes the bare Avro binary, instead of the 5-byte
     * prefix. Needs the header-aware {@code serialize(topic, headers, value)}; the header-less
     * variant then fails. Reading always accepts both.
     */
    public AvroSerdeOptions withWriteIdInHeaders(boolean writeIdInHeaders) {
        return new AvroSerdeOptions(autoRegister, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, readerSchema, references, normalizeSchemas, logicalTypeConverters);
    }

    /**
     * The schema to read data into, resolved against each record's writer schema by Avro's
     * schema resolution (so a newer reader schema with defaulted fields reads older data). Null
     * (the default) reads with the writer schema for generic records and the class's schema for
     * specific and reflect records.
     */
    public AvroSerdeOptions withReaderSchema(Schema readerSchema) {
        return new AvroSerdeOptions(autoRegister, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, readerSchema, references, normalizeSchemas, logicalTypeConverters);
    }

    /**
     * References to schemas under other subjects that the value's schema uses by name. When set,
     * serializing registers (or looks up) the value's schema with these named types left as
     * references, as a schema registered with references must be. Default none.
     */
    public AvroSerdeOptions withReferences(List<SchemaReference> references) {
        return new AvroSerdeOptions(autoRegister, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, readerSchema, List.copyOf(new ArrayList<>(Objects.requireNonNull(references, "references"))),
                normalizeSchemas, logicalTypeConverters);
    }

    /**
     * Whether schemas are registered and looked up in normalized form (like Confluent's
     * {@code normalize.schemas}; default false): the serde sends the schema in Avro's canonical
     * JSON rendering (no whitespace, attributes in a fixed order) and asks the registry to
     * normalize it ({@code ?normalize=true}), so a schema registered by hand with other
     * whitespace or attribute order is found instead of registered again.
     */
    public AvroSerdeOptions withNormalizeSchemas(boolean normalizeSchemas) {
        return new AvroSerdeOptions(autoRegister, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, readerSchema, references, normalizeSchemas, logicalTypeConverters);
    }

    /**
     * Whether generic and reflect records hold Java types for Avro's logical types (like
     * Confluent's {@code avro.use.logical.type.converters}; default false): {@code BigDecimal}
     * for {@code decimal}, {@code UUID} for {@code uuid}, {@code LocalDate} for {@code date},
     * {@code LocalTime} for {@code time-millis} and {@code time-micros}, {@code Instant} for
     * {@code timestamp-millis}, {@code -micros} and {@code -nanos}, and {@code LocalDateTime}
     * for the {@code local-timestamp} types. Both ways: values written must then be of these
     * types, and values read are. When off, the underlying Avro types are used ({@code ByteBuffer},
     * {@code Utf8}, {@code Integer}, {@code Long}). Specific records always use the conversions
     * compiled into their classes.
     */
    public AvroSerdeOptions withLogicalTypeConverters(boolean logicalTypeConverters) {
        return new AvroSerdeOptions(autoRegister, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, readerSchema, references, normalizeSchemas, logicalTypeConverters);
    }

    /** See {@link #withNormalizeSchemas}. */
    public boolean normalizeSchemas() {
        return normalizeSchemas;
    }

    /** See {@link #withLogicalTypeConverters}. */
    public boolean logicalTypeConverters() {
        return logicalTypeConverters;
    }

    /** See {@link #withAutoRegister}. */
    public boolean autoRegister() {
        return autoRegister;
    }

    /** See {@link #withUseLatestVersion}. */
    public boolean useLatestVersion() {
        return useLatestVersion;
    }

    /** See {@link #withFixedSchemaId}; empty unless set. */
    public OptionalInt fixedSchemaId() {
        return fixedSchemaId < 0 ? OptionalInt.empty() : OptionalInt.of(fixedSchemaId);
    }

    /** See {@link #withSubjectNameStrategy}. */
    public SubjectNameStrategy subjectNameStrategy() {
        return subjectNameStrategy;
    }

    /** See {@link #withWriteIdInHeaders}. */
    public boolean writeIdInHeaders() {
        return writeIdInHeaders;
    }

    /** See {@link #withReaderSchema}; may be null. */
    public Schema readerSchema() {
        return readerSchema;
    }

    /** See {@link #withReferences}; never null. */
    public List<SchemaReference> references() {
        return references;
    }

    /**
     * Checks that the options make sense together.
     *
     * @throws IllegalArgumentException naming the clashing options
     */
    void validate() {
        if (fixedSchemaId >= 0 && useLatestVersion) {
            throw new IllegalArgumentException("fixedSchemaId (" + fixedSchemaId + ") and useLatestVersion=true are exclusive");
        }
        if ((fixedSchemaId >= 0 || useLatestVersion) && autoRegister) {
            throw new IllegalArgumentException((useLatestVersion ? "useLatestVersion=true" : "fixedSchemaId (" + fixedSchemaId + ")")
                    + " needs autoRegister=false: the writer schema comes from the registry, not from the value");
        }
    }

    @Override
    public String toString() {
        return "AvroSerdeOptions{autoRegister=" + autoRegister + ", useLatestVersion=" + useLatestVersion
                + ", fixedSchemaId=" + (fixedSchemaId < 0 ? "none" : fixedSchemaId)
                + ", subjectNameStrategy=" + subjectNameStrategy + ", writeIdInHeaders=" + writeIdInHeaders
                + ", readerSchema=" + (readerSchema == null ? "none" : readerSchema.getFullName())
                + ", references=" + references + ", normalizeSchemas=" + normalizeSchemas
                + ", logicalTypeConverters=" + logicalTypeConverters + "}";
    }
}
