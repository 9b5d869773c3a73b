package io.eddy.serde.registry;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a schema-registry serde other than Avro's (Protobuf, JSON Schema) chooses the writer schema
 * id, names subjects and frames the id: the options Avro's {@code AvroSerdeOptions} has in common
 * with every schema language, with the same meaning and the same Confluent counterparts.
 * Immutable: each {@code with…} method returns a changed copy; the combination is checked by
 * {@link #validate()}, which the serde factories call when a serde is created.
 *
 * <pre>{@code
 * RegistrySerdeOptions options = RegistrySerdeOptions.defaults()
 *         .withAutoRegister(false)
 *         .withUseLatestVersion(true);
 * Serde<Order> serde = ProtobufSerdes.specific(Order.class, registry, options);
 * }</pre>
 *
 * <p>Defaults: auto-register on, latest version off, no fixed id, {@link SubjectNameStrategy#TOPIC_NAME},
 * the id as a 5-byte prefix (not in headers), no normalization.
 */
public final class RegistrySerdeOptions {

    private static final RegistrySerdeOptions DEFAULTS =
            new RegistrySerdeOptions(true, false, -1, SubjectNameStrategy.TOPIC_NAME, false, false);

    private final boolean autoRegister;
    private final boolean useLatestVersion;
    private final int fixedSchemaId;
    private final SubjectNameStrategy subjectNameStrategy;
    private final boolean writeIdInHeaders;
    private final boolean normalizeSchemas;

    private RegistrySerdeOptions(boolean autoRegister, boolean useLatestVersion, int fixedSchemaId,
            SubjectNameStrategy subjectNameStrategy, boolean writeIdInHeaders, boolean normalizeSchemas) {
        this.autoRegister = autoRegister;
        this.useLatestVersion = useLatestVersion;
        this.fixedSchemaId = fixedSchemaId;
        this.subjectNameStrategy = subjectNameStrategy;
        this.writeIdInHeaders = writeIdInHeaders;
        this.normalizeSchemas = normalizeSchemas;
    }

    /** The defaults listed on this class. */
    public static RegistrySerdeOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Whether serializing registers the value's schema under the subject (Confluent's
     * {@code auto.register.schemas}). When off, the schema must already be registered there.
     */
    public RegistrySerdeOptions withAutoRegister(boolean autoRegister) {
        return new RegistrySerdeOptions(autoRegister, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, normalizeSchemas);
    }

    /**
     * Whether serializing writes with the id of the latest schema registered under the subject
     * instead of registering the value's own schema (Confluent's {@code use.latest.version}).
     * Turning it on also turns auto-register off.
     */
    public RegistrySerdeOptions withUseLatestVersion(boolean useLatestVersion) {
        return new RegistrySerdeOptions(autoRegister && !useLatestVersion, useLatestVersion, fixedSchemaId,
                subjectNameStrategy, writeIdInHeaders, normalizeSchemas);
    }

    /**
     * Serializes every value with this registry id (Confluent's {@code use.schema.id}); no
     * subject is consulted. Setting it also turns auto-register off.
     *
     * @param id a registry schema id, zero or more
     * @throws IllegalArgumentException if {@code id} is negative
     */
    public RegistrySerdeOptions withFixedSchemaId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("fixedSchemaId must not be negative, got " + id);
        }
        return new RegistrySerdeOptions(false, useLatestVersion, id, subjectNameStrategy, writeIdInHeaders,
                normalizeSchemas);
    }

    /** How subjects are named. Default {@link SubjectNameStrategy#TOPIC_NAME}. */
    public RegistrySerdeOptions withSubjectNameStrategy(SubjectNameStrategy strategy) {
        return new RegistrySerdeOptions(autoRegister, useLatestVersion, fixedSchemaId,
                Objects.requireNonNull(strategy, "strategy"), writeIdInHeaders, normalizeSchemas);
    }

    /**
     * Whether serializing puts the schema id in the {@code __key_schema_id} or
     * {@code __value_schema_id} header instead of the 5-byte prefix. Needs the header-aware
     * {@code serialize(topic, headers, value)}. Reading always accepts both.
     */
    public RegistrySerdeOptions withWriteIdInHeaders(boolean writeIdInHeaders) {
        return new RegistrySerdeOptions(autoRegister, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, normalizeSchemas);
    }

    /**
     * Whether schemas are registered and looked up with the registry's {@code normalize=true}
     * flag (Confluent's {@code normalize.schemas}), so a schema registered with other whitespace
     * or attribute order is found instead of registered again.
     */
    public RegistrySerdeOptions withNormalizeSchemas(boolean normalizeSchemas) {
        return new RegistrySerdeOptions(autoRegister, useLatestVersion, fixedSchemaId, subjectNameStrategy,
                writeIdInHeaders, normalizeSchemas);
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

    /** See {@link #withNormalizeSchemas}. */
    public boolean normalizeSchemas() {
        return normalizeSchemas;
    }

    /**
     * Checks that the options make sense together.
     *
     * @throws IllegalArgumentException naming the clashing options
     */
    public void validate() {
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
        return "RegistrySerdeOptions{autoRegister=" + autoRegister + ", useLatestVersion=" + useLatestVersion
                + ", fixedSchemaId=" + (fixedSchemaId < 0 ? "none" : fixedSchemaId)
                + ", subjectNameStrategy=" + subjectNameStrategy + ", writeIdInHeaders=" + writeIdInHeaders
                + ", normalizeSchemas=" + normalizeSchemas + "}";
    }
}
