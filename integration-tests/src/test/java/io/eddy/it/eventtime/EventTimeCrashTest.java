package io.eddy.it.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.state.Windowed;
import io.eddy.testkit.Await;
import io.eddy.testkit.process.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event time and exactly-once across crashes, on the real broker: the same {@code FINAL} windowed
 * count ({@link EventTimeCrashMain}: event time from the value, a repartition by group, tumbling
 * windows with grace) runs twice over one input topic, as application A, never interrupted, and as
 * application B, SIGKILLed {@value #KILLS} times at random points during the input and once more
 * right after the records that close the last windows, each time restarted on its state directory.
 * Read with read_committed, both outputs must hold every window exactly once, with the count
 * computed from the input, so B's output equals A's.
 *
 * <p>Why the result is deterministic whatever the batch boundaries: event times grow with the
 * record index with a jitter of at most {@value #JITTER_MS} ms, and the test produces chunk
 * {@code k} of {@value #CHUNK} records only after both applications committed every chunk before
 * {@code k - 1}. Records of the repartition topic are therefore at most two chunks of event time
 * out of order, and the allowed delay is three chunks: no record is ever late, so every window
 * closes with all of its records. A quiet spell (a restart) moves a watermark by wall-clock
 * seconds, far less than the margin. At the end one record per group, a day and more after the
 * regular records, moves every watermark past every regular window; the windows of these
 * closing records themselves never close.
 *
 * <p>The seed of the kill points is printed; replay with {@code -Deddy.crash.seed=<seed>}.
 */
class EventTimeCrashTest extends EventTimeBrokerTest {
    private static final int RECORDS = 160_000;
    private static final int CHUNK = 10_000;
    private static final int PARTITIONS = 4;
    private static final int GROUPS = 40;
    private static final int KILLS = 3;
    private static final long STEP_MS = 1_000;
    private static final long JITTER_MS = 30_000;
    private static final long WINDOW_MS = Duration.ofHours(1).toMillis();
    private static final long GRACE_MS = Duration.ofMinutes(10).toMillis();
    private static final long DELAY_MS = 3 * CHUNK * STEP_MS;
    /**
     * Three days ago, on a window boundary: event times stay within the brokers' default time
     * retention (7 days), which would otherwise delete records of the repartition and output topics.
     */
    private static final long BASE = floorToWindow(System.currentTimeMillis() - Duration.ofDays(3).toMillis());
    /**
     * The event time of the records that close every window: about now (not later: the broker
     * refuses timestamps more than an hour ahead of its clock), more than a day after the last
     * regular record, and less than the allowed delay into its own window, which never closes.
     */
    private static final long END_TIME = BASE + Duration.ofDays(3).toMillis();
    private static final String INPUT = "etcrash-in";
    private static final String OUTPUT_A = "etcrash-out-a";
    private static final String OUTPUT_B = "etcrash-out-b";
    private static final String APP_A = "etcrash-a";
    private static final String APP_B = "etcrash-b";

    @TempDir
    Path tmp;

    @Test
    void finalWindowsOfAKilledRunEqualThoseOfAnUninterruptedRun() throws Exception {
        long seed = Long.getLong("eddy.crash.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay with -Deddy.crash.seed=" + seed + ")";
        System.out.println("EventTimeCrashTest: " + replay);
        Random random = new Random(seed);
        TreeSet<Integer> killAfterChunk = new TreeSet<>();
        while (killAfterChunk.size() < KILLS) {
            killAfterChunk.add(1 + random.nextInt(RECORDS / CHUNK - 2));
        }
        Path logA = logOf(APP_A);
        Path logB = logOf(APP_B);
        Files.deleteIfExists(logA);
        Files.deleteIfExists(logB);
        String context = replay + "; logs " + logA + ", " + logB;

        kafka.createTopic(INPUT, PARTITIONS);
        kafka.createTopic(OUTPUT_A, PARTITIONS, Map.of("retention.ms", "-1"));
        kafka.createTopic(OUTPUT_B, PARTITIONS, Map.of("retention.ms", "-1"));
        long started = System.nanoTime();
        ChildJvm a = startChild(APP_A, OUTPUT_A, logA);
        ChildJvm b = startChild(APP_B, OUTPUT_B, logB);
        try {
            a.awaitLogLine(EventTimeCrashMain.READY, Duration.ofSeconds(60));
            b.awaitLogLine(EventTimeCrashMain.READY, Duration.ofSeconds(60));
            for (int chunk = 0; chunk < RECORDS / CHUNK; chunk++) {
                if (chunk >= 2) {
                    awaitCommitted((chunk - 1) * CHUNK, a, b, context);
                }
                io.produce(records(chunk * CHUNK, (chunk + 1) * CHUNK));
                if (killAfterChunk.contains(chunk)) {
                    long before = committed(APP_B, INPUT);
                    long target = Math.min((chunk + 1L) * CHUNK, before + 1_000 + random.nextInt(CHUNK));
                    ChildJvm victim = b;
                    Await.until(Duration.ofSeconds(60), () -> !victim.isAlive() || committed(APP_B, INPUT) >= target,
                            () -> "B committed " + committed(APP_B, INPUT) + " input records, waiting for " + target
                                    + "; " + context);
                    b = killAndRestart(b, random, context);
                    System.out.printf("chunk %d: killed B; its committed input %d -> %d%n",
                            chunk, before, committed(APP_B, INPUT));
                }
            }
            awaitCommitted(RECORDS, a, b, context);
            io.produce(endRecords());
            b = killAndRestart(b, random, context);
            System.out.println("killed B after the closing records");

            Map<Windowed<String>, Long> expected = expected();
            ChildJvm lastB = b;
            Await.until(Duration.ofSeconds(90),
                    () -> !a.isAlive() || !lastB.isAlive()
                            || windowsIn(OUTPUT_A) >= expected.size() && windowsIn(OUTPUT_B) >= expected.size(),
                    () -> "the outputs never reached the " + expected.size() + " expected windows: A "
                            + progress(OUTPUT_A, APP_A, expected) + "; B " + progress(OUTPUT_B, APP_B, expected)
                            + "; late records " + lateLines(logA) + " / " + lateLines(logB) + "; " + context);

            assertChildrenAlive(a, lastB, context);
            Map<Windowed<String>, Long> outA = checked(OUTPUT_A, "A (uninterrupted); " + context);
            Map<Windowed<String>, Long> outB = checked(OUTPUT_B, "B (killed " + (KILLS + 1) + " times); " + context);
            FinalWindows.assertSame(expected, outA, "A against the counts of the input; " + context);
            FinalWindows.assertSame(expected, outB, "B against the counts of the input; " + context);
            FinalWindows.assertSame(outA, outB, "B against A; " + context);
            assertThat(lateLines(logA)).as("late records reported by A; %s", context).isEmpty();
            assertThat(lateLines(logB)).as("late records reported by B; %s", context).isEmpty();
            System.out.printf("EventTimeCrashTest: %d records, %d windows, each once in both outputs, in %d ms%n",
                    RECORDS, expected.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } finally {
            a.close();
            b.close();
        }
    }

    /** The output of {@code topic} once settled: each window once, stamped with its last instant. */
    private static Map<Windowed<String>, Long> checked(String topic, String context) {
        List<FinalWindows.Emitted> emitted =
                FinalWindows.readSettled(kafka.bootstrapServers(), topic, Duration.ofSeconds(60));
        for (FinalWindows.Emitted e : emitted) {
            assertThat(e.timestamp()).as("timestamp of %s; %s", e, context).isEqualTo(e.window().end() - 1);
        }
        return FinalWindows.once(emitted, context);
    }

    private static int windowsIn(String topic) {
        return FinalWindows.read(kafka.bootstrapServers(), topic, Duration.ofSeconds(30)).size();
    }

    /** What an application emitted so far and where its repartition stage stands, for failure messages. */
    private static String progress(String output, String appId, Map<Windowed<String>, Long> expected) {
        List<FinalWindows.Emitted> emitted =
                FinalWindows.read(kafka.bootstrapServers(), output, Duration.ofSeconds(30));
        TreeSet<Windowed<String>> missing = new TreeSet<>(FinalWindows.ORDER);
        missing.addAll(expected.keySet());
        emitted.forEach(e -> missing.remove(e.window()));
        String repartition = appId + "-by-group-repartition";
        Map<Long, List<String>> missingByHour = new java.util.TreeMap<>();
        missing.forEach(w -> missingByHour.computeIfAbsent((w.start() - BASE) / WINDOW_MS, h -> new ArrayList<>())
                .add(w.key()));
        return emitted.size() + " windows emitted, " + missing.size() + " missing, by window index "
                + missingByHour + "; repartition records committed "
                + committed(appId, repartition) + " of " + io.endOffsets(repartition).values().stream()
                        .mapToLong(Long::longValue).sum();
    }

    private static void assertChildrenAlive(ChildJvm a, ChildJvm b, String context) {
        if (!a.isAlive() || !b.isAlive()) {
            throw new AssertionError((a.isAlive() ? b : a) + " exited by itself; " + context);
        }
    }

    private static void awaitCommitted(long records, ChildJvm a, ChildJvm b, String context) {
        Await.until(Duration.ofSeconds(60), () -> !a.isAlive() || !b.isAlive()
                || committed(APP_A, INPUT) >= records && committed(APP_B, INPUT) >= records,
                () -> "committed input: A " + committed(APP_A, INPUT) + ", B " + committed(APP_B, INPUT)
                        + ", waiting for " + records + "; " + context);
        assertChildrenAlive(a, b, context);
    }

    private ChildJvm killAndRestart(ChildJvm b, Random random, String context) {
        assertThat(b.isAlive()).as("B exited by itself; %s", context).isTrue();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));
        b.kill();
        ChildJvm restarted = startChild(APP_B, OUTPUT_B, logOf(APP_B));
        restarted.awaitLogLine(EventTimeCrashMain.READY, Duration.ofSeconds(60));
        return restarted;
    }

    private ChildJvm startChild(String appId, String output, Path log) {
        return ChildJvm.builder(EventTimeCrashMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .systemProperty("org.slf4j.simpleLogger.log.io.eddy", "info")
                .logFile(log)
                .args(kafka.bootstrapServers(), INPUT, output, appId, appId + "-instance",
                        tmp.resolve(appId).toString(), "2000", Long.toString(DELAY_MS), Long.toString(WINDOW_MS),
                        Long.toString(GRACE_MS))
                .start();
    }

    /** The log file of the child JVMs running application {@code appId}. */
    private static Path logOf(String appId) {
        return Path.of("target", "EventTimeCrashTest-" + appId + ".log").toAbsolutePath();
    }

    /** The {@code LATE} lines a child printed. */
    private static List<String> lateLines(Path log) {
        try {
            return Files.exists(log)
                    ? Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                            .filter(l -> l.startsWith(EventTimeCrashMain.LATE + " ")).toList()
                    : List.of();
        } catch (java.io.IOException e) {
            return List.of("cannot read " + log + ": " + e);
        }
    }

    private static long floorToWindow(long t) {
        return t - Math.floorMod(t, WINDOW_MS);
    }

    private static String group(int i) {
        return "g-" + Math.floorMod(Long.hashCode(i * 0x9E3779B97F4A7C15L), GROUPS);
    }

    /** Event time of record {@code i}: growing by one step per record, jittered by less than {@value #JITTER_MS} ms. */
    private static long eventTime(int i) {
        return BASE + i * STEP_MS + Math.floorMod(Long.hashCode(i * 0xC2B2AE3D27D4EB4FL), JITTER_MS);
    }

    private static List<ProducerRecord<byte[], byte[]>> records(int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            records.add(record(i % PARTITIONS, "k-" + i, EventTimeCrashMain.value(group(i), eventTime(i))));
        }
        return records;
    }

    /** One record per group at the end time, so that every task's watermark passes every regular window. */
    private static List<ProducerRecord<byte[], byte[]>> endRecords() {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            records.add(record(g % PARTITIONS, "end-" + g, EventTimeCrashMain.value("g-" + g, END_TIME)));
        }
        return records;
    }

    private static ProducerRecord<byte[], byte[]> record(int partition, String key, String value) {
        return new ProducerRecord<>(INPUT, partition, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** The count of every regular window, from the input. */
    private static Map<Windowed<String>, Long> expected() {
        Map<Windowed<String>, Long> counts = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            long t = eventTime(i);
            long start = t - Math.floorMod(t, WINDOW_MS);
            counts.merge(new Windowed<>(group(i), start, start + WINDOW_MS), 1L, Long::sum);
        }
        return counts;
    }
}
