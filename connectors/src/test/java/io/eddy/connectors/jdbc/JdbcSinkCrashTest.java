package io.eddy.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.process.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDBC sink under SIGKILL: the application of {@link JdbcCrashMain} runs in a child JVM,
 * writing into a real PostgreSQL, and is killed {@value #KILLS} times: the first time by itself
 * right after a batch's database commit (so a replay of a written batch is certain), then by this
 * test at random points while it writes. Each restart resumes from the committed offsets. At the
 * end the table holds exactly the expected final state: one row per key with its latest sequence
 * number, and the high-water-mark table shows that replayed records were skipped. The seed is
 * printed; replay with {@code -Deddy.crash.seed=<seed>}.
 */
class JdbcSinkCrashTest {
    private static final int RECORDS = 40_000;
    private static final int KEYS = 1_000;
    private static final int PARTITIONS = 4;
    private static final int KILLS = 3;
    private static final String INPUT = "jdbc-crash-in";
    private static final String APP_ID = "jdbc-crash";

    private static EmbeddedKafka kafka;
    private static PostgresServer db;

    @BeforeAll
    static void start() {
        db = PostgresServer.start();
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void afterKillsTheTableHoldsTheExactFinalStateAndReplaysWereSkipped() throws Exception {
        long seed = Long.getLong("eddy.crash.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay with -Deddy.crash.seed=" + seed + ")";
        System.out.println("JdbcSinkCrashTest: " + replay);
        Random random = new Random(seed);
        Path work = Files.createDirectories(Path.of("target", "jdbc-crash").toAbsolutePath());
        Path childLog = work.resolve("child.log");
        Files.deleteIfExists(childLog);
        Path passwordFile = work.resolve("password");
        Files.writeString(passwordFile, db.password());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + JdbcCrashMain.TABLE + " (id VARCHAR(32) PRIMARY KEY, seq BIGINT NOT NULL, "
                    + "src_partition INTEGER NOT NULL, src_offset BIGINT NOT NULL)");
        }
        kafka.createTopic(INPUT, PARTITIONS, Map.of());
        TopicIO io = TopicIO.of(kafka);

        int chunk = RECORDS / (KILLS + 1);
        int produced = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            for (int run = 0; run <= KILLS; run++) {
                io.produce(input(produced, produced + chunk));
                produced += chunk;
                int target = produced;
                // A chunk is at least 20 writes (two workers, at most 500 records per batch each, one write per
                // task with data): kill within the first 14 so the self-kill always happens.
                int killAfterWrites = run == 0 ? 3 + random.nextInt(12) : 0;
                try (ChildJvm child = startChild(childLog, passwordFile, killAfterWrites)) {
                    child.awaitLogLine(JdbcCrashMain.READY, Duration.ofSeconds(60));
                    if (run == KILLS) {
                        Await.until(Duration.ofSeconds(180), () -> committedInput(admin) >= target,
                                () -> "the last run committed " + committedInput(admin) + " of " + target + " records; "
                                        + replay + "; log " + childLog);
                        break;
                    }
                    if (killAfterWrites > 0) {
                        child.awaitLogLine("KILLING", Duration.ofSeconds(120));
                        Await.until(Duration.ofSeconds(30), () -> !child.isAlive(),
                                () -> "the child did not die after killing itself; " + replay);
                        System.out.printf("run %d: killed itself after %d database writes; committed input %d of %d%n",
                                run, killAfterWrites, committedInput(admin), produced);
                        continue;
                    }
                    long before = committedInput(admin);
                    long goal = Math.min(produced, before + 1_000 + random.nextInt(chunk / 2));
                    Await.until(Duration.ofSeconds(120), () -> !child.isAlive() || committedInput(admin) >= goal,
                            () -> "committed input " + committedInput(admin) + ", waiting for " + goal + "; " + replay);
                    assertThat(child.isAlive()).as("run %d exited by itself; %s; log %s", run, replay, childLog).isTrue();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));   // a random kill point
                    child.kill();
                    System.out.printf("run %d: killed; committed input %d -> %d of %d%n",
                            run, before, committedInput(admin), produced);
                }
            }
        }

        Map<String, Long> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id, seq FROM " + JdbcCrashMain.TABLE)) {
                while (rs.next()) {
                    assertThat(rows.put(rs.getString(1), rs.getLong(2))).as("row %s twice; %s", rs.getString(1), replay)
                            .isNull();
                }
            }
            assertThat(rows).as(replay).isEqualTo(expected());
            try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM " + JdbcCrashMain.TABLE)) {
                rs.next();
                assertThat(rs.getLong(1)).as(replay).isEqualTo(KEYS).isEqualTo(rs.getLong(2));
            }
            try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(replays), 0), coalesce(sum(records_skipped), 0), "
                    + "count(*) FROM eddy_sink_batches WHERE application_id = '" + APP_ID + "'")) {
                rs.next();
                System.out.printf("high-water marks: %d replays, %d records skipped, %d tasks%n", rs.getLong(1),
                        rs.getLong(2), rs.getLong(3));
                assertThat(rs.getLong(1)).as("replayed batches recognised; %s", replay).isPositive();
                assertThat(rs.getLong(2)).as("replayed records skipped; %s", replay).isPositive();
                assertThat(rs.getLong(3)).as(replay).isEqualTo(PARTITIONS);
            }
        }
    }

    private static String key(int i) {
        return "k" + (i % KEYS);
    }

    private static List<ProducerRecord<byte[], byte[]>> input(int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            records.add(new ProducerRecord<>(INPUT, bytes(key(i)), bytes(Integer.toString(i))));
        }
        return records;
    }

    /** The uninterrupted answer: each key's last sequence number (a key's records are in one partition, in order). */
    private static Map<String, Long> expected() {
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.put(key(i), (long) i);
        }
        return expected;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ChildJvm startChild(Path log, Path passwordFile, int killAfterWrites) throws SQLException {
        return ChildJvm.builder(JdbcCrashMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .logFile(log)
                .args(kafka.bootstrapServers(), INPUT, APP_ID, db.url(), db.user(), passwordFile.toString(),
                        Integer.toString(killAfterWrites))
                .start();
    }

    /** The sum over the input's partitions of the offsets the application committed. */
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
