package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.sketches.DistinctCount;
import io.eddy.state.Windowed;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicRecord;
import io.eddy.testkit.process.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A windowed distinct count under exactly-once survives SIGKILL with identical sketch bytes: the
 * pipeline of {@link SketchCrashMain} runs in a child JVM that is killed {@value #KILLS} times at
 * random points, each time restarted on the same state directory (so its window store is restored
 * from RocksDB and the changelog). At the end, read with read_committed, every (page, minute)
 * window is written exactly once, and its bytes equal those of an uninterrupted run: the HLL of
 * the window's users added in offset order (a page's records are in one partition, in order), built
 * here with the same sketch. The seed is printed; replay with {@code -Deddy.crash.seed=<seed>}.
 */
class SketchCrashTest extends BrokerTest {
    private static final int RECORDS = 80_000;
    private static final int PAGES = 4;
    private static final int PARTITIONS = 4;
    private static final int KILLS = 3;
    private static final long MILLIS_PER_RECORD = 6;   // 80,000 records span 8 minutes of event time
    /**
     * Event time of record 0: a minute boundary about 20 minutes ahead of the wall clock. An input
     * partition that goes idle (the app caught up, or waits for the next chunk) lets its watermark
     * follow the wall clock, which would make every older record late: so all event times are in
     * the future, but less than the hour ahead the broker accepts (log.message.timestamp.after.max.ms).
     */
    private static final long BASE = Instant.now().plus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.MINUTES).toEpochMilli();
    private static final String INPUT = "skcrash-in";
    private static final String OUTPUT = "skcrash-out";
    private static final String APP_ID = "skcrash";
    private static final Serde<Windowed<String>> WINDOWED = WindowedSerde.of(Serdes.string());

    @TempDir
    Path tmp;

    @Test
    void windowedDistinctCountsAreWrittenOnceWithTheBytesOfAnUninterruptedRun() throws Exception {
        long seed = Long.getLong("eddy.crash.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay with -Deddy.crash.seed=" + seed + ")";
        System.out.println("SketchCrashTest: " + replay);
        Random random = new Random(seed);
        Path childLog = Path.of("target", "SketchCrashTest-child.log").toAbsolutePath();
        Files.deleteIfExists(childLog);
        Path stateDir = tmp.resolve("state");

        kafka.createTopic(INPUT, PARTITIONS);
        kafka.createTopic(OUTPUT, PARTITIONS);
        Map<Windowed<String>, DistinctCount> expected = expected();
        int chunk = RECORDS / (KILLS + 1);
        int produced = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            for (int run = 0; run <= KILLS; run++) {
                io.produce(input(produced, produced + chunk));
                produced += chunk;
                if (run == KILLS) {
                    io.produce(closers());   // moves every page's watermark past its last window
                }
                try (ChildJvm child = startChild(childLog, stateDir)) {
                    child.awaitLogLine(SketchCrashMain.READY, Duration.ofSeconds(60));
                    if (run == KILLS) {
                        Await.until(Duration.ofSeconds(180), () -> readOutput().size() >= expected.size(),
                                () -> "the last run wrote " + readOutput().size() + " of " + expected.size()
                                        + " windows; " + replay + "; log " + childLog);
                        break;
                    }
                    long before = committedInput(admin);
                    long target = Math.min(produced, before + 2_000 + random.nextInt(chunk / 2));
                    Await.until(Duration.ofSeconds(90), () -> !child.isAlive() || committedInput(admin) >= target,
                            () -> "committed input " + committedInput(admin) + ", waiting for " + target + "; " + replay);
                    assertThat(child.isAlive()).as("run %d exited by itself; %s; log %s", run, replay, childLog).isTrue();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));   // a random kill point
                    child.kill();
                    System.out.printf("run %d: killed; committed input %d -> %d of %d%n",
                            run, before, committedInput(admin), produced);
                }
            }
        }

        List<TopicRecord> output = readOutput();
        Set<Windowed<String>> seen = new HashSet<>();
        for (TopicRecord r : output) {
            Windowed<String> window = WINDOWED.deserialize(OUTPUT, r.key());
            assertThat(seen.add(window)).as("%s written twice; %s", window, replay).isTrue();
            DistinctCount want = expected.get(window);
            assertThat(want).as("unexpected window %s; %s", window, replay).isNotNull();
            assertThat(r.value()).as("bytes of %s (estimate %s, uninterrupted %s); %s", window,
                    DistinctCount.fromByteArray(r.value()).estimate(), want.estimate(), replay)
                    .isEqualTo(want.toByteArray());
        }
        assertThat(seen).as(replay).isEqualTo(expected.keySet());
    }

    private static List<TopicRecord> readOutput() {
        return io.readCommittedToEnd(OUTPUT, Duration.ofSeconds(30));
    }

    private static String page(int i) {
        return "page-" + (i % PAGES);
    }

    private static String user(int i) {
        return "user-" + ((long) i * 7919 % 30_000);
    }

    private static long timestamp(int i) {
        return BASE + i * MILLIS_PER_RECORD;
    }

    private static List<ProducerRecord<byte[], byte[]>> input(int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            records.add(new ProducerRecord<>(INPUT, null, timestamp(i), bytes(page(i)), bytes(user(i))));
        }
        return records;
    }

    private static List<ProducerRecord<byte[], byte[]>> closers() {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < PAGES; p++) {
            records.add(new ProducerRecord<>(INPUT, null, timestamp(RECORDS) + 600_000, bytes(page(p)), bytes("closer")));
        }
        return records;
    }

    /** The uninterrupted answer: each page's users added in order, per one-minute window. */
    private static Map<Windowed<String>, DistinctCount> expected() {
        Map<Windowed<String>, DistinctCount> expected = new HashMap<>();
        long size = SketchCrashMain.WINDOW.toMillis();
        for (int i = 0; i < RECORDS; i++) {
            long start = timestamp(i) - Math.floorMod(timestamp(i), size);
            expected.computeIfAbsent(new Windowed<>(page(i), start, start + size),
                    w -> DistinctCount.empty(SketchCrashMain.LG_K)).add(user(i));
        }
        return expected;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ChildJvm startChild(Path log, Path stateDir) {
        return ChildJvm.builder(SketchCrashMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .logFile(log)
                .args(kafka.bootstrapServers(), INPUT, OUTPUT, APP_ID, "skcrash-instance", stateDir.toString())
                .start();
    }

    private static long committedInput(Admin admin) {
        return GroupOffsets.committed(admin, APP_ID, INPUT);
    }
}
