package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.AdminCommand;
import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.GroupStatus;
import io.eddy.MemberStatus;
import io.eddy.PartitionLag;
import io.eddy.ResetOptions;
import io.eddy.ResetReport;
import io.eddy.TaskStatus;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.kafka.TopicRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application reset ({@link EddyApp#reset}, {@link AdminCommand}) and the group description
 * ({@link EddyApp#describeGroup}) on a real broker: a reset to the earliest offsets makes the next
 * run rebuild its state and emit every count again from scratch; a reset is refused while an
 * instance runs, naming its member; a reset to a timestamp starts at the first record at or after
 * it; two running instances are described from a third process-like object and from one of them.
 */
class ResetAndDescribeTest extends BrokerTest {
    private static final int PARTITIONS = 3;

    @TempDir
    Path tmp;

    private EddyApp countApp(String id, String input, String output, Path stateDir) {
        return EddyApp.builder(id)
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(stateDir)
                .pipeline(p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                        .groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-item"))
                        .count(Named.as("counts"))
                        .toStream()
                        .toKafka(output, Produced.with(Serdes.string(), Serdes.longs())))
                .build();
    }

    private static List<KeyValue> items(int from, int to) {
        List<KeyValue> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(KeyValue.of("key-" + i, "item-" + (i % 11)));
        }
        return records;
    }

    private static Map<String, Long> counts(int from, int to) {
        Map<String, Long> counts = new HashMap<>();
        for (int i = from; i < to; i++) {
            counts.merge("item-" + (i % 11), 1L, Long::sum);
        }
        return counts;
    }

    /** The last committed count per key among the output records at or after {@code from} (per partition). */
    private static Map<String, Long> lastCounts(String output, Map<Integer, Long> from) {
        Map<String, Long> last = new HashMap<>();
        for (TopicRecord r : CommittedOutput.readRecords(kafka.bootstrapServers(), output, Duration.ofSeconds(30))) {
            if (r.offset() >= from.getOrDefault(r.partition(), 0L)) {
                last.put(r.keyString(), ByteBuffer.wrap(r.value()).getLong());
            }
        }
        return last;
    }

    private static void awaitCounts(String output, Map<Integer, Long> from, Map<String, Long> expected) {
        Map<String, Long> seen = new HashMap<>();
        Await.until(Duration.ofSeconds(60), () -> {
            seen.clear();
            seen.putAll(lastCounts(output, from));
            return seen.equals(expected);
        }, () -> output + ": counts " + seen + ", expected " + expected);
    }

    @Test
    void aResetToEarliestRebuildsTheStateAndEmitsEveryCountAgainFromScratch() throws Exception {
        kafka.createTopic("re-in", PARTITIONS);
        kafka.createTopic("re-out", PARTITIONS);
        Path stateDir = tmp.resolve("state");
        io.produce("re-in", items(0, 2_000));
        try (EddyApp app = countApp("re", "re-in", "re-out", stateDir)) {
            app.start();
            awaitCounts("re-out", Map.of(), counts(0, 2_000));
        }
        assertThat(stateDir.resolve("re")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("task-"));

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        EddyApp toReset = countApp("re", "re-in", "re-out", stateDir);
        int status = AdminCommand.run(toReset, new String[] {"reset", "--to-earliest"},
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(status).as("exit status; printed: %s", printed).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("re-counts-changelog", "re-by-item-repartition",
                "re-eddy-stores");
        try (Admin admin = admin()) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics).doesNotContain("re-counts-changelog", "re-by-item-repartition", "re-eddy-stores")
                    .contains("re-in", "re-out");
            Map<TopicPartition, Long> committed = new HashMap<>();
            admin.listConsumerGroupOffsets("re").partitionsToOffsetAndMetadata().get()
                    .forEach((tp, om) -> committed.put(tp, om.offset()));
            assertThat(committed).containsOnlyKeys(new TopicPartition("re-in", 0), new TopicPartition("re-in", 1),
                    new TopicPartition("re-in", 2));
            assertThat(committed.values()).containsOnly(0L);
        }
        try (Stream<Path> left = Files.list(stateDir.resolve("re"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("task-"));
        }

        // the next run processes every record again, with stores rebuilt from nothing: its updates
        // end at the true counts, not at twice them, and every key is emitted again
        Map<Integer, Long> before = io.endOffsets("re-out");
        try (EddyApp app = countApp("re", "re-in", "re-out", stateDir)) {
            app.start();
            awaitCounts("re-out", before, counts(0, 2_000));
            assertThat(app.stateMetrics().get("restored-records")).as("nothing to restore: new changelogs").isZero();
        }
        Map<String, List<Long>> updates = new HashMap<>();
        for (TopicRecord r : CommittedOutput.readRecords(kafka.bootstrapServers(), "re-out", Duration.ofSeconds(30))) {
            if (r.offset() >= before.get(r.partition())) {
                updates.computeIfAbsent(r.keyString(), k -> new ArrayList<>()).add(ByteBuffer.wrap(r.value()).getLong());
            }
        }
        // every key emitted again, counting up from nothing to its true count (not to twice it)
        CommittedOutput.assertCountUpdates(counts(0, 2_000), updates, "re-out after the reset");
    }

    @Test
    void aResetIsRefusedWhileAnInstanceRunsAndNamesItsMember() {
        kafka.createTopic("rr-in", PARTITIONS);
        kafka.createTopic("rr-out", PARTITIONS);
        io.produce("rr-in", items(0, 100));
        try (EddyApp running = countApp("rr", "rr-in", "rr-out", tmp.resolve("a"))) {
            running.start();
            Await.until(Duration.ofSeconds(60), () -> running.state() == AppState.RUNNING, running::toString);
            EddyApp other = countApp("rr", "rr-in", "rr-out", tmp.resolve("b"));
            assertThatThrownBy(() -> other.reset(ResetOptions.toEarliest()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot reset 'rr'")
                    .hasMessageContaining("active member")
                    .hasMessageContaining("rr-0-consumer");
            assertThatThrownBy(() -> running.reset(ResetOptions.toLatest()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("RUNNING");
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            assertThat(AdminCommand.run(other, new String[] {"reset", "--to-latest"},
                    new PrintStream(printed, true, StandardCharsets.UTF_8))).isEqualTo(1);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("refused", "rr-0-consumer");
        }
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get()).contains("rr-counts-changelog", "rr-by-item-repartition");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aResetToATimestampStartsAtTheFirstRecordAtOrAfterIt() throws Exception {
        kafka.createTopic("rt-in", PARTITIONS);
        kafka.createTopic("rt-out", PARTITIONS);
        // recent enough for the topics' time-based retention to keep them
        Instant recent = Instant.now().minus(Duration.ofHours(1));
        Instant old = recent.minus(Duration.ofHours(1));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<KeyValue> all = items(0, 600);
        for (int i = 0; i < all.size(); i++) {
            long ts = (i < 400 ? old : recent).toEpochMilli() + i;
            records.add(new ProducerRecord<>("rt-in", null, ts, all.get(i).key(), all.get(i).value()));
        }
        io.produce(records);
        Path stateDir = tmp.resolve("state");

        ResetReport report = countApp("rt", "rt-in", "rt-out", stateDir).reset(ResetOptions.toTimestamp(recent));
        Map<Integer, Long> ends = io.endOffsets("rt-in");
        assertThat(report.inputOffsets()).hasSize(PARTITIONS);
        long skipped = report.inputOffsets().values().stream().mapToLong(Long::longValue).sum();
        assertThat(skipped).as("records before the timestamp, over all partitions").isEqualTo(400);
        report.inputOffsets().forEach((tp, offset) -> assertThat(offset).isLessThanOrEqualTo(ends.get(tp.partition())));

        try (EddyApp app = countApp("rt", "rt-in", "rt-out", stateDir)) {
            app.start();
            awaitCounts("rt-out", Map.of(), counts(400, 600));
        }
    }

    @Test
    void twoRunningInstancesAreDescribedWithTheirTasksAndLag() throws Exception {
        int partitions = 4;
        kafka.createTopic("rd-in", partitions);
        kafka.createTopic("rd-out", partitions);
        io.produce("rd-in", items(0, 1_000));
        EddyApp observer = countApp("rd", "rd-in", "rd-out", tmp.resolve("observer"));
        assertThat(observer.describeGroup().members()).isEmpty();
        try (EddyApp a = countApp("rd", "rd-in", "rd-out", tmp.resolve("a"));
             EddyApp b = countApp("rd", "rd-in", "rd-out", tmp.resolve("b"))) {
            a.start();
            b.start();
            awaitCounts("rd-out", Map.of(), counts(0, 1_000));
            GroupStatus[] seen = new GroupStatus[1];
            Await.until(Duration.ofSeconds(60), () -> {
                GroupStatus s = observer.describeGroup();
                seen[0] = s;
                return s.groupState().equals("Stable") && s.members().size() == 2
                        && s.members().stream().allMatch(m -> !m.tasks().isEmpty())
                        && s.members().stream().flatMap(m -> m.tasks().stream()).allMatch(t -> caughtUp(t))
                        && tasksOf(s).size() == partitions;
            }, () -> "the group as described: " + seen[0]);
            GroupStatus outside = seen[0];
            assertThat(outside.applicationId()).isEqualTo("rd");
            assertThat(outside.unassignedTasks()).isEmpty();
            assertThat(tasksOf(outside)).containsExactly(0, 1, 2, 3);
            for (MemberStatus m : outside.members()) {
                assertThat(m.local()).isFalse();
                assertThat(m.clientId()).isEqualTo("rd-0-consumer");
                for (TaskStatus t : m.tasks()) {
                    assertThat(t.phase()).isEqualTo(TaskStatus.Phase.UNKNOWN);
                    assertThat(t.partitions()).extracting(PartitionLag::topic)
                            .containsExactly("rd-by-item-repartition", "rd-in");
                    assertThat(t.partitions()).allMatch(p -> p.partition() == t.task());
                    assertThat(t.partitions()).filteredOn(p -> p.topic().equals("rd-in"))
                            .allMatch(p -> p.committedOffset().isPresent() && p.endOffset() > 0);
                }
            }
            assertThat(outside.members().stream().map(MemberStatus::memberId).distinct()).hasSize(2);

            // seen from instance a: its own member is local and its tasks run; b's are unknown
            Await.until(Duration.ofSeconds(30), () -> {
                GroupStatus s = a.describeGroup();
                seen[0] = s;
                return s.members().stream().filter(MemberStatus::local).count() == 1;
            }, () -> "as described by a: " + seen[0]);
            for (MemberStatus m : seen[0].members()) {
                TaskStatus.Phase expected = m.local() ? TaskStatus.Phase.RUNNING : TaskStatus.Phase.UNKNOWN;
                assertThat(m.tasks()).allMatch(t -> t.phase() == expected);
            }
        }
        Await.until(Duration.ofSeconds(30), () -> observer.describeGroup().members().isEmpty(),
                () -> "members left after close: " + observer.describeGroup());
        GroupStatus stopped = observer.describeGroup();
        assertThat(stopped.groupState()).isEqualTo("Empty");
        assertThat(stopped.unassignedTasks()).extracting(TaskStatus::task).containsExactly(0, 1, 2, 3);
        assertThat(stopped.toString()).contains("unassigned task 0");
    }

    /**
     * Whether a task has consumed everything: lag 0 on the input, which is written without
     * transactions, and at most 1 on the repartition topic, whose last offset is the commit marker
     * of the transaction that wrote it (see {@link PartitionLag}).
     */
    private static boolean caughtUp(TaskStatus task) {
        return task.partitions().stream().allMatch(p -> p.topic().equals("rd-in")
                ? p.lag().isPresent() && p.lag().getAsLong() == 0
                : p.lag().orElse(0) <= 1);
    }

    private static Set<Integer> tasksOf(GroupStatus status) {
        return status.members().stream().flatMap(m -> m.tasks().stream()).map(TaskStatus::task)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
}
