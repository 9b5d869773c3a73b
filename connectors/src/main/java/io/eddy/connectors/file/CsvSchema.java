package io.eddy.connectors.file;

import io.eddy.InvalidConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The declared columns of CSV files: names and types, in any order relative to the file's header
 * line (columns are matched by name; the header must name every declared column, extra columns are
 * ignored). Rows become Avro {@link org.apache.avro.generic.GenericRecord}s of {@link #avroSchema()},
 * every field nullable (an empty cell is null). Immutable and thread-safe.
 *
 * <pre>{@code
 * CsvSchema orders = CsvSchema.builder("Order")
 *         .column("id", CsvSchema.Type.LONG)
 *         .column("customer", CsvSchema.Type.STRING)
 *         .column("amount", CsvSchema.Type.DOUBLE)
 *         .build();
 * }</pre>
 */
public final class CsvSchema {

    /** A column's type and how a cell is read. */
    public enum Type {
        /** Any text. */
        STRING,
        /** A 32-bit integer ({@link Integer#parseInt}). */
        INT,
        /** A 64-bit integer ({@link Long#parseLong}). */
        LONG,
        /** A double ({@link Double#parseDouble}). */
        DOUBLE,
        /** {@code true} or {@code false}, ignoring case; anything else is malformed. */
        BOOLEAN
    }

    private final String recordName;
    private final Map<String, Type> columns;
    private final char delimiter;
    private final Schema avroSchema;

    private CsvSchema(Builder b) {
        this.recordName = b.recordName;
        this.columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.columns));
        this.delimiter = b.delimiter;
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(recordName).fields();
        for (Map.Entry<String, Type> c : columns.entrySet()) {
            fields = switch (c.getValue()) {
                case STRING -> fields.optionalString(c.getKey());
                case INT -> fields.optionalInt(c.getKey());
                case LONG -> fields.optionalLong(c.getKey());
                case DOUBLE -> fields.optionalDouble(c.getKey());
                case BOOLEAN -> fields.optionalBoolean(c.getKey());
            };
        }
        this.avroSchema = fields.endRecord();
    }

    /**
     * A builder for rows named {@code recordName} (the Avro record's name: letters, digits and '_').
     */
    public static Builder builder(String recordName) {
        return new Builder(recordName);
    }

    /** The declared columns, name to type, in declaration order. Unmodifiable. */
    public Map<String, Type> columns() {
        return columns;
    }

    /** The cell delimiter; {@code ','} unless set. */
    public char delimiter() {
        return delimiter;
    }

    /** The Avro schema of the rows: a record with one optional field per column, in declaration order. */
    public Schema avroSchema() {
        return avroSchema;
    }

    @Override
    public String toString() {
        return "CsvSchema[" + recordName + " " + columns + ", delimiter '" + delimiter + "']";
    }

    /** Declares the columns; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final String recordName;
        private final Map<String, Type> columns = new LinkedHashMap<>();
        private final List<String> duplicates = new ArrayList<>();
        private char delimiter = ',';

        private Builder(String recordName) {
            this.recordName = recordName;
        }

        /** Adds a column (names are Avro field names: a letter or '_', then letters, digits or '_'). */
        public Builder column(String name, Type type) {
            Objects.requireNonNull(type, "type");
            if (columns.put(name, type) != null) {
                duplicates.add(name);
            }
            return this;
        }

        /** The cell delimiter, {@code ','} by default; may not be a quote or a line break. */
        public Builder delimiter(char delimiter) {
            this.delimiter = delimiter;
            return this;
        }

        /**
         * The schema.
         *
         * @throws InvalidConfigException naming the bad record name, column or delimiter
         */
        public CsvSchema build() {
            String name = "[A-Za-z_][A-Za-z0-9_]*";
            if (recordName == null || !recordName.matches(name)) {
                throw new InvalidConfigException("CsvSchema.recordName", recordName, "a letter or '_', then letters, digits or '_'");
            }
            if (columns.isEmpty()) {
                throw new InvalidConfigException("CsvSchema.columns", columns, "declare at least one column");
            }
            if (!duplicates.isEmpty()) {
                throw new InvalidConfigException("CsvSchema.column", duplicates.get(0), "declared twice");
            }
            for (String c : columns.keySet()) {
                if (c == null || !c.matches(name)) {
                    throw new InvalidConfigException("CsvSchema.column", c, "a letter or '_', then letters, digits or '_'");
                }
            }
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
                throw new InvalidConfigException("CsvSchema.delimiter", delimiter, "may not be a quote or a line break");
            }
            return new CsvSchema(this);
        }
    }
}
