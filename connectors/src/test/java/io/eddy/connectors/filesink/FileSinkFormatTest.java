package io.eddy.connectors.filesink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.dsl.SinkRecord;
import io.eddy.dsl.TaskBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three formats' bytes, the partitioners, and the builder's checks. */
class FileSinkFormatTest {
    private static final String AWKWARD = "comma, \"quote\"\nnew line é";

    @TempDir
    Path dir;

    private static SinkRecord<String, String> rec(String key, String value, long offset) {
        return new SinkRecord<>(key, value, "in", 0, offset, Instant.parse("2026-12-05T07:42:00Z").toEpochMilli());
    }

    /** Writes {@code records} as one committed batch of task 0 and returns the published file. */
    private Path writeOneBatch(FileSinkFormat<String, String> format, List<SinkRecord<String, String>> records) {
        ForeachWriterHarness.write(dir, format, records);
        List<Path> files = FileSinkManifest.committedFiles(dir);
        assertThat(files).hasSize(1);
        return files.get(0);
    }

    /** Drives a writer through one committed batch. */
    static final class ForeachWriterHarness {
        static void write(Path dir, FileSinkFormat<String, String> format, List<SinkRecord<String, String>> records) {
            FileSinkWriter<String, String> w = new FileSinkWriter<>(dir, format, r -> "");
            w.taskStarted(new TaskBatch(0, 0));
            w.open(new TaskBatch(0, 0));
            records.forEach(w::process);
            w.close(null);
            w.committed(new TaskBatch(0, 0));
        }
    }

    @Test
    void jsonLinesWriteOneDocumentPerLineWhateverTheValueHolds() throws IOException {
        Path file = writeOneBatch(FileSinkFormat.jsonLines(r -> Map.of("k", r.key(), "v", r.value())),
                List.of(rec("a", AWKWARD, 0), rec("b", "plain", 1)));
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        assertThat(new ObjectMapper().readTree(lines.get(0)).get("v").asText()).isEqualTo(AWKWARD);
        assertThat(file.getFileName().toString()).isEqualTo("part-t00000-b0000000000.jsonl");
    }

    @Test
    void csvHasTheHeaderAndQuotesWhatNeedsQuoting() throws IOException {
        Path file = writeOneBatch(FileSinkFormat.csv(List.of("key", "value", "offset"),
                        r -> Arrays.asList(r.key(), r.value(), r.offset() == 1 ? null : r.offset())),
                List.of(rec("a", AWKWARD, 0), rec("b", "plain", 1)));
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(
                "key,value,offset\r\n"
                        + "a,\"comma, \"\"quote\"\"\nnew line é\",0\r\n"
                        + "b,plain,\r\n");
    }

    @Test
    void aCsvRowOfTheWrongWidthFailsNamingTheRecord() {
        FileSinkWriter<String, String> w = new FileSinkWriter<>(dir, FileSinkFormat.csv(List.of("a", "b"), r -> List.of(r.value())), r -> "");
        w.open(new TaskBatch(0, 0));
        assertThatThrownBy(() -> w.process(rec("k", "v", 7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 fields [a, b]")
                .hasMessageContaining("in-0@7");
        assertThatThrownBy(() -> FileSinkFormat.csv(List.of(), r -> List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FileSinkFormat.csv(List.of("a", " "), r -> List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void avroFilesAreReadByAvrosOwnReader() throws IOException {
        Schema schema = SchemaBuilder.record("Row").fields().requiredString("key").requiredString("value").requiredLong("offset").endRecord();
        Path file = writeOneBatch(FileSinkFormat.avro(schema, r -> new GenericRecordBuilder(schema)
                        .set("key", r.key()).set("value", r.value()).set("offset", r.offset()).build()),
                List.of(rec("a", AWKWARD, 0), rec("b", "plain", 1)));
        List<String> read = new ArrayList<>();
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            assertThat(reader.getSchema()).isEqualTo(schema);
            reader.forEach(r -> read.add(r.get("key") + "|" + r.get("value") + "|" + r.get("offset")));
        }
        assertThat(read).containsExactly("a|" + AWKWARD + "|0", "b|plain|1");
        assertThatThrownBy(() -> FileSinkFormat.avro(Schema.create(Schema.Type.STRING), r -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record schema");
    }

    @Test
    void partitionersWriteHiveStyleDirectories() {
        SinkRecord<String, String> r = rec("a/b", "..", 0);
        assertThat(PartitionPaths.<String, String>hourly().apply(r)).isEqualTo("date=2026-12-05/hour=07");
        assertThat(PartitionPaths.<String, String>daily().apply(r)).isEqualTo("date=2026-12-05");
        assertThat(PartitionPaths.<String, String>byTime(SinkRecord::timestamp, ChronoUnit.MINUTES, ZoneOffset.ofHours(2)).apply(r))
                .isEqualTo("date=2026-12-05/hour=09/minute=42");
        assertThat(PartitionPaths.<String, String>byField("user", SinkRecord::key).apply(r)).isEqualTo("user=a%2Fb");
        assertThat(PartitionPaths.<String, String>byField("v", SinkRecord::value).apply(r)).isEqualTo("v=%2E%2E");
        assertThat(PartitionPaths.<String, String>byField("v", x -> null).apply(r)).isEqualTo("v=__null__");
        assertThat(PartitionPaths.concat(PartitionPaths.<String, String>daily(), PartitionPaths.none(),
                PartitionPaths.byField("user", SinkRecord::key)).apply(r)).isEqualTo("date=2026-12-05/user=a%2Fb");
        assertThatThrownBy(() -> PartitionPaths.byField("a/b", SinkRecord::key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartitionPaths.byField("_x", SinkRecord::key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartitionPaths.byTime(SinkRecord::timestamp, ChronoUnit.SECONDS, ZoneOffset.UTC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SECONDS");
    }

    @Test
    void theBuilderChecksItsDirectoryAndSetsEachOptionOnce() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> FileSink.builder(file, FileSinkFormat.<String, String>jsonLines(r -> r.value())).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString());
        FileSink.Builder<String, String> b = FileSink.builder(dir.resolve("new/sub"), FileSinkFormat.<String, String>jsonLines(r -> r.value()))
                .partitionBy(PartitionPaths.hourly());
        assertThatThrownBy(() -> b.partitionBy(PartitionPaths.daily())).isInstanceOf(IllegalStateException.class);
        assertThat(b.build().directory()).isDirectory();
    }
}
