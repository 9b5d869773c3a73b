package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.process.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standby replicas and failover: two instances of an exactly-once count ({@link StandbyFailoverMain})
 * in child JVMs, each with {@code standbyReplicas(1)}, split the four tasks and keep warm copies of
 * each other's. Under a steady input, the instance holding some tasks is SIGKILLed; the survivor,
 * which holds their standby copies, takes them over and restores only the changelog's tail: far
 * fewer records than the moved stores hold. The output read with read_committed has, per key,
 * strictly increasing counts ending at the true count (exactly once). The time from the SIGKILL to
 * the first committed batch of the moved tasks is printed, not asserted.
 *
 * <p>For comparison, {@code -Deddy.standby.replicas=0} runs the same without standbys (the restore
 * assertion is then skipped, the figures printed).
 */
class StandbyFailoverTest extends BrokerTest {
    private static final int PARTITIONS = 4;
    private static final int KEYS = 20_000;
    private static final String INPUT = "standby-in";
    private static final String OUTPUT = "standby-out";
    private static final String APP_ID = "standby-failover";
    private static final Pattern STATUS = Pattern.compile("STATUS active=\\[([0-9, ]*)] standby=\\{([^}]*)}");
    private static final Pattern FIRST_COMMIT = Pattern.compile("FIRST_COMMIT task=(\\d+) at=(\\d+)");
    private static final Pattern RESTORED = Pattern.compile("RESTORED task=(\\d+) store=(\\S+) from=(\\d+) records=(\\d+)");

    private static final int STANDBYS = Integer.getInteger("eddy.standby.replicas", 1);

    @TempDir
    Path tmp;

