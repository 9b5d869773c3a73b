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
     * Plain Java classes through Avro reflection, for values, with default options. The class
     * needs a no-argument constructor (it may be private); its schema is the one
     * {@link org.apache.avro.reflect.ReflectData} derives, so fields are non-null unless annotated
     * {@code @org.apache.avro.reflect.Nullable}.
     */
    public static <T> Serde<T> reflect(Class<T> type, SchemaRegistryClient registry) {
        return reflect(type, registry, AvroSerdeOptions.defaults());
    }

    /** Plain Java classes through Avro reflection, for values. See {@link #reflect(Class, SchemaRegistryClient)}. */
    public static <T> Serde<T> reflect(Class<T> type, SchemaRegistryClient registry, AvroSerdeOptions options) {
        return create(registry, options, false, AvroModel.reflect(type));
    }

    /** Plain Java classes through Avro reflection, for keys, with default options. */
    public static <T> Serde<T> reflectKey(Class<T> type, SchemaRegistryClient registry) {
        return reflectKey(type, registry, AvroSerdeOptions.defaults());
    }

    /** Plain Java classes through Avro reflection, for keys. */
    public static <T> Serde<T> reflectKey(Class<T> type, SchemaRegistryClient registry, AvroSerdeOptions options) {
        return create(registry, options, true, AvroModel.reflect(type));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serde<GenericRecord> genericSerde(SchemaRegistryClient registry, AvroSerdeOptions options, boolean isKey) {
        return (Serde) create(registry, options, isKey, AvroModel.generic());
    }

    private static <T> Serde<T> create(SchemaRegistryClient registry, AvroSerdeOptions options, boolean isKey,
            AvroModel<T> model) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options");
        options.validate();
        return new RegistryAvroSerde<>(registry, options, isKey, model);
    }
}
