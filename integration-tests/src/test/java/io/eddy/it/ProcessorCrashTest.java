package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicRecord;
import io.eddy.testkit.process.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timers under exactly-once across process crashes: {@link SessionProcessor} (a value state and
 * one event-time timer per key) runs in a child JVM that is SIGKILLed {@value #KILLS} times at
 * random points, each time restarted on the same state directory. The input comes in
 * {@value #KILLS}+1 chunks an hour of event time apart, each in event-time order per partition, so
 * the sessions it implies do not depend on where batches end or when a watermark moves; a last
 * record per partition far ahead closes every session. Read with read_committed, every key's
 * sessions must equal the brute-force expectation exactly: a timer whose output was committed
 * never fires again after a restart (no duplicate), and none is lost. The seed is printed;
 * replay with {@code -Deddy.crash.seed=<seed>}.
 */
class ProcessorCrashTest extends BrokerTest {
    private static final int PARTITIONS = 4;
    private static final int KEYS_PER_PARTITION = 400;
    private static final int PER_PARTITION_PER_CHUNK = 6_000;
    private static final int KILLS = 3;
    private static final String INPUT = "pcrash-in";
    private static final String OUTPUT = "pcrash-out";
    private static final String APP_ID = "pcrash";
    private static final String SENTINEL = "sentinel-";

    @TempDir
    Path tmp;

    @Test
    void timerOutputIsExactlyOnceAcrossKills() throws Exception {
        long seed = Long.getLong("eddy.crash.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay with -Deddy.crash.seed=" + seed + ")";
        System.out.println("ProcessorCrashTest: " + replay);
        Random random = new Random(seed);
        Path childLog = Path.of("target", "ProcessorCrashTest-child.log").toAbsolutePath();
        Files.deleteIfExists(childLog);
        Path stateDir = tmp.resolve("state");
        kafka.createTopic(INPUT, PARTITIONS);
        kafka.createTopic(OUTPUT, PARTITIONS);

        long[] clock = new long[PARTITIONS];
        long start = System.currentTimeMillis() - Duration.ofDays(2).toMillis();
        java.util.Arrays.fill(clock, start);
        List<SessionProcessor.Event> all = new ArrayList<>();
        long produced = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            for (int run = 0; run <= KILLS; run++) {
                List<ProducerRecord<byte[], byte[]>> chunk = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    clock[p] = start + run * Duration.ofHours(1).toMillis();
                    for (int i = 0; i < PER_PARTITION_PER_CHUNK; i++) {
                        clock[p] += random.nextInt(40);
                        String key = "v" + p + "-" + random.nextInt(KEYS_PER_PARTITION);
                        long value = 1 + random.nextInt(100);
                        chunk.add(record(p, key, clock[p], value));
                        all.add(new SessionProcessor.Event(key, clock[p], value));
                    }
                }
                long far = start + (KILLS + 2) * Duration.ofHours(1).toMillis();
                if (run == KILLS) {
                    for (int p = 0; p < PARTITIONS; p++) {
                        chunk.add(record(p, SENTINEL + p, far, 0));   // moves every task's watermark past every deadline
                    }
                }
                io.produce(chunk);
                produced += chunk.size();
                try (ChildJvm child = startChild(childLog, stateDir)) {
                    child.awaitLogLine(ProcessorCrashMain.READY, Duration.ofSeconds(60));
                    if (run == KILLS) {
                        long end = produced;
                        Await.until(Duration.ofSeconds(120), () -> committedInput(admin) >= end,
                                () -> "last run: committed input " + committedInput(admin) + " of " + end + "; " + replay);
                        Map<String, List<String>> expected = SessionProcessor.expectedSessions(all, far);
                        long expectedCount = expected.values().stream().mapToLong(List::size).sum();
                        Await.until(Duration.ofSeconds(120), () -> sessions(Duration.ofSeconds(30)).values().stream()
                                        .mapToLong(List::size).sum() >= expectedCount,
                                () -> "the sessions never reached " + expectedCount + "; " + replay);
                        break;
                    }
                    long before = committedInput(admin);
                    long target = Math.min(produced, before + 2_000 + random.nextInt(chunk.size() / 2));
                    Await.until(Duration.ofSeconds(60), () -> !child.isAlive() || committedInput(admin) >= target,
                            () -> "committed input " + committedInput(admin) + ", waiting for " + target + "; " + replay);
                    assertThat(child.isAlive()).as("run %d exited by itself; %s; log %s", run, replay, childLog).isTrue();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));
                    child.kill();
                    System.out.printf("run %d: killed; committed input %d -> %d of %d%n",
                            run, before, committedInput(admin), produced);
                }
            }
        }
        Map<String, List<String>> expected = SessionProcessor.expectedSessions(all,
                start + (KILLS + 2) * Duration.ofHours(1).toMillis());
        Map<String, List<String>> actual = sessions(Duration.ofSeconds(60));
        long timerClosed = expected.values().stream().mapToLong(List::size).sum();
        System.out.printf("ProcessorCrashTest: %d records, %d sessions over %d keys, %d kills; %s%n",
                all.size(), timerClosed, expected.size(), KILLS, replay);
        assertThat(actual).as("sessions per key (committed output) against the input's; %s; child log %s",
                replay, childLog).isEqualTo(expected);
    }

    private static ProducerRecord<byte[], byte[]> record(int partition, String key, long time, long value) {
        return new ProducerRecord<>(INPUT, partition, time, key.getBytes(StandardCharsets.UTF_8),
                Serdes.longs().serialize(INPUT, value));
    }

    /** The committed sessions per key, in output order, without the sentinels'. */
    private static Map<String, List<String>> sessions(Duration deadline) {
        Map<String, List<String>> sessions = new TreeMap<>();
        for (TopicRecord r : io.readCommittedToEnd(OUTPUT, deadline)) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (!key.startsWith(SENTINEL)) {
                sessions.computeIfAbsent(key, k -> new ArrayList<>()).add(new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return sessions;
    }

    private static ChildJvm startChild(Path log, Path stateDir) {
        return ChildJvm.builder(ProcessorCrashMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .logFile(log)
                .args(kafka.bootstrapServers(), INPUT, OUTPUT, APP_ID, "pcrash-instance", stateDir.toString(), "1500")
                .start();
    }

    private static long committedInput(Admin admin) {
        return GroupOffsets.committed(admin, APP_ID, INPUT);
    }
}
