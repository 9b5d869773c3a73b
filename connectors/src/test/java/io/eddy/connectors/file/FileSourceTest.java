package io.eddy.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.ErrorAction;
import io.eddy.ErrorContext;
import io.eddy.ErrorHandler;
import io.eddy.Guarantee;
import io.eddy.InvalidConfigException;
import io.eddy.ProcessingFailedException;
import io.eddy.Trigger;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.serde.json.JsonSerdes;
import io.eddy.source.StreamSource;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file source against a real broker: each format, the error policies for malformed lines
 * (with file and line in the error), an unreadable file, and delete after processing. One broker
 * for the class; each test its own application id, directory and topics.
 */
class FileSourceTest {
    private static EmbeddedKafka kafka;
    private static TopicIO io;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<EddyApp> apps = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        io = TopicIO.of(kafka);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @AfterEach
    void closeApps() {
        apps.forEach(a -> a.close(Duration.ofSeconds(10)));
    }

    private <V> EddyApp start(String appId, StreamSource<String, V> source, Serde<V> serde, ErrorHandler handler) {
        kafka.createTopic(appId + "-out", 1, java.util.Map.of());
        EddyApp app = EddyApp.builder(appId)
                .bootstrapServers(kafka.bootstrapServers())
                .guarantee(Guarantee.EXACTLY_ONCE)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .errorHandler(handler)
                .pipeline(p -> p.source("files", source).toKafka(appId + "-out", Produced.with(Serdes.string(), serde)))
                .build();
        apps.add(app);
        app.start();
        return app;
    }

    private static List<String> values(List<TopicRecord> records) {
        return records.stream().map(TopicRecord::valueString).collect(Collectors.toList());
    }

