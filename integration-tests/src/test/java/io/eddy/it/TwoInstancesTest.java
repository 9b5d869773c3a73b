package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.OffsetRange;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Two instances of one application (same application id, one worker each, exactly-once) in this
 * JVM over an 8-partition input: they split the partitions; when one is closed while input keeps
 * arriving, the other takes over every partition, and the output holds every input record exactly
 * once.
 *
 * <p>The first instance starts alone and takes every partition; the second joins once the first
 * has committed input of all of them.
 *
 * <p>Which instance processed which partition is read from the progress listeners: a batch's
 * offset ranges name the partitions and offsets it committed. Records are produced to explicit
 * partitions, so every partition gets input in every phase.
 */
class TwoInstancesTest extends BrokerTest {
    private static final int PARTITIONS = 8;
    private static final String INPUT = "two-in";
    private static final String OUTPUT = "two-out";
    private static final String APP_ID = "two-instances";

    @Test
    void instancesSplitThePartitionsAndTheSurvivorTakesOver() throws Exception {
        kafka.createTopic(INPUT, PARTITIONS);
        kafka.createTopic(OUTPUT, PARTITIONS);

        AtomicInteger sequence = new AtomicInteger();
        io.produce(inputRecords(sequence, 500));

        Instance a = new Instance();
        Instance b = new Instance();
        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            // 1. a starts alone and takes every partition; b joins and gets half of them (a revokes
            //    them, committing its open batch, and b resumes from there)
            a.app.start();
            Await.until(Duration.ofSeconds(60), () -> a.partitionsCommittedFrom(Map.of()).size() == PARTITIONS,
                    () -> "a alone committed partitions " + a.partitionsCommittedFrom(Map.of()) + ", a is "
                            + a.app.state());
            b.app.start();

            // 2. both members hold tasks: wait for the group to settle with two members, then give
            //    every partition new input and see who commits it
            Await.until(Duration.ofSeconds(60),
                    () -> splitBetweenTwoMembers(admin) && a.app.state() == AppState.RUNNING
                            && b.app.state() == AppState.RUNNING,
                    () -> "group " + describeGroup(admin) + "; a " + a.app.state() + ", b " + b.app.state());
            Map<Integer, Long> phase2Start = io.endOffsets(INPUT);
            io.produce(inputRecords(sequence, 500));
            Map<Integer, Long> phase2End = io.endOffsets(INPUT);
            Await.until(Duration.ofSeconds(60), () -> committedUpTo(phase2End, a, b),
                    () -> "committed so far: a " + a.committedEnds() + ", b " + b.committedEnds()
                            + ", wanted " + phase2End);
            Set<Integer> ofA = a.partitionsCommittedFrom(phase2Start);
            Set<Integer> ofB = b.partitionsCommittedFrom(phase2Start);
            System.out.println("while both ran: a committed partitions " + ofA + ", b " + ofB);
            assertThat(ofA).as("partitions a committed while both ran").isNotEmpty();
            assertThat(ofB).as("partitions b committed while both ran").isNotEmpty();
            assertThat(ofA).as("a and b own disjoint partitions (b: %s)", ofB).doesNotContainAnyElementsOf(ofB);
            assertThat(union(ofA, ofB)).containsExactlyInAnyOrderElementsOf(allPartitions());
            assertThat(ofA).as("a balanced split (b: %s)", ofB).hasSize(PARTITIONS / 2);

            // 3. input keeps arriving while b closes; a must take over every partition
            int beforeBackground = sequence.get();
            producer.scheduleAtFixedRate(() -> {
                try {
                    io.produce(inputRecords(sequence, 50));
                } catch (Throwable e) {
                    producerFailure.compareAndSet(null, e);
                    throw e;
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            Await.until(Duration.ofSeconds(30),
                    () -> sequence.get() >= beforeBackground + 2_000 || producerFailure.get() != null,
                    () -> "produced " + sequence.get() + ", producer failure " + producerFailure.get());
            int statesBeforeClose = a.states.size();
            assertThat(b.app.close(Duration.ofSeconds(30))).as("b closed in time").isTrue();
            assertThat(b.app.state()).isEqualTo(AppState.STOPPED);
            assertThat(b.app.failure()).isEmpty();
            Map<Integer, Long> atClose = io.endOffsets(INPUT);
            Await.until(Duration.ofSeconds(60),
                    () -> a.partitionsCommittedFrom(atClose).size() == PARTITIONS,
                    () -> "a committed after b closed: " + a.partitionsCommittedFrom(atClose)
                            + "; a's committed ends " + a.committedEnds() + ", input at close " + atClose);
            producer.shutdown();
            assertThat(producer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(producerFailure.get()).as("background producer failure").isNull();

            // 4. the survivor went RUNNING -> REBALANCING when b left, and is running again
            Await.until(Duration.ofSeconds(30), () -> a.app.state() == AppState.RUNNING,
                    () -> "a is " + a.app.state() + ", transitions " + a.states);
            List<AppState> afterClose = List.copyOf(a.states.subList(statesBeforeClose, a.states.size()));
            System.out.println("a's states: " + a.states + "; since b's close: " + afterClose);
            assertThat(a.states).as("a's state transitions")
                    .containsSubsequence(AppState.RUNNING, AppState.REBALANCING);
            assertThat(b.states).as("b's state transitions").containsSubsequence(
                    AppState.STARTING, AppState.RUNNING, AppState.STOPPED);
            assertThat(afterClose).as("a's transitions after b closed").containsSubsequence(
                    AppState.REBALANCING, AppState.RUNNING);

            // 5. every input record exactly once in the output
            Map<Integer, Long> finalEnd = io.endOffsets(INPUT);
            Await.until(Duration.ofSeconds(60), () -> committedUpTo(finalEnd, a),
                    () -> "a committed " + a.committedEnds() + ", input ends " + finalEnd);
            int produced = sequence.get();
            Map<String, Long> actual = CommittedOutput.read(kafka.bootstrapServers(), OUTPUT, Duration.ofSeconds(60));
            Map<String, Long> expected = new HashMap<>();
            for (int i = 0; i < produced; i++) {
                String value = transform(inputValue(i));
                if (keep(value)) {
                    expected.merge(value, 1L, Long::sum);
                }
            }
            System.out.printf("produced %d records, output %d (expected %d); a committed %d batches, b %d%n",
                    produced, actual.values().stream().mapToLong(Long::longValue).sum(), expected.size(),
                    a.batches.size(), b.batches.size());
            CommittedOutput.assertExactlyOnce(expected, actual, "a's batches " + a.batches.size()
                    + ", b's batches " + b.batches.size());
            assertThat(a.app.failure()).isEmpty();
        } finally {
            producer.shutdownNow();
            a.app.close(Duration.ofSeconds(30));
            b.app.close(Duration.ofSeconds(30));
        }
        assertThat(a.app.state()).isEqualTo(AppState.STOPPED);
    }

    /** One application instance and what its listeners saw. */
    private static final class Instance {
        final List<AppState> states = new CopyOnWriteArrayList<>();
        final List<BatchProgress> batches = new CopyOnWriteArrayList<>();
        final EddyApp app;

        Instance() {
            app = EddyApp.builder(APP_ID)
                    .bootstrapServers(kafka.bootstrapServers())
                    .guarantee(Guarantee.EXACTLY_ONCE)
                    .threads(1)
                    .addStateListener((from, to) -> states.add(to))
                    .addProgressListener(batches::add)
                    .pipeline(p -> p.kafka(INPUT, Consumed.with(Serdes.string(), Serdes.string()))
                            .mapValues(TwoInstancesTest::transform)
                            .filter((k, v) -> keep(v))
                            .toKafka(OUTPUT, Produced.with(Serdes.string(), Serdes.string())))
                    .build();
        }

        /** Partitions of which this instance committed an offset at or after {@code from}. */
        Set<Integer> partitionsCommittedFrom(Map<Integer, Long> from) {
            Set<Integer> partitions = new TreeSet<>();
            for (BatchProgress batch : batches) {
                batch.offsets().forEach((tp, range) -> {
                    if (range.last() >= from.getOrDefault(tp.partition(), 0L)) {
                        partitions.add(tp.partition());
                    }
                });
            }
            return partitions;
        }

        /** Per partition, the offset after the last record this instance committed. */
        Map<Integer, Long> committedEnds() {
            Map<Integer, Long> ends = new HashMap<>();
            for (BatchProgress batch : batches) {
                for (Map.Entry<TopicPartition, OffsetRange> e : batch.offsets().entrySet()) {
                    ends.merge(e.getKey().partition(), e.getValue().last() + 1, Math::max);
                }
            }
            return ends;
        }
    }

    /** Whether the instances together committed every partition up to {@code ends}. */
    private static boolean committedUpTo(Map<Integer, Long> ends, Instance... instances) {
        Map<Integer, Long> committed = new HashMap<>();
        for (Instance instance : instances) {
            instance.committedEnds().forEach((p, end) -> committed.merge(p, end, Math::max));
        }
        return ends.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /** Whether the group is stable with two members that each hold partitions, all of them together. */
    private static boolean splitBetweenTwoMembers(Admin admin) {
        ConsumerGroupDescription group = describeGroup(admin);
        if (group == null || group.groupState() != GroupState.STABLE || group.members().size() != 2) {
            return false;
        }
        Set<Integer> assigned = new TreeSet<>();
        for (MemberDescription member : group.members()) {
            Set<TopicPartition> partitions = member.assignment().topicPartitions();
            if (partitions.isEmpty()) {
                return false;
            }
            partitions.forEach(tp -> assigned.add(tp.partition()));
        }
        return assigned.size() == PARTITIONS;
    }

    private static ConsumerGroupDescription describeGroup(Admin admin) {
        try {
            return admin.describeConsumerGroups(List.of(APP_ID)).describedGroups().get(APP_ID)
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe group " + APP_ID, e);
        }
    }

    /** {@code perPartition} new records for every partition, numbered from {@code sequence}. */
    private static List<ProducerRecord<byte[], byte[]>> inputRecords(AtomicInteger sequence, int perPartition) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(perPartition * PARTITIONS);
        int first = sequence.getAndAdd(perPartition * PARTITIONS);
        for (int i = first; i < first + perPartition * PARTITIONS; i++) {
            records.add(new ProducerRecord<>(INPUT, i % PARTITIONS, utf8("key-" + i % 1_000), utf8(inputValue(i))));
        }
        return records;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String inputValue(int i) {
        return "in-" + i;
    }

    private static String transform(String value) {
        return "out-" + value.substring(3) + "-" + value.length();
    }

    /** Drops every record whose number is a multiple of 5. */
    private static boolean keep(String transformed) {
        String number = transformed.substring(4, transformed.lastIndexOf('-'));
        return Integer.parseInt(number) % 5 != 0;
    }

    private static Set<Integer> union(Collection<Integer> x, Collection<Integer> y) {
        Set<Integer> all = new TreeSet<>(x);
        all.addAll(y);
        return all;
    }

    private static List<Integer> allPartitions() {
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            all.add(p);
        }
        return all;
    }
}
