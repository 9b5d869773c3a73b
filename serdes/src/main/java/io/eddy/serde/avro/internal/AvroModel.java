package io.eddy.serde.avro.internal;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.reflect.ReflectData;
import org.apache.avro.specific.SpecificData;

/**
 * One of Avro's three data models (generic, specific, reflect), as a serde needs it: the
 * {@link GenericData} that makes datum readers and writers, the schema of a value, and the reader
 * schema to use when none is configured. Immutable and thread-safe.
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
        return new AvroModel<>(GenericData.get(), "generic") {
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
        Objects.requireNonNull(type, "type");
        ReflectData data = ReflectData.get();
        Schema schema = data.getSchema(type);
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
