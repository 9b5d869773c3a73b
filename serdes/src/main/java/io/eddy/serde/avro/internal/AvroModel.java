package io.eddy.serde.avro.internal;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.reflect.ReflectData;
import org.apache.avro.specific.SpecificData;

/**
 * How a serde maps Java values to Avro: one of Avro's three data models (generic, specific,
 * reflect, the last also for Java records), or Confluent's handling of primitives (typed, or
 * mixed with generic records). It gives the {@link GenericData} that makes datum writers (and,
 * by default, readers), the schema of a value, the reader schema to use when none is configured,
 * whether a writer schema's data is raw bytes (Confluent writes the {@code bytes} schema without
 * Avro's length), and the conversion of what a datum reader returns into the value handed out.
 * Immutable and thread-safe.
 *
 * @param <T> the Java type of values
 */
public abstract class AvroModel<T> {

    private final GenericData data;
    private final String name;

    private AvroModel(GenericData data, String name) {
        this.data = data;
        this.name = name;
    }

    /** Generic records: each value carries its schema. */
    public static AvroModel<Object> generic() {
        return generic(false);
    }

    /**
     * Generic records: each value carries its schema; with {@code logicalTypes}, fields of
     * Avro's logical types hold Java types ({@link #withLogicalTypeConversions}).
     */
    public static AvroModel<Object> generic(boolean logicalTypes) {
        GenericData data = logicalTypes ? withLogicalTypeConversions(new GenericData()) : GenericData.get();
        return new AvroModel<>(data, logicalTypes ? "generic (logical types)" : "generic") {
            @Override
            public Schema schemaOf(Object value) {
                if (value instanceof GenericContainer container) {
                    return container.getSchema();
                }
                throw new IllegalArgumentException("a generic Avro serde needs a GenericContainer (e.g. GenericRecord), got "
                        + value.getClass().getName());
            }

            @Override
            public Schema defaultReaderSchema() {
                return null;
            }
        };
    }

    /** Generated specific-record classes: the class's schema. */
    public static <T> AvroModel<T> specific(Class<T> type) {
        Objects.requireNonNull(type, "type");
        SpecificData data = SpecificData.getForClass(type);
        Schema schema = data.getSchema(type);
        return new AvroModel<>(data, "specific " + type.getName()) {
            @Override
            public Schema schemaOf(T value) {
                return schema;
            }

            @Override
            public Schema defaultReaderSchema() {
                return schema;
            }
        };
    }

    /** Plain Java classes through Avro reflection: the schema Avro derives from the class. */
    public static <T> AvroModel<T> reflect(Class<T> type) {
        return reflect(type, false);
    }

    /**
     * Plain Java classes through Avro reflection; with {@code logicalTypes}, Avro's logical types
     * map to Java types ({@link #withLogicalTypeConversions}).
     */
    public static <T> AvroModel<T> reflect(Class<T> type, boolean logicalTypes) {
        Objects.requireNonNull(type, "type");
        ReflectData data = logicalTypes ? withLogicalTypeConversions(new ReflectData()) : ReflectData.get();
        if (type.isRecord()) {
            return javaRecord(type, data, logicalTypes);
        }
        if (type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException("a reflect Avro serde needs a concrete class, got " + type.getName());
        }
        try {
            type.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("a reflect Avro serde needs a no-argument constructor (it may be private) to "
                    + "create " + type.getName() + " when reading, and it has none; add one, make it a Java record, or use "
                    + "AvroSerdes.generic or a specific (generated) class");
        }
        Schema schema = reflectSchema(data, type);
        return new AvroModel<>(data, "reflect " + type.getName()) {
            @Override
            public Schema schemaOf(T value) {
                return schema;
            }

            @Override
            public Schema defaultReaderSchema() {
                return schema;
            }
        };
    }

