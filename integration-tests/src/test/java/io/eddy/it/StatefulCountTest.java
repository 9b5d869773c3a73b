package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.RestoreProgress;
import io.eddy.TopicCheckException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A changelogged count on the real broker, in process: exact counts with a repartition, restore
 * after a clean restart (nothing to replay) and after the state directory was deleted (everything
 * replayed), state moving between two instances, and the start-time checks of the state directory
 * and the internal topics.
 */
class StatefulCountTest extends BrokerTest {
    private static final int PARTITIONS = 3;

    @TempDir
    Path tmp;

    private static String item(int i) {
        return "item-" + (i * 7919 % 200);
    }

    private static List<KeyValue> input(int from, int to) {
        List<KeyValue> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(KeyValue.of("key-" + i % 97, item(i)));
        }
        return records;
    }

    private static Map<String, Long> expected(int n) {
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(item(i), 1L, Long::sum);
        }
        return counts;
    }

    private EddyApp app(String id, String input, String output, Path stateDir, List<RestoreProgress> restores) {
        return app(id, input, output, stateDir, restores, 32L << 20);
    }

    private EddyApp app(String id, String input, String output, Path stateDir, List<RestoreProgress> restores,
                        long maxBatchStateBytes) {
        return EddyApp.builder(id)
                .bootstrapServers(kafka.bootstrapServers())
                .maxBatchStateBytes(maxBatchStateBytes)
                .stateDir(stateDir)
                .addRestoreListener(restores::add)
                .pipeline(p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                        .groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-item"))
                        .count(Named.as("counts"))
                        .toStream()
                        .toKafka(output, Produced.with(Serdes.string(), Serdes.longs())))
                .build();
    }

    private void awaitCounts(String output, Map<String, Long> expected) {
        Map<String, Long> last = new HashMap<>();
        Await.until(Duration.ofSeconds(60), () -> {
            last.clear();
            CommittedOutput.readCountUpdates(kafka.bootstrapServers(), output, Duration.ofSeconds(30))
                    .forEach((k, v) -> last.put(k, v.get(v.size() - 1)));
            return last.equals(expected);
        }, () -> "counts in " + output + " never reached the expected ones; last seen " + last.size() + " keys");
        CommittedOutput.assertCountUpdates(expected,
                CommittedOutput.readCountUpdates(kafka.bootstrapServers(), output, Duration.ofSeconds(30)), output);
    }

    private static long restored(List<RestoreProgress> restores) {
        return restores.stream().filter(r -> r.phase() == RestoreProgress.Phase.DONE)
                .mapToLong(RestoreProgress::restored).sum();
    }

    @Test
    void countsAreExactAndRestoreResumesFromTheStoredOffsetOrFromZero() throws Exception {
        kafka.createTopic("sc-in", PARTITIONS);
        kafka.createTopic("sc-out", PARTITIONS);
        Path stateDir = tmp.resolve("state");
        List<RestoreProgress> restores = new CopyOnWriteArrayList<>();

        io.produce("sc-in", input(0, 20_000));
        try (EddyApp app = app("sc", "sc-in", "sc-out", stateDir, restores)) {
            app.start();
            awaitCounts("sc-out", expected(20_000));
            assertThat(app.stateMetrics()).containsKey("restored-records");
        }
        assertThat(restored(restores)).as("a first start has nothing to restore").isZero();
        long changelogSize = io.endOffsets("sc-counts-changelog").values().stream().mapToLong(Long::longValue).sum();
        assertThat(changelogSize).isPositive();

        // clean restart: the stores hold everything the changelog has
        io.produce("sc-in", input(20_000, 30_000));
        try (EddyApp app = app("sc", "sc-in", "sc-out", stateDir, restores)) {
            app.start();
            awaitCounts("sc-out", expected(30_000));
        }
        assertThat(restored(restores)).as("restored after a clean restart").isZero();

        // the whole state directory deleted: every store is rebuilt from its changelog
        deleteRecursively(stateDir);
        restores.clear();
        io.produce("sc-in", input(30_000, 35_000));
        try (EddyApp app = app("sc", "sc-in", "sc-out", stateDir, restores)) {
            app.start();
            awaitCounts("sc-out", expected(35_000));
        }
        assertThat(restored(restores)).as("restored after deleting the state directory").isPositive();
        assertThat(restores).anyMatch(r -> r.phase() == RestoreProgress.Phase.DONE && r.startOffset() == 0);
    }

    /**
     * A restore collapses the changelog's repeated updates of each key before writing them; with
     * a 1 KiB bound on what it may hold, it must apply its collapsed records in many parts, each
     * with its own offset, and still end exact.
     */
    @Test
    void aRestoreHoldingMoreThanMaxBatchStateBytesAppliesItInPartsAndStaysExact() throws Exception {
        kafka.createTopic("sp-in", PARTITIONS);
        kafka.createTopic("sp-out", PARTITIONS);
        Path stateDir = tmp.resolve("state");
        List<RestoreProgress> restores = new CopyOnWriteArrayList<>();
        try (EddyApp app = app("sp", "sp-in", "sp-out", stateDir, restores)) {
            app.start();
            for (int round = 0; round < 5; round++) {   // a batch per round at least: each key updated 5 times
                io.produce("sp-in", input(round * 4_000, (round + 1) * 4_000));
                awaitCounts("sp-out", expected((round + 1) * 4_000));
            }
        }
        long changelogSize = io.endOffsets("sp-counts-changelog").values().stream().mapToLong(Long::longValue).sum();
        assertThat(changelogSize).as("updates of 200 keys").isGreaterThanOrEqualTo(5 * 200);

        deleteRecursively(stateDir);
        io.produce("sp-in", input(20_000, 25_000));
        try (EddyApp app = app("sp", "sp-in", "sp-out", stateDir, restores, 1024)) {
            app.start();
            awaitCounts("sp-out", expected(25_000));
        }
        // the changelog's offsets include a commit marker per transaction
        assertThat(restored(restores)).as("every changelog record read").isBetween(5L * 200, changelogSize);
    }

    @Test
    void stateMovesWithItsPartitionsWhenASecondInstanceJoins() {
        kafka.createTopic("sm-in", PARTITIONS);
        kafka.createTopic("sm-out", PARTITIONS);
        List<RestoreProgress> first = new CopyOnWriteArrayList<>();
        List<RestoreProgress> second = new CopyOnWriteArrayList<>();
        io.produce("sm-in", input(0, 15_000));
        try (EddyApp a = app("sm", "sm-in", "sm-out", tmp.resolve("a"), first)) {
            a.start();
            awaitCounts("sm-out", expected(15_000));
            try (EddyApp b = app("sm", "sm-in", "sm-out", tmp.resolve("b"), second)) {
                b.start();
                Await.until(Duration.ofSeconds(60), () -> b.state() == AppState.RUNNING
                        && second.stream().anyMatch(r -> r.phase() == RestoreProgress.Phase.DONE),
                        () -> "the second instance never restored the state of the tasks it took over: " + second);
                io.produce("sm-in", input(15_000, 30_000));
                awaitCounts("sm-out", expected(30_000));
            }
            io.produce("sm-in", input(30_000, 36_000));
            awaitCounts("sm-out", expected(36_000));
        }
        assertThat(restored(second)).as("records the second instance restored").isPositive();
    }

    @Test
    void aSecondInstanceOnTheSameStateDirectoryFailsClearly() {
        kafka.createTopic("sl-in", PARTITIONS);
        Path stateDir = tmp.resolve("shared");
        try (EddyApp a = app("sl", "sl-in", "sl-out", stateDir, new ArrayList<>())) {
            a.start();
            EddyApp b = app("sl", "sl-in", "sl-out", stateDir, new ArrayList<>());
            assertThatThrownBy(b::start).hasMessageContaining("in use by another instance")
                    .hasMessageContaining(stateDir.resolve("sl").toString());
        }
    }

    @Test
    void aChangelogWithTheWrongPartitionCountOrPolicyIsRefused() {
        kafka.createTopic("sv-in", PARTITIONS);
        kafka.createTopic("sv-counts-changelog", PARTITIONS + 1, Map.of("cleanup.policy", "compact"));
        EddyApp app = app("sv", "sv-in", "sv-out", tmp.resolve("sv"), new ArrayList<>());
        assertThatThrownBy(app::start).hasMessageContaining("sv-counts-changelog").hasMessageContaining("4 partitions");

        kafka.createTopic("sw-in", PARTITIONS);
        kafka.createTopic("sw-counts-changelog", PARTITIONS, Map.of("cleanup.policy", "delete"));
        EddyApp other = app("sw", "sw-in", "sw-out", tmp.resolve("sw"), new ArrayList<>());
        assertThatThrownBy(other::start).isInstanceOfSatisfying(TopicCheckException.class, e -> assertThat(e.topics())
                        .containsExactly("sw-counts-changelog"))
                .hasMessageContaining("sw-counts-changelog")
                .hasMessageContaining("cleanup.policy=delete");
    }

    @Test
    void aCorruptStoreIsMovedAsideAndRestoredFromItsChangelog() throws Exception {
        kafka.createTopic("sk-in", 1);
        kafka.createTopic("sk-out", 1);
        Path stateDir = tmp.resolve("sk");
        List<RestoreProgress> restores = new CopyOnWriteArrayList<>();
        io.produce("sk-in", input(0, 5_000));
        try (EddyApp app = app("sk", "sk-in", "sk-out", stateDir, restores)) {
            app.start();
            awaitCounts("sk-out", expected(5_000));
        }
        Path store = stateDir.resolve("sk").resolve("task-0").resolve("counts");
        Files.writeString(store.resolve("CURRENT"), "garbage, not a manifest name\n");
        io.produce("sk-in", input(5_000, 6_000));
        try (EddyApp app = app("sk", "sk-in", "sk-out", stateDir, restores)) {
            app.start();
            awaitCounts("sk-out", expected(6_000));
        }
        try (Stream<Path> siblings = Files.list(store.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("counts.corrupt-"));
        }
        assertThat(restores).anyMatch(r -> r.phase() == RestoreProgress.Phase.DONE && r.startOffset() == 0
                && r.restored() > 0);
    }

    @Test
    void aStoreAheadOfItsChangelogIsDiscardedAndRebuilt() throws Exception {
        kafka.createTopic("sf-in", 1);
        kafka.createTopic("sf-out", 1);
        Path stateDir = tmp.resolve("sf");
        List<RestoreProgress> restores = new CopyOnWriteArrayList<>();
        io.produce("sf-in", input(0, 3_000));
        try (EddyApp app = app("sf", "sf-in", "sf-out", stateDir, restores)) {
            app.start();
            awaitCounts("sf-out", expected(3_000));
        }
        // as if the application now ran against a fresh cluster: its topics and group are gone
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.deleteConsumerGroups(List.of("sf")).all().get();
            List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith("sf")).toList();
            admin.deleteTopics(topics).all().get();
            Await.until(Duration.ofSeconds(30), () -> {
                try {
                    return admin.listTopics().names().get().stream().noneMatch(t -> t.startsWith("sf"));
                } catch (Exception e) {
                    return false;
                }
            }, () -> "topics of sf not deleted");
        }
        kafka.createTopic("sf-in", 1);
        kafka.createTopic("sf-out", 1);
        io.produce("sf-in", input(0, 10));
        restores.clear();
        try (EddyApp app = app("sf", "sf-in", "sf-out", stateDir, restores)) {
            app.start();
            awaitCounts("sf-out", expected(10));   // the old counts would be far higher
        }
        try (Stream<Path> siblings = Files.list(stateDir.resolve("sf").resolve("task-0"))) {
            assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("counts.stale-"));
        }
    }

    /**
     * A transaction left open on a changelog (a producer that lost its broker mid-commit, or a
     * previous owner that died) holds its last stable offset back while later committed records
     * sit beyond it. A restore that stopped at the last stable offset would miss them and go on
     * from a wrong store (the fault suite saw FINAL windows never emitted); the restore must wait
     * for the transaction to end and then restore everything committed.
     */
    @Test
    void aRestoreWaitsForATransactionLeftOpenOnItsChangelogAndMissesNoCommittedState() throws Exception {
        kafka.createTopic("so-in", 1);
        kafka.createTopic("so-out", 1);
        List<RestoreProgress> restores = new CopyOnWriteArrayList<>();
        io.produce("so-in", input(0, 2_000));
        Map<String, Object> rogue = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "transactional.id", "rogue-writer-of-so", "transaction.timeout.ms", 120_000,
                "key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class,
                "value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> open =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(rogue)) {
            try (EddyApp first = app("so", "so-in", "so-out", tmp.resolve("so-1"), restores)) {
                first.start();
                awaitCounts("so-out", expected(2_000));
                open.initTransactions();
                open.beginTransaction();
                open.send(new org.apache.kafka.clients.producer.ProducerRecord<>("so-counts-changelog", 0,
                        "item-0".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[8])).get();
                io.produce("so-in", input(2_000, 4_000));
                awaitCounts("so-out", expected(4_000));   // committed beyond the open transaction
            }
            // a new instance with an empty state directory restores while the transaction is open
            restores.clear();
            try (EddyApp second = app("so", "so-in", "so-out", tmp.resolve("so-2"), restores)) {
                second.start();
                Await.until(Duration.ofSeconds(30), () -> restores.stream().anyMatch(r -> r.store().equals("counts")
                        && r.phase() == RestoreProgress.Phase.STARTED), () -> "the restore of counts never started");
                open.abortTransaction();
                io.produce("so-in", input(4_000, 5_000));
                awaitCounts("so-out", expected(5_000));   // a restore to the open transaction would count from 2,000
            }
        }
        assertThat(restores).anyMatch(r -> r.store().equals("counts") && r.phase() == RestoreProgress.Phase.DONE
                && r.restored() > 0);
    }

    @Test
    void aPipelineWhoseStoreChangedShapeIsRefusedNamingTheStore() {
        kafka.createTopic("sx-in", PARTITIONS);
        try (EddyApp first = app("sx", "sx-in", "sx-out", tmp.resolve("sx1"), new ArrayList<>())) {
            first.start();
        }
        EddyApp changed = EddyApp.builder("sx")
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(tmp.resolve("sx2"))
                .pipeline(p -> p.kafka("sx-in", Consumed.with(Serdes.string(), Serdes.string()))
                        .groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-item"))
                        .reduce((a, b) -> b, Named.as("counts"))
                        .toStream()
                        .toKafka("sx-out", Produced.with(Serdes.string(), Serdes.string())))
                .build();
        assertThatThrownBy(changed::start).hasMessageContaining("store 'counts' was a key-value store of count")
                .hasMessageContaining("is now a key-value store of reduce");
    }

    private static void deleteRecursively(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThat(dir).doesNotExist();
    }
}
