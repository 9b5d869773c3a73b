package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.process.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fault-free run logs nothing at WARN or ERROR: an exactly-once count through a repartition
 * topic and a state store ({@link QuietLogsMain}) runs in child JVMs whose whole output is read
 * back. The run covers what every deployment does without anything going wrong: a first start
 * over a backlog, a second instance joining (a rebalance; moved tasks restore their stores from
 * the changelogs), that instance leaving gracefully (the first takes its tasks back and restores
 * them), and a graceful stop.
 *
 * <p>The children log {@code io.eddy} at INFO and everything else at WARN (the test class path's
 * slf4j-simple configuration). The check fails on any WARN or ERROR line, and on any line of the
 * messages a fault-free run used to produce: the restore and end-offset consumers' "Not updating
 * last stable offset … no longer assigned", the producer's CONCURRENT_TRANSACTIONS and
 * OUT_OF_ORDER_SEQUENCE_NUMBER retries, a consumer without a client id ({@code consumer-null-…}),
 * and a worker rejoining the group ("dropping tasks … and rejoining").
 *
 * <p>The broker runs in the test JVM, so its own log is not checked here; its
 * OutOfOrderSequenceException on repartition topics was the broker's side of the producer's
 * OUT_OF_ORDER_SEQUENCE_NUMBER retries, which are checked.
 */
class QuietLogsTest extends BrokerTest {
    private static final int PARTITIONS = 4;
    private static final int RECORDS_PER_ROUND = 20_000;
    private static final String INPUT = "quiet-in";
    private static final String OUTPUT = "quiet-out";
    private static final String APP_ID = "quiet";
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    /** Messages that must not appear at any level. */
    private static final List<String> FORBIDDEN = List.of(
            "Not updating last stable offset",
            "Not updating high watermark",
            "CONCURRENT_TRANSACTIONS",
            "OUT_OF_ORDER_SEQUENCE_NUMBER",
            "OutOfOrderSequenceException",
            "clientId=consumer-null",
            "clientId=producer-",
            "clientId=adminclient-",
            "dropping tasks",
            "rejoining the group");

    @TempDir
    Path tmp;

    @Test
    void aFaultFreeExactlyOnceRunWithARebalanceLogsNoWarningOrError() throws Exception {
        kafka.createTopic(INPUT, PARTITIONS);
        kafka.createTopic(OUTPUT, PARTITIONS);
        Path logA = Path.of("target", "QuietLogsTest-a.log").toAbsolutePath();
        Path logB = Path.of("target", "QuietLogsTest-b.log").toAbsolutePath();
        Files.deleteIfExists(logA);
        Files.deleteIfExists(logB);
        Map<String, Long> expected = new HashMap<>();

        produceRound(0, expected);
        try (ChildJvm a = start(logA, tmp.resolve("a"))) {
            a.awaitLogLine(QuietLogsMain.READY, DEADLINE);
            awaitCounts(expected, "first instance over the backlog");
            try (ChildJvm b = start(logB, tmp.resolve("b"))) {
                b.awaitLogLine(QuietLogsMain.READY, DEADLINE);
                // the rebalance is over once the newcomer owns tasks (their stores restored) and runs
                b.awaitLogLine("-> RUNNING", DEADLINE);
                produceRound(1, expected);
                awaitCounts(expected, "two instances");
                stopGracefully(b, logB);
            }
            produceRound(2, expected);
            awaitCounts(expected, "first instance again, after the second left");
            stopGracefully(a, logA);
        }

        assertQuiet(logA);
        assertQuiet(logB);
    }

    private static void produceRound(int round, Map<String, Long> expected) {
        List<KeyValue> records = new ArrayList<>(RECORDS_PER_ROUND);
        for (int i = round * RECORDS_PER_ROUND; i < (round + 1) * RECORDS_PER_ROUND; i++) {
            String region = "region-" + (i * 31 % 97);
            records.add(KeyValue.of("user-" + (i % 1_000), region));
            expected.merge(region, 1L, Long::sum);
        }
        io.produce(INPUT, records);
    }

    private static void awaitCounts(Map<String, Long> expected, String phase) {
        Map<String, Long> last = new HashMap<>();
        Await.until(DEADLINE, () -> {
            last.clear();
            CommittedOutput.readCountUpdates(kafka.bootstrapServers(), OUTPUT, Duration.ofSeconds(30))
                    .forEach((k, v) -> last.put(k, v.get(v.size() - 1)));
            return last.equals(expected);
        }, () -> phase + ": the counts never reached the true counts; last read " + last.size() + " keys");
    }

    /** SIGTERM: the child's shutdown hook closes the application, which must report a clean stop. */
    private static void stopGracefully(ChildJvm child, Path log) throws IOException {
        assertThat(child.stop(Duration.ofSeconds(60))).as("exit status (143: SIGTERM, hooks run), log %s", log)
                .isEqualTo(143);
        assertThat(Files.readAllLines(log)).as("the application closed cleanly, log %s", log)
                .contains(QuietLogsMain.CLOSED + " stopped=true");
    }

    private static ChildJvm start(Path log, Path stateDir) {
        return ChildJvm.builder(QuietLogsMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                // Eddy's own lines at INFO, so that a rejoin ("dropping tasks …") shows too
                .systemProperty("org.slf4j.simpleLogger.log.io.eddy", "info")
                .logFile(log)
                .args(kafka.bootstrapServers(), INPUT, OUTPUT, APP_ID, stateDir.toString())
                .start();
    }

    /** No WARN or ERROR line, and none of {@link #FORBIDDEN}, in the child's whole output. */
    private static void assertQuiet(Path log) throws IOException {
        List<String> flagged = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            boolean warnOrError = line.contains("] WARN ") || line.contains("] ERROR ");
            if (warnOrError || FORBIDDEN.stream().anyMatch(line::contains)) {
                flagged.add(line);
            }
        }
        assertThat(flagged).as("lines a fault-free run must not log, in %s", log).isEmpty();
    }
}