    /**
     * A Java record through reflection: written by Avro's reflection (which reads the record's
     * fields), read as a generic record with the class's reflect schema as reader schema and then
     * built through the canonical constructor ({@link JavaRecords}). Component types the
     * conversion cannot build are refused here, at serde creation.
     */
    private static <T> AvroModel<T> javaRecord(Class<T> type, ReflectData data, boolean logicalTypes) {
        JavaRecords.check(type);
        Schema schema = reflectSchema(data, type);
        GenericData readerData = logicalTypes ? withLogicalTypeConversions(new GenericData()) : GenericData.get();
        return new AvroModel<>(data, "reflect record " + type.getName()) {
            @Override
            public Schema schemaOf(T value) {
                return schema;
            }

            @Override
            public Schema defaultReaderSchema() {
                return schema;
            }

            @Override
            public GenericData readerData() {
                return readerData;
            }

            @Override
            public T fromDatum(Object datum) {
                return type.cast(JavaRecords.toJava(datum, type));
            }
        };
    }

    private static Schema reflectSchema(ReflectData data, Class<?> type) {
        try {
            return data.getSchema(type);
        } catch (org.apache.avro.AvroRuntimeException e) {
            throw new IllegalArgumentException("Avro reflection cannot derive a schema for " + type.getName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The data model that makes datum readers; the same as {@link #data()} unless a model reads another way. */
    public GenericData readerData() {
        return data;
    }

    /**
     * An Avro primitive, written and read as Confluent's serializers do: the primitive schema
     * ({@code "string"}, {@code "long"}, …) is registered; {@code bytes} is written raw, without a
     * length prefix; a {@code string} reads as {@link String}, not {@link org.apache.avro.util.Utf8}.
     * Reading resolves the writer's primitive to this one, so a {@code long} serde reads data
     * written as {@code int}.
     *
     * @param type {@code String}, {@code Long}, {@code Integer}, {@code Double}, {@code Float},
     *     {@code Boolean}, {@code byte[]} or {@code Void} (the {@code null} schema), or the
     *     primitive class of one of these
     * @throws IllegalArgumentException for any other class
     */
    @SuppressWarnings("unchecked")
    public static <T> AvroModel<T> primitive(Class<T> type) {
        Objects.requireNonNull(type, "type");
        Schema.Type avroType = PRIMITIVES.get(type);
        if (avroType == null) {
            throw new IllegalArgumentException("no Avro primitive for " + type.getName() + "; supported: String, Long, "
                    + "Integer, Double, Float, Boolean, byte[] and Void (the null schema)");
        }
        Schema schema = Schema.create(avroType);
        boolean raw = avroType == Schema.Type.BYTES;
        boolean string = avroType == Schema.Type.STRING;
        return new AvroModel<>(GenericData.get(), "primitive " + avroType.getName()) {
            @Override
            public Schema schemaOf(T value) {
                if (!(type.isPrimitive() ? BOXED.get(type) : type).isInstance(value)) {
                    throw new IllegalArgumentException("an Avro " + avroType.getName() + " serde needs a "
                            + type.getSimpleName() + ", got " + value.getClass().getName());
                }
                return schema;
            }

            @Override
            public Schema defaultReaderSchema() {
                return schema;
            }

            @Override
            public boolean rawBytes(Schema writerSchema) {
                return raw;
            }

            @Override
            public T fromDatum(Object datum) {
                return (T) (string && datum != null ? datum.toString() : datum);
            }
        };
    }

    private static final java.util.Map<Class<?>, Schema.Type> PRIMITIVES = java.util.Map.ofEntries(
            java.util.Map.entry(String.class, Schema.Type.STRING),
            java.util.Map.entry(Long.class, Schema.Type.LONG), java.util.Map.entry(long.class, Schema.Type.LONG),
            java.util.Map.entry(Integer.class, Schema.Type.INT), java.util.Map.entry(int.class, Schema.Type.INT),
            java.util.Map.entry(Double.class, Schema.Type.DOUBLE), java.util.Map.entry(double.class, Schema.Type.DOUBLE),
            java.util.Map.entry(Float.class, Schema.Type.FLOAT), java.util.Map.entry(float.class, Schema.Type.FLOAT),
            java.util.Map.entry(Boolean.class, Schema.Type.BOOLEAN), java.util.Map.entry(boolean.class, Schema.Type.BOOLEAN),
            java.util.Map.entry(byte[].class, Schema.Type.BYTES),
            java.util.Map.entry(Void.class, Schema.Type.NULL), java.util.Map.entry(void.class, Schema.Type.NULL));

    private static final java.util.Map<Schema.Type, Schema> PRIMITIVE_SCHEMAS = new java.util.EnumMap<>(Schema.Type.class);

    static {
        for (Schema.Type t : PRIMITIVES.values()) {
            PRIMITIVE_SCHEMAS.put(t, Schema.create(t));
        }
    }

    private static final java.util.Map<Class<?>, Class<?>> BOXED = java.util.Map.of(
            long.class, Long.class, int.class, Integer.class, double.class, Double.class, float.class, Float.class,
            boolean.class, Boolean.class, void.class, Void.class);

    /**
     * Whether values of this writer schema are {@code byte[]} written raw after the framing
     * (Confluent's rule for the {@code bytes} schema) instead of Avro-encoded.
     */
    public boolean rawBytes(Schema writerSchema) {
        return false;
    }

    /**
     * Generic records or Avro primitives, as Confluent's {@code KafkaAvroSerializer} and
     * {@code KafkaAvroDeserializer} take and give them: a {@link GenericContainer} is written with
     * its schema; {@code CharSequence}, {@code Long}, {@code Integer}, {@code Double},
     * {@code Float}, {@code Boolean} and {@code byte[]} with their primitive schemas
     * ({@code byte[]} raw). Reading gives a generic record, or the primitive (a string as
     * {@link String}, a bytes schema's data raw as {@code byte[]}).
     */
    public static AvroModel<Object> any(boolean logicalTypes) {
        GenericData data = logicalTypes ? withLogicalTypeConversions(new GenericData()) : GenericData.get();
        return new AvroModel<>(data, "generic or primitive") {
            @Override
            public Schema schemaOf(Object value) {
                if (value instanceof GenericContainer container) {
                    return container.getSchema();
                }
                Schema.Type type = value instanceof CharSequence ? Schema.Type.STRING : PRIMITIVES.get(value.getClass());
                if (type == null || type == Schema.Type.NULL) {
                    throw new IllegalArgumentException("an Avro serde needs a GenericContainer (e.g. GenericRecord) or a "
                            + "primitive (CharSequence, Long, Integer, Double, Float, Boolean, byte[]), got "
                            + value.getClass().getName());
                }
                return PRIMITIVE_SCHEMAS.get(type);
            }

            @Override
            public Schema defaultReaderSchema() {
                return null;
            }

            @Override
            public boolean rawBytes(Schema writerSchema) {
                return writerSchema.getType() == Schema.Type.BYTES;
            }

            @Override
            public Object fromDatum(Object datum) {
                return datum instanceof CharSequence ? datum.toString() : datum;
            }
        };
    }

    /** Turns what the datum reader returned into the value handed to the caller. */
    @SuppressWarnings("unchecked")
    public T fromDatum(Object datum) {
        return (T) datum;
    }

    /**
     * Adds Avro's conversions for the logical types to a data model of the serde's own (never to
     * a shared singleton): {@code decimal} as {@link java.math.BigDecimal}, {@code uuid} as
     * {@link java.util.UUID}, {@code date} as {@link java.time.LocalDate}, {@code time-millis} and
     * {@code time-micros} as {@link java.time.LocalTime}, {@code timestamp-millis}, {@code -micros}
     * and {@code -nanos} as {@link java.time.Instant}, {@code local-timestamp-millis},
     * {@code -micros} and {@code -nanos} as {@link java.time.LocalDateTime}.
     */
    static <D extends GenericData> D withLogicalTypeConversions(D data) {
        data.addLogicalTypeConversion(new org.apache.avro.Conversions.DecimalConversion());
        data.addLogicalTypeConversion(new org.apache.avro.Conversions.UUIDConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.DateConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimeMillisConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimeMicrosConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMicrosConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampNanosConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.LocalTimestampMillisConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.LocalTimestampMicrosConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.LocalTimestampNanosConversion());
        return data;
    }

    /** The data model that makes readers and writers. */
    public GenericData data() {
        return data;
    }

    /** The schema to register or look up for a value. */
    public abstract Schema schemaOf(T value);

    /** The reader schema when none is configured, or null for "the writer schema". */
    public abstract Schema defaultReaderSchema();

    @Override
    public String toString() {
        return name;
    }
}
