package io.eddy.it.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.EddyApp;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Window and dedup state stay bounded over a long run: {@value #ROUNDS} rounds of
 * {@value #PER_ROUND} records, each round twelve hours of event time, through a {@code FINAL}
 * tumbling-window count and through {@code dropDuplicates}. After each round (once the
 * application committed it) the test takes the instance's state figures
 * ({@link EddyApp#stateMetrics()}: RocksDB column families, that is live segments, and estimated
 * keys) and the bytes of the application's state directory by kind of file, and requires that
 * none grows with the number of rounds (see {@link #assertBounded}). The estimated keys are
 * compared with what a single round creates (14,000 windows, 20,000 ids): without retention they
 * would hold everything ever created, ten rounds' worth.
 */
class BoundedStateLongRunTest extends EventTimeBrokerTest {
    private static final int ROUNDS = 10;
    private static final int PER_ROUND = 20_000;
    private static final int PARTITIONS = 2;
    private static final int KEYS = 20;
    /** Twelve hours of event time per round. */
    private static final long STEP_MS = Duration.ofHours(12).toMillis() / PER_ROUND;
    private static final long JITTER_MS = 10_000;
    private static final Duration DELAY = Duration.ofMinutes(1);
    private static final long WINDOW_MS = Duration.ofMinutes(1).toMillis();
    private static final long GRACE_MS = Duration.ofSeconds(30).toMillis();
    /**
     * Five and a half days ago, on a window boundary: the five days of event time end in the past
     * and stay within the brokers' default time retention (7 days).
     */
    private static final long BASE = floorToWindow(System.currentTimeMillis() - Duration.ofHours(132).toMillis());
    /** The RocksDB memory budget of the instance; memtables may use half of it. */
    private static final long STATE_MEMORY_BYTES = 8L << 20;
    private static final String COLUMN_FAMILIES = "rocksdb.column-families";
    private static final String ESTIMATED_KEYS = "rocksdb.estimated-keys";

    @TempDir
    Path tmp;

    /** What kind of file of a RocksDB store directory. */
    private enum FileKind {
        /** Table files: the flushed data. */
        SST,
        /** Write-ahead logs ({@code <number>.log}), recycled by flushes. */
        WAL,
        /** Everything else: manifests, options files, RocksDB's info log. */
        OTHER;

        static FileKind of(Path file) {
            String name = file.getFileName().toString();
            return name.endsWith(".sst") ? SST : name.matches("\\d+\\.log") ? WAL : OTHER;
        }
    }

    /**
     * The state figures after one round: from {@link EddyApp#stateMetrics()} (RocksDB column
     * families, that is live segments plus two per store, estimated keys, memtable bytes), and the
     * bytes of the files of the application's state directory by kind.
     */
    private record Figures(int round, long columnFamilies, long estimatedKeys, long memtableBytes,
                           Map<FileKind, Long> disk) {
        long bytes(FileKind kind) {
            return disk.getOrDefault(kind, 0L);
        }

        @Override
        public String toString() {
            return String.format("round %2d: column families %4d, estimated keys %6d, memtables %8d B; on disk: "
                    + "sst %8d B, write-ahead logs %8d B, other files %8d B", round, columnFamilies, estimatedKeys,
                    memtableBytes, bytes(FileKind.SST), bytes(FileKind.WAL), bytes(FileKind.OTHER));
        }
    }

    private EddyApp app(String id, Consumer<Pipeline> pipeline) {
        return EddyApp.builder(id)
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(tmp.resolve("state"))
                .stateMemory(STATE_MEMORY_BYTES)
                .maxRecordsPerBatch(1_000)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(pipeline)
                .build();
    }

    @Test
    void windowStoreOfAFinalCountStaysBoundedByRetention() {
        kafka.createTopic("bw-in", PARTITIONS);
        kafka.createTopic("bw-out", PARTITIONS, Map.of("retention.ms", "-1"));
        List<Figures> figures;
        try (EddyApp app = app("bw", p -> p.kafka("bw-in", Consumed.with(Serdes.string(), Serdes.string()))
                .withEventTime(DELAY)
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                .window(TumblingWindows.of(Duration.ofMillis(WINDOW_MS)).grace(Duration.ofMillis(GRACE_MS)))
                .count(Named.as("long-counts"))
                .emit(OutputMode.FINAL)
                .toKafka("bw-out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())))) {
            app.start();
            figures = runRounds(app, "bw", "bw-in", round -> records("bw-in", round, false));
            assertThat(app.metrics().lateRecords()).as("late records").isZero();
        }

        Map<Windowed<String>, Long> expected = new HashMap<>();
        for (int i = 0; i < ROUNDS * PER_ROUND; i++) {
            long t = eventTime(i);
            long start = t - Math.floorMod(t, WINDOW_MS);
            expected.merge(new Windowed<>(key(i), start, start + WINDOW_MS), 1L, Long::sum);
        }
        assertBounded(figures, expected.size(), "windows");

        // The output is right, too: every window emitted once with its count, and every window
        // that certainly closed (well behind the last watermark) is there.
        Map<Windowed<String>, Long> output = FinalWindows.once(
                FinalWindows.readSettled(kafka.bootstrapServers(), "bw-out", Duration.ofSeconds(60)), "bw-out");
        output.forEach((w, count) -> assertThat(count).as("count of %s", w).isEqualTo(expected.get(w)));
        long closedBefore = eventTime(ROUNDS * PER_ROUND - 1) - DELAY.toMillis() - Duration.ofHours(1).toMillis();
        List<Windowed<String>> missing = expected.keySet().stream()
                .filter(w -> w.end() + GRACE_MS <= closedBefore && !output.containsKey(w))
                .sorted(FinalWindows.ORDER).toList();
        assertThat(missing).as("closed windows missing from the output (%d of %d)", missing.size(), expected.size())
                .isEmpty();
    }

    @Test
    void dedupStoreStaysBoundedByTheWatermark() {
        kafka.createTopic("bd-in", PARTITIONS);
        kafka.createTopic("bd-out", PARTITIONS, Map.of("retention.ms", "-1"));
        List<Figures> figures;
        try (EddyApp app = app("bd", p -> p.kafka("bd-in", Consumed.with(Serdes.string(), Serdes.string()))
                .withEventTime(DELAY)
                .dropDuplicates((k, v) -> v, Serdes.string(), Named.as("long-dedup"))
                .toKafka("bd-out", Produced.with(Serdes.string(), Serdes.string())))) {
            app.start();
            figures = runRounds(app, "bd", "bd-in", round -> records("bd-in", round, true));
            assertThat(app.metrics().lateRecords()).as("late records").isZero();
        }
        assertBounded(figures, (long) ROUNDS * PER_ROUND, "ids");

        // Every id exactly once: the duplicates (all within the allowed delay) were dropped.
        Map<String, Integer> seen = new HashMap<>();
        for (TopicRecord r : io.readCommittedToEnd("bd-out", Duration.ofSeconds(60))) {
            seen.merge(r.valueString(), 1, Integer::sum);
        }
        List<String> repeated = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .sorted().limit(10).toList();
        assertThat(repeated).as("ids written more than once").isEmpty();
        assertThat(seen).as("distinct ids written").hasSize(ROUNDS * PER_ROUND);
    }

    /**
     * Produces each round once the application committed the previous one, and returns the figures
     * taken after each round.
     */
    private List<Figures> runRounds(EddyApp app, String appId, String input,
                                    IntFunction<List<ProducerRecord<byte[], byte[]>>> round) {
        List<Figures> figures = new ArrayList<>();
        long produced = 0;
        for (int r = 0; r < ROUNDS; r++) {
            produced += io.produce(round.apply(r)).size();
            long end = produced;
            Await.until(Duration.ofSeconds(120), () -> committed(appId, input) >= end,
                    () -> appId + " committed " + committed(appId, input) + " of " + end + " input records; state "
                            + app.state() + app.failure().map(f -> ", failure " + f).orElse(""));
            Map<String, Long> metrics = app.stateMetrics();
            Figures f = new Figures(r + 1, metrics.getOrDefault(COLUMN_FAMILIES, -1L),
                    metrics.getOrDefault(ESTIMATED_KEYS, -1L),
                    metrics.getOrDefault("rocksdb.memtable.usage.bytes", -1L),
                    diskUsage(tmp.resolve("state").resolve(appId)));
            System.out.println(appId + " " + f);
            figures.add(f);
        }
        return figures;
    }

    /**
     * From round 2 on: live segments (column families) stay within twice those after round 2;
     * estimated keys stay below a fifth of what a single round creates; table files stay within
     * the memtable budget (what one flush of the live segments can write); the other files
     * (manifests, options, info logs) stay within twice their size after round 2 plus 1 MiB.
     * Write-ahead logs are left out: flushes recycle them, retention does not. Without retention
     * the segments, keys and table files would grow with every round.
     */
    private static void assertBounded(List<Figures> figures, long everCreated, String what) {
        Figures second = figures.get(1);
        assertThat(second.columnFamilies()).as("column families reported (%s)", second).isPositive();
        assertThat(second.estimatedKeys()).as("estimated keys reported (%s)", second).isNotNegative();
        long perRound = everCreated / ROUNDS;
        for (Figures f : figures.subList(1, figures.size())) {
            assertThat(f.columnFamilies()).as("column families (live segments) after %s, against %s", f, second)
                    .isLessThanOrEqualTo(2 * second.columnFamilies());
            assertThat(f.estimatedKeys()).as("estimated keys after %s, against the %d %s one round creates",
                    f, perRound, what).isLessThanOrEqualTo(perRound / 5);
            assertThat(f.bytes(FileKind.SST)).as("table file bytes after %s, against the memtable budget", f)
                    .isLessThanOrEqualTo(STATE_MEMORY_BYTES / 2);
            assertThat(f.bytes(FileKind.OTHER)).as("bytes of the store files other than tables and write-ahead "
                    + "logs after %s, against %s", f, second)
                    .isLessThanOrEqualTo(2 * second.bytes(FileKind.OTHER) + (1L << 20));
        }
    }

    /**
     * The bytes of the files under {@code dir} by kind. RocksDB deletes files while the walk runs,
     * so a walk that trips over one is retried.
     */
    private static Map<FileKind, Long> diskUsage(Path dir) {
        for (int attempt = 1; ; attempt++) {
            Map<FileKind, Long> bytes = new java.util.EnumMap<>(FileKind.class);
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).forEach(p -> {
                    try {
                        bytes.merge(FileKind.of(p), Files.size(p), Long::sum);
                    } catch (IOException e) {
                        // deleted since it was listed
                    }
                });
                return bytes;
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 10) {
                    throw new AssertionError("cannot measure " + dir, e);
                }
            }
        }
    }

    private static long floorToWindow(long t) {
        return t - Math.floorMod(t, WINDOW_MS);
    }

    private static String key(int i) {
        return "k-" + (i % KEYS);
    }

    /** Event time of record {@code i}: one step per record, jittered by less than {@value #JITTER_MS} ms. */
    private static long eventTime(int i) {
        return BASE + i * STEP_MS + Math.floorMod(Long.hashCode(i * 0x9E3779B97F4A7C15L), JITTER_MS);
    }

    /**
     * The records of round {@code round}; with {@code duplicates}, every fourth record is repeated
     * (same key, id and timestamp) three records later, well within the allowed delay.
     */
    private static List<ProducerRecord<byte[], byte[]>> records(String topic, int round, boolean duplicates) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int from = round * PER_ROUND;
        int to = from + PER_ROUND;
        for (int i = from; i < to; i++) {
            records.add(record(topic, i));
            if (duplicates && i - 3 >= from && (i - 3) % 4 == 0) {
                records.add(record(topic, i - 3));
            }
        }
        return records;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int i) {
        return new ProducerRecord<>(topic, null, eventTime(i), key(i).getBytes(StandardCharsets.UTF_8),
                ("id-" + i).getBytes(StandardCharsets.UTF_8));
    }
}
