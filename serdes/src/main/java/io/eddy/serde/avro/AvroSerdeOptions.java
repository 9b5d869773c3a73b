package io.eddy.serde.avro;

import io.eddy.serde.registry.RegistrySerdeOptions;
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
            new AvroSerdeOptions(RegistrySerdeOptions.defaults(), null, List.of(), false);

    private final RegistrySerdeOptions common;
    private final Schema readerSchema;
    private final List<SchemaReference> references;
    private final boolean logicalTypeConverters;

    private AvroSerdeOptions(RegistrySerdeOptions common, Schema readerSchema, List<SchemaReference> references,
            boolean logicalTypeConverters) {
        this.common = common;
        this.readerSchema = readerSchema;
        this.references = references;
        this.logicalTypeConverters = logicalTypeConverters;
    }

    /** The defaults listed on this class. */
    public static AvroSerdeOptions defaults() {
        return DEFAULTS;
    }

    private AvroSerdeOptions withCommon(RegistrySerdeOptions changed) {
        return new AvroSerdeOptions(changed, readerSchema, references, logicalTypeConverters);
    }

    /**
     * Whether serializing registers the value's schema under the subject (like Confluent's
     * {@code auto.register.schemas}). When off, the schema must already be registered there, and
     * serializing a value whose schema is not fails with a {@link io.eddy.serde.SerdeException}.
     */
    public AvroSerdeOptions withAutoRegister(boolean autoRegister) {
        return withCommon(common.withAutoRegister(autoRegister));
    }

    /**
     * Whether serializing writes with the latest schema registered under the subject instead of
     * the value's own schema (like Confluent's {@code use.latest.version}); the value must fit
     * that schema field for field. Excludes auto-register and a fixed id; turning it on also
     * turns auto-register off.
     */
    public AvroSerdeOptions withUseLatestVersion(boolean useLatestVersion) {
        return withCommon(common.withUseLatestVersion(useLatestVersion));
    }

    /**
     * Serializes every value with the schema of this registry id (like Confluent's
     * {@code use.schema.id}); no subject is consulted. Excludes auto-register and latest version;
     * setting it also turns auto-register off.
     *
     * @param id a registry schema id, zero or more
     */
    public AvroSerdeOptions withFixedSchemaId(int id) {
        return withCommon(common.withFixedSchemaId(id));
    }

    /** How subjects are named. Default {@link SubjectNameStrategy#TOPIC_NAME}. */
    public AvroSerdeOptions withSubjectNameStrategy(SubjectNameStrategy strategy) {
        return withCommon(common.withSubjectNameStrategy(strategy));
    }

    /**
     * Whether serializing puts the schema id in a record header ({@code __key_schema_id} or
     * {@code __value_schema_id}: 0x01 and the schema's 16-byte GUID, or 0x00 and the 4-byte id when
     * the registry assigns no GUIDs) and writes the bare Avro binary, instead of the 5-byte
     * prefix. Needs the header-aware {@code serialize(topic, headers, value)}; the header-less
     * variant then fails. Reading always accepts both.
     */
    public AvroSerdeOptions withWriteIdInHeaders(boolean writeIdInHeaders) {
        return withCommon(common.withWriteIdInHeaders(writeIdInHeaders));
    }

    /**
     * The schema to read data into, resolved against each record's writer schema by Avro's
     * schema resolution (so a newer reader schema with defaulted fields reads older data). Null
     * (the default) reads with the writer schema for generic records and the class's schema for
     * specific and reflect records.
     */
    public AvroSerdeOptions withReaderSchema(Schema readerSchema) {
        return new AvroSerdeOptions(common, readerSchema, references, logicalTypeConverters);
    }

    /**
     * References to schemas under other subjects that the value's schema uses by name. When set,
     * serializing registers (or looks up) the value's schema with these named types left as
     * references, as a schema registered with references must be. Default none.
     */
    public AvroSerdeOptions withReferences(List<SchemaReference> references) {
        return new AvroSerdeOptions(common, readerSchema,
                List.copyOf(new ArrayList<>(Objects.requireNonNull(references, "references"))), logicalTypeConverters);
    }

    /**
     * Whether schemas are registered and looked up in normalized form (like Confluent's
     * {@code normalize.schemas}; default false): the serde sends the schema in Avro's canonical
     * JSON rendering (no whitespace, attributes in a fixed order) and asks the registry to
     * normalize it ({@code ?normalize=true}), so a schema registered by hand with other
     * whitespace or attribute order is found instead of registered again.
     */
    public AvroSerdeOptions withNormalizeSchemas(boolean normalizeSchemas) {
        return withCommon(common.withNormalizeSchemas(normalizeSchemas));
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
        return new AvroSerdeOptions(common, readerSchema, references, logicalTypeConverters);
    }

    /** See {@link #withNormalizeSchemas}. */
    public boolean normalizeSchemas() {
        return common.normalizeSchemas();
    }

    /** See {@link #withLogicalTypeConverters}. */
    public boolean logicalTypeConverters() {
        return logicalTypeConverters;
    }

    /** See {@link #withAutoRegister}. */
    public boolean autoRegister() {
        return common.autoRegister();
    }

    /** See {@link #withUseLatestVersion}. */
    public boolean useLatestVersion() {
        return common.useLatestVersion();
    }

    /** See {@link #withFixedSchemaId}; empty unless set. */
    public OptionalInt fixedSchemaId() {
        return common.fixedSchemaId();
    }

    /** See {@link #withSubjectNameStrategy}. */
    public SubjectNameStrategy subjectNameStrategy() {
        return common.subjectNameStrategy();
    }

    /** See {@link #withWriteIdInHeaders}. */
    public boolean writeIdInHeaders() {
        return common.writeIdInHeaders();
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
     * The options shared with the other schema languages' serdes (auto-register, latest version,
     * fixed id, subject name strategy, header mode, normalization).
     */
    public RegistrySerdeOptions registryOptions() {
        return common;
    }

    /**
     * Checks that the options make sense together.
     *
     * @throws IllegalArgumentException naming the clashing options
     */
    void validate() {
        common.validate();
    }

    @Override
    public String toString() {
        return "AvroSerdeOptions{autoRegister=" + autoRegister() + ", useLatestVersion=" + useLatestVersion()
                + ", fixedSchemaId=" + (fixedSchemaId().isPresent() ? fixedSchemaId().getAsInt() : "none")
                + ", subjectNameStrategy=" + subjectNameStrategy() + ", writeIdInHeaders=" + writeIdInHeaders()
                + ", readerSchema=" + (readerSchema == null ? "none" : readerSchema.getFullName())
                + ", references=" + references + ", normalizeSchemas=" + normalizeSchemas()
                + ", logicalTypeConverters=" + logicalTypeConverters + "}";
    }
}
