package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.kafka.TopicRecord;
import io.eddy.testkit.process.ChildJvm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The low-latency trigger on a real broker: records are forwarded one at a time, before any offset
 * commit, each count update is emitted on its own, and a process killed at random points loses
 * nothing when restarted (at-least-once; duplicates are counted and printed). No duration is
 * asserted: the round-trip latency of single records is printed for the record.
 */
class LowLatencyTest extends BrokerTest {

    @TempDir
    Path tmp;

    @Test
    void outputLeavesRecordByRecordBeforeAnyOffsetCommit() throws Exception {
        kafka.createTopic("ll-in", 2);
        kafka.createTopic("ll-copy", 2);
        kafka.createTopic("ll-counts", 2);
        // an offset commit interval of an hour: whatever reaches the output did not wait for a commit
        EddyApp app = EddyApp.builder("ll-app")
                .bootstrapServers(kafka.bootstrapServers())
                .guarantee(Guarantee.AT_LEAST_ONCE)
                .trigger(Trigger.lowLatency(Duration.ofHours(1)))
                .stateDir(tmp.resolve("state"))
                .pipeline(p -> {
                    RecordStream<String, String> in = p.kafka("ll-in", Consumed.with(Serdes.string(), Serdes.string()));
                    in.mapValues(v -> v.toUpperCase(Locale.ROOT))
                            .toKafka("ll-copy", Produced.with(Serdes.string(), Serdes.string()));
                    in.groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                            .count(Named.as("counts"))
                            .toStream()
                            .toKafka("ll-counts", Produced.with(Serdes.string(), Serdes.longs()));
                })
                .build();
        app.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             KafkaConsumer<byte[], byte[]> out = consumer("ll-copy")) {
            // single records, one round trip each: produce, then wait for its copy
            long[] roundTrips = new long[100];
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (int i = 0; i < roundTrips.length; i++) {
                    long start = System.nanoTime();
                    producer.send(new ProducerRecord<>("ll-in", bytes("single-" + i), bytes("v" + i))).get();
                    String expected = "V" + i;
                    List<String> seen = new ArrayList<>();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!seen.contains(expected) && System.nanoTime() < deadline) {
                        // poll returns as soon as the copy arrives: the round trip is not rounded up to a check interval
                        for (ConsumerRecord<byte[], byte[]> r : out.poll(Duration.ofMillis(100))) {
                            seen.add(new String(r.value(), StandardCharsets.UTF_8));
                        }
                    }
                    assertThat(seen).as("record %s never reached ll-copy", expected).contains(expected);
                    roundTrips[i] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
                }
            }
            Arrays.sort(roundTrips);
            System.out.printf("LowLatencyTest: single-record round trip (produce acked -> copy read) "
                    + "p50 %.1f ms, p99 %.1f ms, max %.1f ms (informational)%n", roundTrips[49] / 1000.0,
                    roundTrips[98] / 1000.0, roundTrips[99] / 1000.0);

            // a burst of 200 records of one key: every count update is emitted, none collapsed into another
            List<KeyValue> burst = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                burst.add(KeyValue.of("hot", "h" + i));
            }
            io.produce("ll-in", burst);
            Await.until(Duration.ofSeconds(60), () -> countUpdates("ll-counts").getOrDefault("hot", List.of()).size() >= 200,
                    () -> "updates of 'hot': " + countUpdates("ll-counts").getOrDefault("hot", List.of()).size());
            List<Long> hot = countUpdates("ll-counts").get("hot");
            List<Long> oneToTwoHundred = new ArrayList<>();
            for (long n = 1; n <= 200; n++) {
                oneToTwoHundred.add(n);
            }
            assertThat(hot).as("every update of the count, in order").isEqualTo(oneToTwoHundred);
            assertThat(GroupOffsets.committed(admin, "ll-app", "ll-in"))
                    .as("no offset commit yet: the output did not wait for one").isZero();

            app.close();
            // closing commits what was processed, synchronously
            assertThat(GroupOffsets.committed(admin, "ll-app", "ll-in")).isEqualTo(roundTrips.length + 200);
        } finally {
            app.close();
        }
    }

    private static final int CRASH_RECORDS = 60_000;
    private static final int CRASH_KEYS = 500;
    private static final int KILLS = 3;

    @Test
    void killedAndRestartedLosesNothing() throws Exception {
        long seed = Long.getLong("eddy.crash.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay with -Deddy.crash.seed=" + seed + ")";
        System.out.println("LowLatencyTest: " + replay);
        Random random = new Random(seed);
        Path childLog = Path.of("target", "LowLatencyTest-child.log").toAbsolutePath();
        Files.deleteIfExists(childLog);
        Path stateDir = tmp.resolve("crash-state");
        kafka.createTopic("llc-in", 4);
        kafka.createTopic("llc-copy", 4);
        kafka.createTopic("llc-counts", 4);
        int chunk = CRASH_RECORDS / (KILLS + 1);
        int produced = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            for (int run = 0; run <= KILLS; run++) {
                try (ChildJvm child = ChildJvm.builder(LowLatencyCrashMain.class)
                        .jvmOption("-Xmx256m")
                        .jvmOption("-XX:+UseSerialGC")
                        .logFile(childLog)
                        .args(kafka.bootstrapServers(), "llc-in", "llc-copy", "llc-counts", "llc-app",
                                stateDir.toString(), "200", "llc-instance")
                        .start()) {
                    child.awaitLogLine(LowLatencyCrashMain.READY, Duration.ofSeconds(60));
                    // the input arrives while the child runs, in small produce calls, so that the kill
                    // falls in the middle of the stream, between two offset commits
                    int killAfter = run == KILLS ? Integer.MAX_VALUE : random.nextInt(chunk);
                    int from = produced;
                    for (int i = from; i < from + chunk; i += 250) {
                        List<KeyValue> records = new ArrayList<>();
                        for (int j = i; j < Math.min(from + chunk, i + 250); j++) {
                            records.add(KeyValue.of("key-" + (j % CRASH_KEYS), "r" + j));
                        }
                        io.produce("llc-in", records);
                        produced += records.size();
                        if (produced - from >= killAfter) {
                            break;
                        }
                    }
                    int end = produced;
                    if (run == KILLS) {
                        int all = CRASH_RECORDS;
                        // the last run also reads what the earlier runs' kills left unproduced
                        while (produced < all) {
                            List<KeyValue> records = new ArrayList<>();
                            for (int j = produced; j < Math.min(all, produced + 250); j++) {
                                records.add(KeyValue.of("key-" + (j % CRASH_KEYS), "r" + j));
                            }
                            io.produce("llc-in", records);
                            produced += records.size();
                        }
                        Await.until(Duration.ofSeconds(120), () -> committed(admin) >= all,
                                () -> "last run: committed input " + committed(admin) + " of " + all + "; " + replay);
                        break;
                    }
                    long before = committed(admin);
                    assertThat(child.isAlive()).as("run %d exited by itself; %s; log %s", run, replay, childLog).isTrue();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(100)));
                    child.kill();
                    System.out.printf("run %d: killed after producing %d; committed input %d of %d%n", run, end - from,
                            before, produced);
                }
            }
        }
        // nothing lost: every input value's copy is there; duplicates are allowed (at-least-once)
        List<TopicRecord> copies = io.readCommittedToEnd("llc-copy", Duration.ofSeconds(60));
        Set<String> distinct = new HashSet<>();
        copies.forEach(r -> distinct.add(r.valueString()));
        Set<String> missing = new HashSet<>();
        for (int i = 0; i < CRASH_RECORDS; i++) {
            if (!distinct.contains("R" + i)) {
                missing.add("R" + i);
            }
        }
        assertThat(missing).as("input records whose output is missing; %s", replay).isEmpty();
        assertThat(distinct).hasSize(CRASH_RECORDS);
        // each key's last count is at least its true count: the replayed records may be counted twice
        Map<String, List<Long>> updates = countUpdates("llc-counts");
        long overcounted = 0;
        for (int k = 0; k < CRASH_KEYS; k++) {
            String key = "key-" + k;
            List<Long> values = updates.getOrDefault(key, List.of());
            long expected = CRASH_RECORDS / CRASH_KEYS;
            assertThat(values).as("updates of %s; %s", key, replay).isNotEmpty();
            long last = values.get(values.size() - 1);
            assertThat(last).as("last count of %s; %s", key, replay).isGreaterThanOrEqualTo(expected);
            overcounted += last - expected;
        }
        System.out.printf("LowLatencyTest: %d kills; %d copies of %d input records (%d duplicates); counts "
                + "over by %d in total%n", KILLS, copies.size(), CRASH_RECORDS, copies.size() - CRASH_RECORDS,
                overcounted);
    }

    private static long committed(Admin admin) {
        return GroupOffsets.committed(admin, "llc-app", "llc-in");
    }

    private static Map<String, List<Long>> countUpdates(String topic) {
        Map<String, List<Long>> updates = new HashMap<>();
        for (TopicRecord r : io.readCommittedToEnd(topic, Duration.ofSeconds(30))) {
            updates.computeIfAbsent(r.keyString(), k -> new ArrayList<>()).add(ByteBuffer.wrap(r.value()).getLong());
        }
        return updates;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c;
    }
}