    /** Writes {@code lines} to {@code name} atomically (a hidden temporary file moved in), with the given age. */
    private Path write(String name, List<String> lines, long mtime) throws Exception {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(mtime));
        return Files.move(tmp, dir.resolve(name));
    }

    @Test
    void textFilesAreReadOldestFirstAndNewFilesArePickedUp() throws Exception {
        long t = System.currentTimeMillis() - 60_000;
        write("b.txt", List.of("b1", "b2"), t + 1000);
        write("a.txt", List.of("a1", "a2", "a3"), t);
        write("ignored.log", List.of("x"), t);
        EddyApp app = start("fs-text", FileSource.builder(dir, FileFormat.text()).glob("*.txt").maxFilesPerBatch(1).build(),
                Serdes.string(), ErrorHandler.fail());
        assertThat(values(io.readCommitted("fs-text-out", 5, DEADLINE))).containsExactly("a1", "a2", "a3", "b1", "b2");
        write("c.txt", List.of("c1"), System.currentTimeMillis());
        assertThat(values(io.readCommitted("fs-text-out", 6, DEADLINE))).endsWith("c1");
        assertThat(app.state()).isEqualTo(AppState.RUNNING);
    }

    record Order(String id, long amount) {
    }

    @Test
    void jsonLinesAndCsvAndAvroFilesBecomeRecords() throws Exception {
        Path json = Files.createDirectory(dir.resolve("json"));
        Files.writeString(json.resolve("o.jsonl"), "{\"id\":\"o1\",\"amount\":5}\n\n{\"id\":\"o2\",\"amount\":7}");
        Serde<Order> orders = JsonSerdes.of(Order.class);
        start("fs-json", FileSource.builder(json, FileFormat.jsonLines(orders)).build(), orders, ErrorHandler.fail());
        List<Order> read = io.readCommitted("fs-json-out", 2, DEADLINE).stream()
                .map(r -> orders.deserialize("t", r.value())).toList();
        assertThat(read).containsExactly(new Order("o1", 5), new Order("o2", 7));

        Path csv = Files.createDirectory(dir.resolve("csv"));
        Files.writeString(csv.resolve("o.csv"), "amount,id,note\r\n5,o1,\"a, b\"\r\n,o2,\"say \"\"hi\"\"\"\r\n");
        CsvSchema schema = CsvSchema.builder("Order").column("id", CsvSchema.Type.STRING)
                .column("amount", CsvSchema.Type.LONG).column("note", CsvSchema.Type.STRING).build();
        FileSource<GenericRecord> csvSource = FileSource.builder(csv, FileFormat.csv(schema)).build();
        start("fs-csv", csvSource, csvSource.valueSerde(), ErrorHandler.fail());
        List<String> rows = io.readCommitted("fs-csv-out", 2, DEADLINE).stream()
                .map(r -> csvSource.valueSerde().deserialize("t", r.value()).toString()).toList();
        assertThat(rows).containsExactly("{\"id\": \"o1\", \"amount\": 5, \"note\": \"a, b\"}",
                "{\"id\": \"o2\", \"amount\": null, \"note\": \"say \\\"hi\\\"\"}");

        Path avro = Files.createDirectory(dir.resolve("avro"));
        Schema s = SchemaBuilder.record("Reading").fields().requiredString("sensor").requiredDouble("value").endRecord();
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(s))) {
            w.create(s, new File(avro.resolve("r.avro").toString()));
            for (int i = 0; i < 3; i++) {
                GenericRecord r = new GenericData.Record(s);
                r.put("sensor", "s" + i);
                r.put("value", i * 1.5);
                w.append(r);
            }
        }
        FileSource<GenericRecord> avroSource = FileSource.builder(avro, FileFormat.avro(s)).build();
        start("fs-avro", avroSource, avroSource.valueSerde(), ErrorHandler.fail());
        List<String> sensors = io.readCommitted("fs-avro-out", 3, DEADLINE).stream()
                .map(r -> avroSource.valueSerde().deserialize("t", r.value()).get("sensor").toString()).toList();
        assertThat(sensors).containsExactly("s0", "s1", "s2");
    }

    private void writeMalformedCsv() throws Exception {
        Files.writeString(dir.resolve("bad.csv"), "id,amount\no1,5\no2,five\no3,7\n");
    }

    private FileSource<GenericRecord> csvSource() {
        CsvSchema schema = CsvSchema.builder("Order").column("id", CsvSchema.Type.STRING)
                .column("amount", CsvSchema.Type.LONG).build();
        return FileSource.builder(dir, FileFormat.csv(schema)).build();
    }

    @Test
    void aMalformedLineUnderFailStopsTheAppNamingFileAndLineAndCommitsNothingOfItsBatch() throws Exception {
        writeMalformedCsv();
        FileSource<GenericRecord> source = csvSource();
        EddyApp app = start("fs-fail", source, source.valueSerde(), ErrorHandler.fail());
        Await.until(DEADLINE, () -> app.state() == AppState.ERROR, () -> "state " + app.state());
        Throwable failure = app.failure().orElseThrow();
        assertThat(failure).isInstanceOf(ProcessingFailedException.class)
                .hasMessageContaining(dir.resolve("bad.csv") + ":3").hasMessageContaining("five");
        assertThat(((ProcessingFailedException) failure).context().location()).isEqualTo(dir.resolve("bad.csv") + ":3");
        assertThat(io.readCommittedToEnd("fs-fail-out", DEADLINE)).isEmpty();
    }

    @Test
    void aMalformedLineUnderSkipIsCountedAndTheOthersGoThrough() throws Exception {
        writeMalformedCsv();
        FileSource<GenericRecord> source = csvSource();
        List<ErrorContext> seen = new CopyOnWriteArrayList<>();
        EddyApp app = start("fs-skip", source, source.valueSerde(), ctx -> {
            seen.add(ctx);
            return ErrorAction.SKIP;
        });
        List<String> ids = io.readCommitted("fs-skip-out", 2, DEADLINE).stream()
                .map(r -> source.valueSerde().deserialize("t", r.value()).get("id").toString()).toList();
        assertThat(ids).containsExactly("o1", "o3");
        assertThat(seen).singleElement().satisfies(ctx -> {
            assertThat(ctx.kind()).isEqualTo(ErrorContext.Kind.DESERIALIZATION);
            assertThat(ctx.operator()).isEqualTo("files");
            assertThat(ctx.location()).isEqualTo(dir.resolve("bad.csv") + ":3");
            assertThat(ctx.describe()).contains("bad.csv:3", "five");
        });
        Await.until(DEADLINE, () -> app.metrics().skippedRecords() == 1, () -> "skipped " + app.metrics());
    }

    @Test
    void aMalformedLineUnderDeadLetterGoesToTheTopicWithItsLocation() throws Exception {
        writeMalformedCsv();
        kafka.createTopic("fs-dlq-errors", 1, java.util.Map.of());
        FileSource<GenericRecord> source = csvSource();
        start("fs-dlq", source, source.valueSerde(), ErrorHandler.deadLetter("fs-dlq-errors"));
        assertThat(io.readCommitted("fs-dlq-out", 2, DEADLINE)).hasSize(2);
        TopicRecord dead = io.readCommitted("fs-dlq-errors", 1, DEADLINE).get(0);
        assertThat(dead.valueString()).isEqualTo("o2,five");
        assertThat(new String(dead.lastHeader("eddy.source.location"), StandardCharsets.UTF_8))
                .isEqualTo(dir.resolve("bad.csv") + ":3");
        assertThat(new String(dead.lastHeader("eddy.error.message"), StandardCharsets.UTF_8)).contains("five");
    }

    @Test
    void anUnreadableFileStopsTheAppWithAnErrorNamingIt() throws Exception {
        Path secret = write("secret.txt", List.of("s1"), System.currentTimeMillis());
        assertThat(secret.toFile().setReadable(false, false)).isTrue();
        // as root (containers, CI) a mode of 000 does not stop reads: the assertion below would
        // test nothing, so it is skipped there rather than reported as a failure
        Assumptions.assumeFalse(Files.isReadable(secret), "running as root: file permissions do not block reads");
        EddyApp app = start("fs-unreadable", FileSource.builder(dir, FileFormat.text()).build(), Serdes.string(),
                ErrorHandler.skipAndCount());
        Await.until(DEADLINE, () -> app.state() == AppState.ERROR, () -> "state " + app.state());
        assertThat(app.failure().orElseThrow()).hasMessageContaining("source 'files'")
                .hasMessageContaining("cannot read " + secret).hasMessageContaining("permission denied");
    }

    @Test
    void aCorruptAvroFileStopsTheAppWithAnErrorNamingIt() throws Exception {
        // runs as root too (unlike the permission test): the other way a file cannot be read
        Path bad = write("broken.avro", List.of("not an Avro container"), System.currentTimeMillis());
        Schema s = SchemaBuilder.record("R").fields().requiredString("a").endRecord();
        FileSource<GenericRecord> source = FileSource.builder(dir, FileFormat.avro(s)).build();
        EddyApp app = start("fs-corrupt", source, source.valueSerde(), ErrorHandler.skipAndCount());
        Await.until(DEADLINE, () -> app.state() == AppState.ERROR, () -> "state " + app.state());
        assertThat(app.failure().orElseThrow()).hasMessageContaining("source 'files'")
                .hasMessageContaining("cannot read the Avro file " + bad);
    }

    @Test
    void filesAreDeletedOnlyAfterTheirBatchCommitted() throws Exception {
        write("d1.txt", List.of("x1", "x2"), System.currentTimeMillis() - 1000);
        start("fs-delete", FileSource.builder(dir, FileFormat.text()).deleteAfterProcessing().build(), Serdes.string(),
                ErrorHandler.fail());
        assertThat(values(io.readCommitted("fs-delete-out", 2, DEADLINE))).containsExactly("x1", "x2");
        Await.until(DEADLINE, () -> !Files.exists(dir.resolve("d1.txt")), () -> "d1.txt still there");
        // a new file under the same name is a new file
        write("d1.txt", List.of("y1"), System.currentTimeMillis());
        assertThat(values(io.readCommitted("fs-delete-out", 3, DEADLINE))).containsExactly("x1", "x2", "y1");
    }

    @Test
    void twoInstancesReadTheDirectoryOnceAndTheSecondTakesOverWhenTheFirstCloses() throws Exception {
        long t = System.currentTimeMillis() - 60_000;
        for (int f = 0; f < 5; f++) {
            write("p" + f + ".txt", List.of("p" + f + "-a", "p" + f + "-b"), t + f);
        }
        FileSource<String> source = FileSource.builder(dir, FileFormat.text()).maxFilesPerBatch(1).build();
        EddyApp first = start("fs-two", source, Serdes.string(), ErrorHandler.fail());
        EddyApp second = EddyApp.builder("fs-two")
                .bootstrapServers(kafka.bootstrapServers())
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> p.source("files", source).toKafka("fs-two-out", Produced.with(Serdes.string(), Serdes.string())))
                .build();
        apps.add(second);
        second.start();
        io.readCommitted("fs-two-out", 10, DEADLINE);
        first.close(Duration.ofSeconds(30));   // whichever owned the source, the other one carries on
        for (int f = 5; f < 8; f++) {
            write("p" + f + ".txt", List.of("p" + f + "-a", "p" + f + "-b"), System.currentTimeMillis() + f);
        }
        io.readCommitted("fs-two-out", 16, DEADLINE);
        List<String> all = values(io.readCommittedToEnd("fs-two-out", DEADLINE));
        assertThat(all).hasSize(16).doesNotHaveDuplicates();
    }

    @Test
    void badOptionsAreRefusedAtBuildNamingTheOption() {
        assertThatThrownBy(() -> FileSource.builder(dir.resolve("missing"), FileFormat.text()).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("FileSource.directory");
        assertThatThrownBy(() -> FileSource.builder(dir, FileFormat.text()).maxFilesPerBatch(0).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("FileSource.maxFilesPerBatch");
        assertThatThrownBy(() -> FileSource.builder(dir, FileFormat.text()).includeModified(true).deleteAfterProcessing().build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("FileSource.includeModified");
        assertThatThrownBy(() -> CsvSchema.builder("R").column("a", CsvSchema.Type.INT).column("a", CsvSchema.Type.INT).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("declared twice");
    }
}
