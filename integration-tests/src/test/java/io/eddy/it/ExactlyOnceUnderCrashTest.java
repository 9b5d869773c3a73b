package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.process.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once across process crashes: an exactly-once {@code mapValues} + {@code filter}
 * pipeline ({@link CrashPipelineMain}) runs in a child JVM that is killed with SIGKILL several
 * times at random points and restarted each time; at the end the output topic, read with
 * {@code read_committed}, must hold every expected record exactly once.
 *
 * <p><b>Schedule.</b> 60 % of the input is produced before the first run; each killed run gets a
 * further chunk produced right after it started, so input also arrives while the pipeline runs.
 * A run is killed once the group's committed input offsets (committed in the same transactions
 * as the output) have grown by a random number of records since the run started, plus a random
 * extra delay of at most {@value #MAX_EXTRA_DELAY_MILLIS} ms. One more run, at a random place in
 * the sequence, is killed during its start-up (at most {@value #MAX_STARTUP_KILL_DELAY_MILLIS} ms
 * after {@code READY}), whatever it has done by then. Small batches
 * ({@value #MAX_RECORDS_PER_BATCH} records) keep a transaction open almost all the time, so a kill
 * nearly always leaves one behind. The last run uses {@code Trigger.availableNow()}: it
 * processes whatever is left and exits by itself. The check then waits until no transaction is
 * open on the output (see {@link CommittedOutput}) and compares the committed values with the
 * expected multiset; it also prints how many records of aborted transactions the output holds,
 * which shows that the kills did leave open transactions behind.
 *
 * <p><b>Replay.</b> All random choices come from one seed, printed at the start of the test
 * output and repeated in failure messages; run again with {@code -Deddy.crash.seed=<seed>}. That
 * replays the schedule (kill points, delays, the start-up kill's place), not the threads'
 * interleaving.
 * The child's log is {@code target/ExactlyOnceUnderCrashTest-child.log}.
 */
class ExactlyOnceUnderCrashTest extends BrokerTest {
    private static final int RECORDS = 200_000;
    private static final int PARTITIONS = 4;
    private static final int KILLS = 4;
    private static final int INITIAL_RECORDS = 120_000;
    private static final int WORKER_THREADS = 2;
    private static final int MAX_RECORDS_PER_BATCH = 500;
    private static final int MAX_EXTRA_DELAY_MILLIS = 250;
    private static final int MAX_STARTUP_KILL_DELAY_MILLIS = 1_000;
    private static final String INPUT = "crash-in";
    private static final String OUTPUT = "crash-out";
    private static final String APP_ID = "crash-pipeline";
    private static final String INSTANCE_ID = "crash-app";

    @Test
    void everyRecordExactlyOnceAcrossRepeatedKills() throws Exception {
        long seed = Long.getLong("eddy.crash.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay with -Deddy.crash.seed=" + seed + ")";
        System.out.println("ExactlyOnceUnderCrashTest: " + replay);
        Random random = new Random(seed);
        Path childLog = Path.of("target", "ExactlyOnceUnderCrashTest-child.log").toAbsolutePath();
        Files.deleteIfExists(childLog);

        kafka.createTopic(INPUT, PARTITIONS);
        kafka.createTopic(OUTPUT, PARTITIONS);

        int[] chunkEnds = chunkEnds();
        io.produce(INPUT, input(0, INITIAL_RECORDS));
        int produced = INITIAL_RECORDS;

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            int earlyKillBefore = random.nextInt(KILLS + 1);
            int chunk = 0;
            for (int run = 0; run <= KILLS; run++) {
                if (run == earlyKillBefore) {
                    killDuringStartUp(random, childLog, admin);
                }
                if (run == KILLS) {
                    break;
                }
                int r = run;
                long before = committedInput(admin);
                long startedAt = System.nanoTime();
                try (ChildJvm child = startChild("continuous", childLog)) {
                    child.awaitLogLine(CrashPipelineMain.READY, Duration.ofSeconds(60));
                    long readyAfter = millisSince(startedAt);
                    io.produce(INPUT, input(produced, chunkEnds[chunk]));
                    produced = chunkEnds[chunk++];
                    long target = Math.min(produced, before + 5_000 + random.nextInt(20_000));
                    int extraDelay = random.nextInt(MAX_EXTRA_DELAY_MILLIS + 1);
                    Await.until(Duration.ofSeconds(60), () -> !child.isAlive() || committedInput(admin) >= target,
                            () -> "run " + r + ": committed input offsets " + committedInput(admin)
                                    + ", waiting for " + target + "; " + replay + "; child log " + childLog);
                    assertThat(child.isAlive())
                            .as("run %d exited by itself; %s; child log %s", run, replay, childLog)
                            .isTrue();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(extraDelay));
                    long atKill = committedInput(admin);
                    child.kill();
                    System.out.printf("run %d: READY after %d ms, killed after %d ms (%d ms after reaching %d);"
                                    + " committed input %d -> %d of %d produced%n",
                            run, readyAfter, millisSince(startedAt), extraDelay, target, before, atKill, produced);
                }
            }
            assertThat(produced).isEqualTo(RECORDS);

            long beforeLast = committedInput(admin);
            long lastStartedAt = System.nanoTime();
            try (ChildJvm child = startChild("available-now", childLog)) {
                child.awaitLogLine(CrashPipelineMain.READY, Duration.ofSeconds(60));
                String done = child.awaitLogLine(CrashPipelineMain.DONE, Duration.ofSeconds(90));
                int status = child.waitFor(Duration.ofSeconds(30));
                System.out.printf("last run: %s (exit %d) after %d ms, committed input %d -> %d%n",
                        done, status, millisSince(lastStartedAt), beforeLast, committedInput(admin));
                assertThat(status).as("last run's exit status: %s; %s; child log %s", done, replay, childLog)
                        .isZero();
            }
            assertThat(committedInput(admin)).as("input offsets committed at the end; %s", replay)
                    .isEqualTo(RECORDS);
        }

        Map<String, Long> actual = CommittedOutput.read(kafka.bootstrapServers(), OUTPUT, Duration.ofSeconds(60));
        long committed = actual.values().stream().mapToLong(Long::longValue).sum();
        long all = CommittedOutput.countReadUncommitted(kafka.bootstrapServers(), OUTPUT, Duration.ofSeconds(60));
        System.out.printf("output: %d committed records; %d records of aborted transactions"
                        + " (read_uncommitted sees %d)%n",
                committed, all - committed, all);
        CommittedOutput.assertExactlyOnce(expectedOutput(), actual, replay);
    }

    /**
     * Starts a run and kills it at a random point of its start-up, {@code READY} plus at most
     * {@value #MAX_STARTUP_KILL_DELAY_MILLIS} ms: while it joins the group, takes over its
     * predecessor's transactional ids, or processes its first batch.
     */
    private static void killDuringStartUp(Random random, Path childLog, Admin admin) {
        int delay = random.nextInt(MAX_STARTUP_KILL_DELAY_MILLIS + 1);
        long before = committedInput(admin);
        long startedAt = System.nanoTime();
        try (ChildJvm child = startChild("continuous", childLog)) {
            child.awaitLogLine(CrashPipelineMain.READY, Duration.ofSeconds(60));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delay));
            child.kill();
        }
        System.out.printf("start-up run: killed %d ms after READY (%d ms after start); committed input %d -> %d%n",
                delay, millisSince(startedAt), before, committedInput(admin));
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    /** Where the input stands after each killed run's chunk: the rest of the input in equal parts. */
    private static int[] chunkEnds() {
        int[] ends = new int[KILLS];
        int chunk = (RECORDS - INITIAL_RECORDS) / KILLS;
        for (int i = 0; i < KILLS; i++) {
            ends[i] = i == KILLS - 1 ? RECORDS : INITIAL_RECORDS + (i + 1) * chunk;
        }
        return ends;
    }

    private static ChildJvm startChild(String mode, Path log) {
        return ChildJvm.builder(CrashPipelineMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .logFile(log)
                .args(kafka.bootstrapServers(), INPUT, OUTPUT, APP_ID, INSTANCE_ID,
                        String.valueOf(WORKER_THREADS), String.valueOf(MAX_RECORDS_PER_BATCH), mode)
                .start();
    }

    private static List<KeyValue> input(int from, int to) {
        List<KeyValue> records = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            records.add(KeyValue.of("key-" + (i % 1_000), CrashPipelineMain.inputValue(i)));
        }
        return records;
    }

    private static Map<String, Long> expectedOutput() {
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            String out = CrashPipelineMain.transform(CrashPipelineMain.inputValue(i));
            if (CrashPipelineMain.keep(out)) {
                expected.merge(out, 1L, Long::sum);
            }
        }
        return expected;
    }

    private static long committedInput(Admin admin) {
        return GroupOffsets.committed(admin, APP_ID, INPUT);
    }
}