    @Test
    void theStandbyTakesOverAndRestoresOnlyTheTail() throws Exception {
        kafka.createTopic(INPUT, PARTITIONS);
        kafka.createTopic(OUTPUT, PARTITIONS);
        Map<String, Long> expected = new HashMap<>();
        Random random = new Random(7);
        List<KeyValue> initial = new ArrayList<>();
        for (int i = 0; i < 3 * KEYS; i++) {
            String key = "key-" + (i % KEYS);
            initial.add(KeyValue.of(key, "v"));
            expected.merge(key, 1L, Long::sum);
        }
        io.produce(INPUT, initial);
        long[] produced = {initial.size()};

        Path logA = tmp.resolve("a.log");
        Path logB = tmp.resolve("b.log");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             ChildJvm a = start("a", logA)) {
            a.awaitLogLine("READY", Duration.ofSeconds(60));
            Await.until(Duration.ofSeconds(90), () -> GroupOffsets.committed(admin, APP_ID, INPUT) >= produced[0],
                    () -> "a alone committed " + GroupOffsets.committed(admin, APP_ID, INPUT) + " of " + produced[0]);
            try (ChildJvm b = start("b", logB)) {
                b.awaitLogLine("READY", Duration.ofSeconds(60));
                // the tasks split two and two, and each instance's standbys are the other's tasks, caught up
                Await.until(Duration.ofSeconds(90), () -> STANDBYS == 0 ? activeSplit(logA, logB) : settled(logA, logB),
                        () -> "not settled: a " + lastStatus(logA) + ", b " + lastStatus(logB));
                Set<Integer> movedTasks = active(lastStatus(logA));
                System.out.println("StandbyFailoverTest: a " + lastStatus(logA) + "; b " + lastStatus(logB));

                // a steady input, then SIGKILL the instance owning movedTasks
                AtomicBoolean producing = new AtomicBoolean(true);
                AtomicReference<Throwable> producerFailure = new AtomicReference<>();
                Map<String, Long> loadCounts = new HashMap<>();
                Thread load = new Thread(() -> {
                    try {
                        while (producing.get()) {
                            List<KeyValue> chunk = new ArrayList<>();
                            for (int i = 0; i < 200; i++) {
                                String key = "key-" + random.nextInt(KEYS);
                                chunk.add(KeyValue.of(key, "v"));
                                synchronized (loadCounts) {
                                    loadCounts.merge(key, 1L, Long::sum);
                                }
                            }
                            io.produce(INPUT, chunk);
                            synchronized (loadCounts) {
                                produced[0] += chunk.size();
                            }
                            Thread.sleep(20);   // pacing the load generator, not waiting for an outcome
                        }
                    } catch (Throwable e) {
                        producerFailure.set(e);
                    }
                }, "load");
                load.start();
                long before = GroupOffsets.committed(admin, APP_ID, INPUT);
                Await.until(Duration.ofSeconds(60), () -> GroupOffsets.committed(admin, APP_ID, INPUT) >= before + 5_000,
                        () -> "the load is not being processed");
                int linesOfB = Files.readAllLines(logB).size();
                long killedAt = System.currentTimeMillis();
                a.kill();

                Map<Integer, Long> firstCommits = new TreeMap<>();
                Await.until(Duration.ofSeconds(90), () -> {
                    firstCommits.putAll(firstCommitsSince(logB, linesOfB, movedTasks));
                    return firstCommits.keySet().containsAll(movedTasks);
                }, () -> "b committed none of " + movedTasks + " yet; last " + lastStatus(logB));
                long failoverMs = firstCommits.values().stream().mapToLong(Long::longValue).max().orElseThrow() - killedAt;
                producing.set(false);
                load.join();
                assertThat(producerFailure.get()).isNull();
                synchronized (loadCounts) {
                    loadCounts.forEach((k, n) -> expected.merge(k, n, Long::sum));
                }
                Await.until(Duration.ofSeconds(90), () -> GroupOffsets.committed(admin, APP_ID, INPUT) >= produced[0],
                        () -> "b committed " + GroupOffsets.committed(admin, APP_ID, INPUT) + " of " + produced[0]);

                long restored = restoredSince(logB, linesOfB, movedTasks);
                long movedKeys = expected.keySet().stream().filter(k -> movedTasks.contains(taskOf(k))).count();
                System.out.printf("StandbyFailoverTest: SIGKILL -> first committed batch of every moved task %s: %d ms "
                        + "(session timeout 10 s, %d standby replicas); restored %d records for stores holding %d keys%n",
                        movedTasks, failoverMs, STANDBYS, restored, movedKeys);
                if (STANDBYS > 0) {
                    assertThat(restored).as("records restored by the standby host, against %d keys in the moved stores",
                            movedKeys).isLessThan(movedKeys / 10);
                }

                Map<String, List<Long>> updates = CommittedOutput.readCountUpdates(kafka.bootstrapServers(), OUTPUT,
                        Duration.ofSeconds(60));
                CommittedOutput.assertCountUpdates(expected, updates, "logs " + logA + ", " + logB);
            }
        }
    }

    private ChildJvm start(String instance, Path log) {
        return ChildJvm.builder(StandbyFailoverMain.class)
                .jvmOption("-Xmx384m")
                .jvmOption("-XX:+UseSerialGC")
                .logFile(log)
                .args(kafka.bootstrapServers(), INPUT, OUTPUT, APP_ID, instance, tmp.resolve("state-" + instance).toString(),
                        String.valueOf(STANDBYS))
                .start();
    }

    private static int taskOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static boolean activeSplit(Path logA, Path logB) {
        return active(lastStatus(logA)).size() == 2 && active(lastStatus(logB)).size() == 2;
    }

    private static boolean settled(Path logA, Path logB) {
        String a = lastStatus(logA);
        String b = lastStatus(logB);
        Set<Integer> activeA = active(a);
        Set<Integer> activeB = active(b);
        if (activeA.size() != 2 || activeB.size() != 2) {
            return false;
        }
        return activeA.equals(caughtUpStandbys(b)) && activeB.equals(caughtUpStandbys(a));
    }

    private static String lastStatus(Path log) {
        String last = "";
        try {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("STATUS ")) {
                    last = line;
                }
            }
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
        return last;
    }

    private static Set<Integer> active(String status) {
        Matcher m = STATUS.matcher(status);
        Set<Integer> tasks = new TreeSet<>();
        if (m.find() && !m.group(1).isBlank()) {
            Arrays.stream(m.group(1).split(",\\s*")).map(String::trim).map(Integer::parseInt).forEach(tasks::add);
        }
        return tasks;
    }

    private static Set<Integer> caughtUpStandbys(String status) {
        Matcher m = STATUS.matcher(status);
        Set<Integer> tasks = new TreeSet<>();
        if (m.find() && !m.group(2).isBlank()) {
            for (String entry : m.group(2).split(",\\s*")) {
                String[] kv = entry.trim().split("=");
                if (Long.parseLong(kv[1]) == 0) {
                    tasks.add(Integer.parseInt(kv[0]));
                }
            }
        }
        return tasks;
    }

    private static Map<Integer, Long> firstCommitsSince(Path log, int from, Set<Integer> tasks) {
        Map<Integer, Long> out = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
            Matcher m = FIRST_COMMIT.matcher(line);
            if (m.find() && tasks.contains(Integer.parseInt(m.group(1)))) {
                out.putIfAbsent(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
            }
        }
        return out;
    }

    private static long restoredSince(Path log, int from, Set<Integer> tasks) throws Exception {
        long sum = 0;
        List<String> lines = Files.readAllLines(log);
        for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
            Matcher m = RESTORED.matcher(line);
            if (m.find() && tasks.contains(Integer.parseInt(m.group(1)))) {
                sum += Long.parseLong(m.group(4));
            }
        }
        return sum;
    }
}
