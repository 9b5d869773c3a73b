package io.eddy.connectors.filesink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.process.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file sink under SIGKILL: {@link FileSinkCrashMain} (three sinks: JSON lines, CSV, Avro) runs
 * in a child JVM that is killed {@value #KILLS} times at random points while input flows, and is
 * restarted each time on the same directories. After every kill, what each manifest lists is whole:
 * no record twice, every listed file holding exactly the records its entry counts, nothing that
 * was not input. At the end the records the manifests list are exactly the input, once each, and the
 * files are read by the standard tools: Avro's own {@link DataFileReader}, and {@code jq} for the JSON
 * lines (when installed; {@code .ci/run} installs it). The seed is printed; replay with
 * {@code -Deddy.crash.seed=<seed>}.
 */
class FileSinkCrashTest {
    private static final int RECORDS = 40_000;
    private static final int PARTITIONS = 4;
    private static final int KILLS = 3;
    private static final String INPUT = "fscrash-in";
    private static final String APP_ID = "fscrash";
    private static final long NOW = System.currentTimeMillis();
    private static final ObjectMapper JSON = new ObjectMapper();

    static EmbeddedKafka kafka;
    static TopicIO io;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        io = TopicIO.of(kafka);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One row as a sink wrote it, with the file it came from. */
    record Row(int partition, long offset, String key, String value, Path file) {
    }

    @Test
    void theManifestsListEveryInputRecordOnceAcrossKillsAndStandardReadersReadTheFiles() throws Exception {
        long seed = Long.getLong("eddy.crash.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay with -Deddy.crash.seed=" + seed + ")";
        System.out.println("FileSinkCrashTest: " + replay);
        Random random = new Random(seed);
        Path childLog = Path.of("target", "FileSinkCrashTest-child.log").toAbsolutePath();
        Files.deleteIfExists(childLog);
        Path stateDir = tmp.resolve("state");
        Path out = tmp.resolve("out");

        kafka.createTopic(INPUT, PARTITIONS, Map.of());
        int chunk = RECORDS / (KILLS + 1);
        int produced = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            for (int run = 0; run <= KILLS; run++) {
                io.produce(input(produced, produced + chunk));
                produced += chunk;
                int inputSoFar = produced;
                try (ChildJvm child = startChild(childLog, stateDir, out)) {
                    child.awaitLogLine(FileSinkCrashMain.READY, Duration.ofSeconds(60));
                    if (run == KILLS) {
                        for (String format : List.of("json", "csv", "avro")) {
                            Await.until(Duration.ofSeconds(180), () -> listed(out.resolve(format)) >= inputSoFar,
                                    () -> format + " manifest lists " + listed(out.resolve(format)) + " of " + inputSoFar
                                            + " records; " + replay + "; log " + childLog);
                        }
                        child.kill();   // one more crash, after everything was published
                        break;
                    }
                    long before = committedInput(admin);
                    long target = Math.min(produced, before + 1_000 + random.nextInt(chunk / 2));
                    Await.until(Duration.ofSeconds(90), () -> !child.isAlive() || committedInput(admin) >= target,
                            () -> "committed input " + committedInput(admin) + ", waiting for " + target + "; " + replay);
                    assertThat(child.isAlive()).as("run %d exited by itself; %s; log %s", run, replay, childLog).isTrue();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));   // a random kill point
                    child.kill();
                    System.out.printf("run %d: killed; committed input %d -> %d of %d; listed json %d, csv %d, avro %d%n",
                            run, before, committedInput(admin), produced,
                            listed(out.resolve("json")), listed(out.resolve("csv")), listed(out.resolve("avro")));
                }
                // what a reader of the manifests sees after a crash: whole batches, each once
                checkWhole(readJson(out.resolve("json")), produced, "json after run " + run + "; " + replay);
                checkWhole(readCsv(out.resolve("csv")), produced, "csv after run " + run + "; " + replay);
                checkWhole(readAvro(out.resolve("avro")), produced, "avro after run " + run + "; " + replay);
            }
        }

        for (String format : List.of("json", "csv", "avro")) {
            Path dir = out.resolve(format);
            List<Row> rows = switch (format) {
                case "json" -> readJson(dir);
                case "csv" -> readCsv(dir);
                default -> readAvro(dir);
            };
            checkWhole(rows, RECORDS, format + "; " + replay);
            Set<String> values = new HashSet<>();
            rows.forEach(r -> values.add(r.value()));
            assertThat(values).as("%s holds every input record; %s", format, replay).hasSize(RECORDS);
            for (Row r : rows) {
                long v = Long.parseLong(r.value());
                assertThat(r.file().toString()).as("%s partition path of %s", format, r)
                        .contains("/bucket=" + (v % 3) + "/").contains("/date=");
            }
        }
        checkWithJq(out.resolve("json"), readJson(out.resolve("json")));
        String log = Files.readString(childLog, StandardCharsets.ISO_8859_1);
        System.out.printf("FileSinkCrashTest: recoveries after restarts: %d staged batches discarded (not committed), "
                + "%d committed batches published late%n", count(log, "which did not commit"),
                count(log, "which had committed but was not published yet"));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    // ---- input

    private static String key(int i) {
        return "k" + (i % 50);
    }

    private static List<ProducerRecord<byte[], byte[]>> input(int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            long timestamp = NOW - (long) (RECORDS - i) * 1_000;   // spans about 11 hours: several hour= directories
            records.add(new ProducerRecord<>(INPUT, null, timestamp, bytes(key(i)), bytes(Integer.toString(i))));
        }
        return records;
    }

    // ---- what the manifests list

    private static long listed(Path dir) {
        return FileSinkManifest.entries(dir).stream().mapToLong(FileSinkManifest.Entry::records).sum();
    }

    /**
     * No (partition, offset) twice, nothing that was not input, keys matching values, and every
     * listed file holding exactly the records its manifest entry counts (no partial file).
     */
    private static void checkWhole(List<Row> rows, int inputSoFar, String what) {
        Set<String> positions = new HashSet<>();
        for (Row r : rows) {
            assertThat(positions.add(r.partition() + "@" + r.offset())).as("%s: %s listed twice", what, r).isTrue();
            int v = Integer.parseInt(r.value());
            assertThat(v).as("%s: %s was not input", what, r).isBetween(0, inputSoFar - 1);
            assertThat(r.key()).as(what).isEqualTo(key(v));
        }
        Map<Path, Long> perFile = new HashMap<>();
        rows.forEach(r -> perFile.merge(r.file(), 1L, Long::sum));
        Path dir = rows.isEmpty() ? null : rows.get(0).file();
        for (FileSinkManifest.Entry e : entriesOf(rows)) {
            for (FileSinkManifest.DataFile f : e.files()) {
                assertThat(perFile.getOrDefault(dirOf(rows).resolve(f.path()), 0L))
                        .as("%s: records in %s", what, f.path()).isEqualTo(f.records());
            }
        }
        assertThat(dir == null || rows.size() == listed(dirOf(rows))).as(what).isTrue();
    }

    private static Path sinkDir(Path file) {
        Path p = file;
        while (p != null && !Files.isDirectory(p.resolve(FileSinkManifest.MANIFEST_DIR))) {
            p = p.getParent();
        }
        return p;
    }

    private static Path dirOf(List<Row> rows) {
        return sinkDir(rows.get(0).file());
    }

    private static List<FileSinkManifest.Entry> entriesOf(List<Row> rows) {
        return rows.isEmpty() ? List.of() : FileSinkManifest.entries(dirOf(rows));
    }

    private static List<Row> readJson(Path dir) {
        List<Row> rows = new ArrayList<>();
        for (Path f : FileSinkManifest.committedFiles(dir)) {
            for (String line : lines(f)) {
                try {
                    JsonNode n = JSON.readTree(line);
                    rows.add(new Row(n.get("partition").asInt(), n.get("offset").asLong(), n.get("key").asText(),
                            n.get("value").asText(), f));
                } catch (IOException e) {
                    throw new UncheckedIOException("not JSON in " + f + ": " + line, e);
                }
            }
        }
        return rows;
    }

    private static List<Row> readCsv(Path dir) {
        List<Row> rows = new ArrayList<>();
        for (Path f : FileSinkManifest.committedFiles(dir)) {
            List<String> lines = lines(f);
            assertThat(lines.get(0)).as("header of %s", f).isEqualTo("partition,offset,key,value");
            for (String line : lines.subList(1, lines.size())) {
                String[] c = line.split(",", -1);
                assertThat(c).as("fields of a line in %s", f).hasSize(4);
                rows.add(new Row(Integer.parseInt(c[0]), Long.parseLong(c[1]), c[2], c[3], f));
            }
        }
        return rows;
    }

    private static List<Row> readAvro(Path dir) {
        List<Row> rows = new ArrayList<>();
        for (Path f : FileSinkManifest.committedFiles(dir)) {
            try (DataFileReader<GenericRecord> reader = new DataFileReader<>(f.toFile(), new GenericDatumReader<>())) {
                assertThat(reader.getSchema()).isEqualTo(FileSinkCrashMain.ROW);
                for (GenericRecord r : reader) {
                    rows.add(new Row((Integer) r.get("partition"), (Long) r.get("offset"), r.get("key").toString(),
                            r.get("value").toString(), f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Avro's reader cannot read " + f, e);
            }
        }
        return rows;
    }

    private static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code jq} reads every listed JSON-lines file and finds the same rows as Jackson. */
    private static void checkWithJq(Path dir, List<Row> expected) throws IOException, InterruptedException {
        if (!jqInstalled()) {
            assertThat(System.getenv("CI")).as("jq is missing, and CI installs it (.ci/run)").isNotEqualTo("true");
            System.out.println("FileSinkCrashTest: jq is not installed; the JSON lines were checked with Jackson only");
            return;
        }
        List<String> command = new ArrayList<>(List.of("jq", "-r", "\"\\(.partition) \\(.offset) \\(.key) \\(.value)\""));
        FileSinkManifest.committedFiles(dir).forEach(f -> command.add(f.toString()));
        Path output = Files.createTempFile("jq", ".txt");
        Process jq = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(jq.waitFor(120, TimeUnit.SECONDS)).as("jq finished").isTrue();
        List<String> got = Files.readAllLines(output);
        Files.delete(output);
        assertThat(jq.exitValue()).as("jq exit status; output starts %s", got.stream().limit(5).toList()).isZero();
        List<String> want = expected.stream().map(r -> r.partition() + " " + r.offset() + " " + r.key() + " " + r.value()).toList();
        assertThat(got).isEqualTo(want);
    }

    private static boolean jqInstalled() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "jq"))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ChildJvm startChild(Path log, Path stateDir, Path out) {
        return ChildJvm.builder(FileSinkCrashMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .logFile(log)
                .args(kafka.bootstrapServers(), INPUT, APP_ID, stateDir.toString(), out.toString())
                .start();
    }

    private static long committedInput(Admin admin) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(APP_ID).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(INPUT) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the committed offsets of " + APP_ID, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
