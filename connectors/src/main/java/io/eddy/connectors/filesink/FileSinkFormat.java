package io.eddy.connectors.filesink;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.dsl.SinkRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * How a {@link FileSink} encodes records in its files: JSON lines, CSV with a header, or Avro
 * container files. Each data file the sink writes holds one task's records of one batch for one
 * partition path, complete in itself (a CSV file has its header, an Avro file its schema).
 *
 * <p>Instances are immutable and thread-safe; the functions given to the factories run on the
 * task's worker thread, once per record, and must not return null (except where said).
 *
 * <pre>{@code
 * FileSinkFormat<String, Order> json = FileSinkFormat.jsonLines(r -> r.value());          // Jackson maps the object
 * FileSinkFormat<String, Order> csv = FileSinkFormat.csv(List.of("id", "amount"),
 *         r -> List.of(r.value().id(), r.value().amount()));
 * FileSinkFormat<String, Order> avro = FileSinkFormat.avro(schema, r -> toGenericRecord(r.value()));
 * }</pre>
 *
 * <p>Parquet is not offered: see the README (the Java Parquet writer needs Hadoop's classes).
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
public abstract class FileSinkFormat<K, V> {
    private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper();

    private final String extension;

    private FileSinkFormat(String extension) {
        this.extension = extension;
    }

    /** The file name extension of this format's data files, without the dot ({@code jsonl}, {@code csv}, {@code avro}). */
    public final String extension() {
        return extension;
    }

    /** Starts a data file on {@code out}; the encoder never closes {@code out}. */
    abstract Encoder<K, V> start(OutputStream out) throws IOException;

    /** Writes one data file's records. Not thread-safe. */
    interface Encoder<K, V> {
        void write(SinkRecord<K, V> record) throws IOException;

        /** Writes what is buffered to the stream (does not close it). */
        void finish() throws IOException;
    }

    /**
     * One JSON document per line, written by a default Jackson {@link ObjectMapper}.
     *
     * @param toJson maps a record to what Jackson serialises on its line (a map, a record class, a
     *        {@code JsonNode}…); null writes {@code null}
     */
    public static <K, V> FileSinkFormat<K, V> jsonLines(Function<? super SinkRecord<K, V>, ?> toJson) {
        return jsonLines(DEFAULT_MAPPER, toJson);
    }

    /**
     * One JSON document per line, written by {@code mapper} (which must not be reconfigured after).
     * Line breaks inside a document are escaped by JSON itself, so each record is exactly one line.
     */
    public static <K, V> FileSinkFormat<K, V> jsonLines(ObjectMapper mapper, Function<? super SinkRecord<K, V>, ?> toJson) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(toJson, "toJson");
        return new FileSinkFormat<>("jsonl") {
            @Override
            Encoder<K, V> start(OutputStream out) {
                return new Encoder<>() {
                    @Override
                    public void write(SinkRecord<K, V> record) throws IOException {
                        out.write(mapper.writeValueAsBytes(toJson.apply(record)));
                        out.write('\n');
                    }

                    @Override
                    public void finish() throws IOException {
                        out.flush();
                    }
                };
            }
        };
    }

    /**
     * Comma-separated values (RFC 4180): a header line with {@code columns}, then one line per
     * record. A field that holds a comma, a quote or a line break is quoted (quotes doubled); null
     * is an empty field; other values are written with {@code String.valueOf}. Lines end with CRLF.
     *
     * @param columns the header, at least one column
     * @param toRow maps a record to its fields, as many as {@code columns}
     * @throws IllegalArgumentException if {@code columns} is empty or holds a blank name
     */
    public static <K, V> FileSinkFormat<K, V> csv(List<String> columns, Function<? super SinkRecord<K, V>, ? extends List<?>> toRow) {
        List<String> header = List.copyOf(Objects.requireNonNull(columns, "columns"));
        Objects.requireNonNull(toRow, "toRow");
        if (header.isEmpty() || header.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("CSV columns must be at least one non-blank name, got " + header);
        }
        return new FileSinkFormat<>("csv") {
            @Override
            Encoder<K, V> start(OutputStream out) throws IOException {
                line(out, header);
                return new Encoder<>() {
                    @Override
                    public void write(SinkRecord<K, V> record) throws IOException {
                        List<?> row = toRow.apply(record);
                        if (row == null || row.size() != header.size()) {
                            throw new IllegalArgumentException("a CSV row must have " + header.size() + " fields "
                                    + header + ", got " + row + " for the record at " + record.topic() + "-"
                                    + record.partition() + "@" + record.offset());
                        }
                        line(out, row);
                    }

                    @Override
                    public void finish() throws IOException {
                        out.flush();
                    }
                };
            }
        };
    }

    private static void line(OutputStream out, List<?> fields) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            Object f = fields.get(i);
            String text = f == null ? "" : String.valueOf(f);
            if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                s.append('"').append(text.replace("\"", "\"\"")).append('"');
            } else {
                s.append(text);
            }
        }
        s.append("\r\n");
        out.write(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Avro object container files (uncompressed), written with Avro's own {@link DataFileWriter}:
     * the schema in the header, so any Avro reader opens them.
     *
     * @param schema the writer schema, a record schema
     * @param toRecord maps a record to a {@link GenericRecord} of {@code schema}
     * @throws IllegalArgumentException if {@code schema} is not a record schema
     */
    public static <K, V> FileSinkFormat<K, V> avro(Schema schema, Function<? super SinkRecord<K, V>, ? extends GenericRecord> toRecord) {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(toRecord, "toRecord");
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("an Avro file sink needs a record schema, got " + schema.getType());
        }
        return new FileSinkFormat<>("avro") {
            @Override
            Encoder<K, V> start(OutputStream out) throws IOException {
                DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(schema));
                writer.create(schema, new UnclosableStream(out));
                return new Encoder<>() {
                    @Override
                    public void write(SinkRecord<K, V> record) throws IOException {
                        writer.append(toRecord.apply(record));
                    }

                    @Override
                    public void finish() throws IOException {
                        writer.close();   // writes the last block; the stream stays open
                    }
                };
            }
        };
    }

    /** Lets the sink, not the Avro writer, close (after fsync) the file it opened. */
    private static final class UnclosableStream extends java.io.FilterOutputStream {
        UnclosableStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
