package io.eddy.serde.registry;

import io.eddy.serde.registry.internal.HttpSchemaRegistryClient;
import java.util.List;

/**
 * A client of a Confluent-compatible schema registry REST API (Confluent Schema Registry,
 * Apicurio Registry's {@code /apis/ccompat/v7}, and others).
 *
 * <p>Answers that cannot change are cached without expiry, bounded by
 * {@link SchemaRegistry#cacheCapacity()}: schema by id, schema by GUID, the id of a schema under
 * a subject (keyed by subject and schema content, never object identity), and a given version of
 * a subject. "Latest version" answers are cached for {@link SchemaRegistry#latestVersionTtl()}.
 * So once a serde has seen its schemas, serializing and deserializing make no registry calls.
 *
 * <p>Every method blocks the calling thread for at most about the configured retry budget plus
 * one request timeout. Errors are thrown as {@link SchemaRegistryException} subclasses carrying
 * the registry's HTTP status, error code and message; only
 * {@link SchemaRegistryUnavailableException} is worth retrying.
 *
 * <p>Implementations are thread-safe; one client should be shared by every serde of an
 * application.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.create(
 *         SchemaRegistry.builder().url("http://localhost:8081").build());
 * int id = registry.register("orders-value", SchemaDefinition.avro(schemaJson));
 * }</pre>
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Creates a caching client over the JDK {@code HttpClient}.
     *
     * @param config the registry configuration; never null
     * @return a new client; close it when done
     */
    static SchemaRegistryClient create(SchemaRegistry config) {
        return new HttpSchemaRegistryClient(config);
    }

    /**
     * Registers a schema under a subject, or finds it if already registered there
     * ({@code POST /subjects/{subject}/versions}), without normalizing it; see
     * {@link #register(String, SchemaDefinition, boolean)}.
     *
     * @return the registry-wide schema id
     * @throws IncompatibleSchemaException if the subject's compatibility level rejects it
     * @throws InvalidSchemaException if the registry cannot parse it
     */
    default int register(String subject, SchemaDefinition schema) {
        return register(subject, schema, false);
    }

    /**
     * Registers a schema under a subject, or finds it if already registered there, asking the
     * registry to normalize it first when {@code normalize} is true ({@code POST
     * /subjects/{subject}/versions?normalize=true}, as Confluent's {@code normalize.schemas}), so
     * the same schema written with other whitespace or attribute order is found rather than
     * registered again. References with version -1 are resolved to the referenced subject's
     * current version before the schema is sent.
     *
     * @return the registry-wide schema id
     * @throws IncompatibleSchemaException if the subject's compatibility level rejects it
     * @throws InvalidSchemaException if the registry cannot parse it
     */
    int register(String subject, SchemaDefinition schema, boolean normalize);

    /** Registers an Avro schema without references; see {@link #register(String, SchemaDefinition)}. */
    default int register(String subject, String avroSchema) {
        return register(subject, SchemaDefinition.avro(avroSchema));
    }

    /** Registers an Avro schema with references; see {@link #register(String, SchemaDefinition)}. */
    default int register(String subject, String avroSchema, List<SchemaReference> references) {
        return register(subject, SchemaDefinition.avro(avroSchema, references));
    }

    /**
     * Finds a schema already registered under a subject ({@code POST /subjects/{subject}}),
     * without normalizing it; see {@link #lookup(String, SchemaDefinition, boolean)}.
     *
     * @return the subject, version, id (and GUID if the registry has one) of the schema
     * @throws SubjectNotFoundException if the subject does not exist (Apicurio also answers this
     *     when the subject exists but does not hold the schema)
     * @throws SchemaNotFoundException if the subject exists but does not hold the schema
     */
    default RegisteredSchema lookup(String subject, SchemaDefinition schema) {
        return lookup(subject, schema, false);
    }

    /**
     * Finds a schema already registered under a subject, asking the registry to normalize it
     * first when {@code normalize} is true ({@code POST /subjects/{subject}?normalize=true}).
     * References with version -1 are resolved to the referenced subject's current version first.
     *
     * @throws SubjectNotFoundException if the subject does not exist (Apicurio also answers this
     *     when the subject exists but does not hold the schema)
     * @throws SchemaNotFoundException if the subject exists but does not hold the schema
     */
    RegisteredSchema lookup(String subject, SchemaDefinition schema, boolean normalize);

    /**
     * The schema with a registry-wide id ({@code GET /schemas/ids/{id}}).
     *
     * @throws SchemaNotFoundException if no schema has this id
     */
    SchemaDefinition schemaById(int id);

    /**
     * The schema with a registry-wide GUID ({@code GET /schemas/guids/{guid}}, Confluent 8 and later).
     *
     * @param guid the GUID in its canonical 36-character form; never null
     * @throws SchemaNotFoundException if no schema has this GUID
     */
    SchemaDefinition schemaByGuid(String guid);

    /**
     * The latest version under a subject ({@code GET /subjects/{subject}/versions/latest}), cached
     * for {@link SchemaRegistry#latestVersionTtl()}.
     *
     * @throws SubjectNotFoundException if the subject does not exist
     */
    RegisteredSchema latest(String subject);

    /**
     * A given version under a subject ({@code GET /subjects/{subject}/versions/{version}}).
     *
     * @param version the version, from 1
     * @throws SubjectNotFoundException if the subject does not exist
     * @throws SchemaNotFoundException if the version does not exist (error code 40402)
     */
    RegisteredSchema version(String subject, int version);

    /**
     * Whether a schema is compatible with the latest version under a subject, by the subject's
     * compatibility level ({@code POST /compatibility/subjects/{subject}/versions/latest?verbose=true}).
     * Never cached.
     *
     * @return the verdict and the registry's reasons; a subject with no versions is compatible
     *     on Confluent, while other registries may answer {@link SubjectNotFoundException}
     */
    CompatibilityResult testCompatibility(String subject, SchemaDefinition schema);

    /** As {@link #testCompatibility(String, SchemaDefinition)}, against a given version. */
    CompatibilityResult testCompatibility(String subject, SchemaDefinition schema, int version);

    /**
     * The compatibility level of a subject, falling back to the global level when the subject
     * has none; the global level when {@code subject} is null ({@code GET /config[/{subject}]}).
     * Never cached.
     */
    CompatibilityLevel compatibility(String subject);

    /**
     * Sets the compatibility level of a subject, or the global level when {@code subject} is
     * null ({@code PUT /config[/{subject}]}).
     */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** All subjects ({@code GET /subjects}). Never cached. */
    List<String> subjects();

    /**
     * The versions under a subject, ascending ({@code GET /subjects/{subject}/versions}). Never cached.
     *
     * @throws SubjectNotFoundException if the subject does not exist
     */
    List<Integer> versions(String subject);

    /**
     * Deletes a subject (soft delete; {@code DELETE /subjects/{subject}}) and forgets what the
     * client cached about it.
     *
     * @return the versions deleted
     * @throws SubjectNotFoundException if the subject does not exist
     */
    List<Integer> deleteSubject(String subject);

    /** Releases the client's resources. Calls after close fail. Idempotent. */
    @Override
    void close();
}
