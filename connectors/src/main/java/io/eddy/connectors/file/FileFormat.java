package io.eddy.connectors.file;

import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * How the {@link FileSource} turns a file into records of type {@code V}: plain text, JSON lines,
 * CSV with a header and declared columns, or Avro container files. Immutable and thread-safe.
 *
 * <p>In the line formats a line ends with {@code \n} (a preceding {@code \r} is dropped); the last
 * line of a file may lack it. Files are read as UTF-8. Blank lines are skipped in JSON lines and
 * CSV, kept (as empty strings) in text.
 *
 * @param <V> the record value type
 */
public final class FileFormat<V> {

    /** Turns one line into a value; throws on a malformed line. */
    interface LineParser<V> {
        V parse(String line) throws Exception;
    }

    enum Kind { TEXT, JSON_LINES, CSV, AVRO }

    private final Kind kind;
    private final Serde<V> serde;
    private final LineParser<V> lineParser;
    private final CsvSchema csv;
    private final Schema avroSchema;

    private FileFormat(Kind kind, Serde<V> serde, LineParser<V> lineParser, CsvSchema csv, Schema avroSchema) {
        this.kind = kind;
        this.serde = serde;
        this.lineParser = lineParser;
        this.csv = csv;
        this.avroSchema = avroSchema;
    }

    /** Each line is a record: the line's text, without its line break. Never malformed. */
    public static FileFormat<String> text() {
        return new FileFormat<>(Kind.TEXT, Serdes.string(), line -> line, null, null);
    }

    /**
     * Each non-blank line is one JSON value, read with {@code serde} (for example
     * {@code JsonSerdes.of(Order.class)} or {@code JsonSerdes.tree()}), which also writes the
     * records topic. A line the serde cannot read goes to the error policy.
     */
    public static <V> FileFormat<V> jsonLines(Serde<V> serde) {
        Objects.requireNonNull(serde, "serde");
        return new FileFormat<>(Kind.JSON_LINES, serde, line -> {
            V value = serde.deserialize("", line.getBytes(StandardCharsets.UTF_8));
            if (value == null) {
                throw new IllegalArgumentException("the line holds JSON null");
            }
            return value;
        }, null, null);
    }

    /**
     * CSV with a header line naming the columns, rows read into Avro records of
     * {@link CsvSchema#avroSchema()} (written to the records topic as plain Avro binary of that
     * schema, no registry). Cells may be double-quoted (a quote inside doubled: {@code ""}); a
     * quoted cell may not span lines. A row with the wrong number of cells, or a cell that is not
     * of its column's type, goes to the error policy. A header that lacks a declared column stops
     * the application with an error naming the file.
     */
    public static FileFormat<GenericRecord> csv(CsvSchema schema) {
        Objects.requireNonNull(schema, "schema");
        return new FileFormat<>(Kind.CSV, new AvroBinarySerde(schema.avroSchema()), null, schema, schema.avroSchema());
    }

    /**
     * Avro container files (any codec Avro's own reader supports), each record read with
     * {@code schema} as the reader schema (resolved against the file's writer schema), written to
     * the records topic as plain Avro binary of {@code schema}, no registry. A corrupt file stops
     * the application with an error naming it.
     */
    public static FileFormat<GenericRecord> avro(Schema schema) {
        Objects.requireNonNull(schema, "schema");
        return new FileFormat<>(Kind.AVRO, new AvroBinarySerde(schema), null, null, schema);
    }

    Kind kind() {
        return kind;
    }

    /** The serde of the values, for the records topic. */
    Serde<V> serde() {
        return serde;
    }

    Schema avroSchema() {
        return avroSchema;
    }

    /** Whether the first line of each file is a header rather than a record. */
    boolean hasHeader() {
        return kind == Kind.CSV;
    }

    boolean skipsBlankLines() {
        return kind == Kind.JSON_LINES || kind == Kind.CSV;
    }

    /**
     * The parser of the rows that follow {@code header} (null for formats without one).
     *
     * @throws IOException naming {@code file} when the header lacks a declared column
     */
    @SuppressWarnings("unchecked")
    LineParser<V> parser(String header, String file) throws IOException {
        if (kind != Kind.CSV) {
            return lineParser;
        }
        List<String> names = splitCsv(header == null ? "" : header, csv.delimiter());
        Map<String, CsvSchema.Type> columns = csv.columns();
        int[] index = new int[columns.size()];
        CsvSchema.Type[] types = new CsvSchema.Type[columns.size()];
        String[] fields = new String[columns.size()];
        int i = 0;
        for (Map.Entry<String, CsvSchema.Type> c : columns.entrySet()) {
            index[i] = names.indexOf(c.getKey());
            if (index[i] < 0) {
                throw new IOException("file " + file + ": the CSV header " + names + " has no column '" + c.getKey()
                        + "' (declared: " + columns.keySet() + ")");
            }
            types[i] = c.getValue();
            fields[i] = c.getKey();
            i++;
        }
        int width = names.size();
        Schema schema = csv.avroSchema();
        return (LineParser<V>) (LineParser<GenericRecord>) line -> {
            List<String> cells = splitCsv(line, csv.delimiter());
            if (cells.size() != width) {
                throw new IllegalArgumentException("expected " + width + " cells as in the header, got " + cells.size());
            }
            GenericRecord row = new GenericData.Record(schema);
            for (int c = 0; c < index.length; c++) {
                row.put(fields[c], cell(cells.get(index[c]), types[c], fields[c]));
            }
            return row;
        };
    }

    private static Object cell(String text, CsvSchema.Type type, String column) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return switch (type) {
                case STRING -> text;
                case INT -> Integer.parseInt(text.trim());
                case LONG -> Long.parseLong(text.trim());
                case DOUBLE -> Double.parseDouble(text.trim());
                case BOOLEAN -> switch (text.trim().toLowerCase(Locale.ROOT)) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new IllegalArgumentException("not a boolean");
                };
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column '" + column + "': '" + text + "' is not a " + type, e);
        }
    }

    /** Splits one CSV line into cells, honouring double quotes. */
    static List<String> splitCsv(String line, char delimiter) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.length() == 0) {
                quoted = true;
            } else if (c == delimiter) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quoted cell is not closed");
        }
        cells.add(cell.toString());
        return cells;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TEXT -> "text";
            case JSON_LINES -> "JSON lines (" + serde + ")";
            case CSV -> "CSV " + csv;
            case AVRO -> "Avro " + avroSchema.getFullName();
        };
    }
}
