package io.eddy.serde.avro;

import io.eddy.serde.Serde;
import io.eddy.serde.avro.internal.AvroModel;
import io.eddy.serde.avro.internal.RegistryAvroSerde;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro serdes that speak Confluent's wire format and schema registry protocol: topics written by
 * Confluent's {@code KafkaAvroSerializer} read back, and records written here are read by
 * Confluent's {@code KafkaAvroDeserializer}.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.create(
 *         SchemaRegistry.builder().url("http://localhost:8081").build());
 * Serde<Order> orders = AvroSerdes.specific(Order.class, registry);
 * Serde<GenericRecord> events = AvroSerdes.generic(registry);
 * Serde<GenericRecord> keys = AvroSerdes.genericKey(registry);
 * }</pre>
 *
 * <p>Each method returns a new serde for values, or for keys in its {@code …Key} variant (the
 * variant decides the subject, {@code <topic>-key} or {@code <topic>-value} by default, and the
 * schema-id header name). Serdes are thread-safe and share the client's caches; they never close
 * the client. Null maps to null both ways. Failures are {@link io.eddy.serde.SerdeException}s;
 * those caused by an unreachable registry are {@linkplain io.eddy.serde.SerdeException#retriable()
 * retriable}.
 */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    /** Generic records, for values, with default options. */
    public static Serde<GenericRecord> generic(SchemaRegistryClient registry) {
        return generic(registry, AvroSerdeOptions.defaults());
    }

    /** Generic records, for values. Reads with {@link AvroSerdeOptions#readerSchema()} if set, else the writer schema. */
    public static Serde<GenericRecord> generic(SchemaRegistryClient registry, AvroSerdeOptions options) {
        return genericSerde(registry, options, false);
    }

    /** Generic records, for keys, with default options. */
    public static Serde<GenericRecord> genericKey(SchemaRegistryClient registry) {
        return genericKey(registry, AvroSerdeOptions.defaults());
    }

    /** Generic records, for keys. */
    public static Serde<GenericRecord> genericKey(SchemaRegistryClient registry, AvroSerdeOptions options) {
        return genericSerde(registry, options, true);
    }

    /** Generated specific-record classes, for values, with default options. */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistryClient registry) {
        return specific(type, registry, AvroSerdeOptions.defaults());
    }

    /**
     * Generated specific-record classes, for values. Writes with the class's schema (or the
     * registry's, per the options) and reads any compatible writer schema into the class.
     */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistryClient registry,
            AvroSerdeOptions options) {
        return create(registry, options, false, AvroModel.specific(type));
    }

    /** Generated specific-record classes, for keys, with default options. */
    public static <T extends SpecificRecord> Serde<T> specificKey(Class<T> type, SchemaRegistryClient registry) {
        return specificKey(type, registry, AvroSerdeOptions.defaults());
    }

    /** Generated specific-record classes, for keys. */
    public static <T extends SpecificRecord> Serde<T> specificKey(Class<T> type, SchemaRegistryClient registry,
            AvroSerdeOptions options) {
        return create(registry, options, true, AvroModel.specific(type));
    }

    /**
     * Plain Java classes and Java records through Avro reflection, for values, with default
     * options. The schema is the one {@link org.apache.avro.reflect.ReflectData} derives, so
     * fields are non-null unless annotated {@code @org.apache.avro.reflect.Nullable}. A class
     * needs a no-argument constructor (it may be private). A {@code record} is read through its
     * canonical constructor; its components may be records, enums, primitives and their boxes,
     * strings, {@code byte[]}, arrays, {@code List}, {@code Set} and {@code Map<String, …>} of
     * these. Anything else (a class without a no-argument constructor, a record component of
     * another type) is refused here, with an {@link IllegalArgumentException} naming it, not at
     * the first record. Avro reads and writes the fields by reflection: a class or record in a
     * named module must have its package open to {@code org.apache.avro} (and to
     * {@code io.eddy.serdes} for a record whose canonical constructor is not public).
     *
     * @throws IllegalArgumentException if the class cannot be read and written this way
     */
    public static <T> Serde<T> reflect(Class<T> type, SchemaRegistryClient registry) {
        return reflect(type, registry, AvroSerdeOptions.defaults());
    }

    /** Plain Java classes through Avro reflection, for values. See {@link #reflect(Class, SchemaRegistryClient)}. */
    public static <T> Serde<T> reflect(Class<T> type, SchemaRegistryClient registry, AvroSerdeOptions options) {
        return create(registry, options, false, AvroModel.reflect(type, options.logicalTypeConverters()));
    }

    /** Plain Java classes through Avro reflection, for keys, with default options. */
    public static <T> Serde<T> reflectKey(Class<T> type, SchemaRegistryClient registry) {
        return reflectKey(type, registry, AvroSerdeOptions.defaults());
    }

    /** Plain Java classes through Avro reflection, for keys. */
    public static <T> Serde<T> reflectKey(Class<T> type, SchemaRegistryClient registry, AvroSerdeOptions options) {
        return create(registry, options, true, AvroModel.reflect(type, options.logicalTypeConverters()));
    }

    /**
     * Avro primitives, for values, with default options: {@code String}, {@code Long},
     * {@code Integer}, {@code Double}, {@code Float}, {@code Boolean}, {@code byte[]} or
     * {@code Void}, byte for byte as Confluent's {@code KafkaAvroSerializer} writes them. The
     * primitive schema ({@code "string"}, {@code "long"}, …) is registered under the subject; a
     * {@code byte[]} is written raw after the framing, with no Avro length prefix; a
     * {@code string} reads as {@link String}. Reading resolves the writer's primitive to the
     * type asked for, so {@code primitive(Long.class, …)} reads data written as {@code int}.
     *
     * <pre>{@code
     * Serde<String> names = AvroSerdes.primitive(String.class, registry);
     * Serde<Long> counts = AvroSerdes.primitive(Long.class, registry);
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code type} is not one of the types above
     */
    public static <T> Serde<T> primitive(Class<T> type, SchemaRegistryClient registry) {
        return primitive(type, registry, AvroSerdeOptions.defaults());
    }

    /** Avro primitives, for values. See {@link #primitive(Class, SchemaRegistryClient)}. */
    public static <T> Serde<T> primitive(Class<T> type, SchemaRegistryClient registry, AvroSerdeOptions options) {
        return create(registry, options, false, AvroModel.primitive(type));
    }

    /** Avro primitives, for keys, with default options. See {@link #primitive(Class, SchemaRegistryClient)}. */
    public static <T> Serde<T> primitiveKey(Class<T> type, SchemaRegistryClient registry) {
        return primitiveKey(type, registry, AvroSerdeOptions.defaults());
    }

    /** Avro primitives, for keys. See {@link #primitive(Class, SchemaRegistryClient)}. */
    public static <T> Serde<T> primitiveKey(Class<T> type, SchemaRegistryClient registry, AvroSerdeOptions options) {
        return create(registry, options, true, AvroModel.primitive(type));
    }

    /**
     * Generic records or Avro primitives in one untyped serde, for values, as Confluent's
     * {@code KafkaAvroSerializer} and {@code KafkaAvroDeserializer} take and give them: writes a
     * {@code GenericContainer} with its schema and a {@code CharSequence}, {@code Long},
     * {@code Integer}, {@code Double}, {@code Float}, {@code Boolean} or {@code byte[]} as that
     * primitive ({@link #primitive(Class, SchemaRegistryClient)}); reads whatever the writer
     * schema says: a {@code GenericRecord} (or other generic container), or the primitive (a
     * string as {@link String}, bytes raw as {@code byte[]}). Prefer the typed serdes; this one
     * is for topics that mix both, and backs {@link io.eddy.serde.kafka.AvroKafkaSerializer}.
     */
    public static Serde<Object> untyped(SchemaRegistryClient registry, AvroSerdeOptions options) {
        return create(registry, options, false, AvroModel.any(options.logicalTypeConverters()));
    }

    /** As {@link #untyped(SchemaRegistryClient, AvroSerdeOptions)}, for keys. */
    public static Serde<Object> untypedKey(SchemaRegistryClient registry, AvroSerdeOptions options) {
        return create(registry, options, true, AvroModel.any(options.logicalTypeConverters()));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serde<GenericRecord> genericSerde(SchemaRegistryClient registry, AvroSerdeOptions options, boolean isKey) {
        return (Serde) create(registry, options, isKey, AvroModel.generic(options.logicalTypeConverters()));
    }

    private static <T> Serde<T> create(SchemaRegistryClient registry, AvroSerdeOptions options, boolean isKey,
            AvroModel<T> model) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options");
        options.validate();
        return new RegistryAvroSerde<>(registry, options, isKey, model);
    }
}
