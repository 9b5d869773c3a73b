package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.TopicCheckException;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.kafka.ClientRole;
import io.eddy.kafka.KafkaClientFactory;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repartition topics are purged: a count through a repartition topic, fed at the pace the
 * application keeps up with, while a sampler reads the repartition topic's earliest and latest
 * offsets ({@code Admin.listOffsets}). The topic's log start offsets advance while records flow,
 * the records it holds stay bounded (a fraction of what went through), the purge's admin client
 * comes from the application's client factory, and the counts read back with read_committed are
 * exact. The long run ({@code -Deddy.purge.long=true}) sends millions of records through and
 * prints the figures:
 * {@code mvn -o -pl integration-tests surefire:test@default-test -Dtest=RepartitionPurgeTest -Deddy.purge.long=true}.
 *
 * <p>Also: an existing repartition topic created with other settings (compacted, or with a time
 * or size retention, such as the broker's default 7 days) is refused at start with a message
 * naming the topic, the setting, its value and the command that fixes it.
 */
class RepartitionPurgeTest extends BrokerTest {
    private static final int PARTITIONS = 4;
    private static final int ITEMS = 1_000;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** The feed waits while the application is more than this many records behind. */
    private static final int MAX_LAG = 10_000;
    private static final int CHUNK = 5_000;

    private static Admin admin;

    @TempDir
    Path tmp;

    @BeforeAll
    static void openAdmin() {
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private static String item(long i) {
        return "item-" + (i * 7919 % ITEMS);
    }

    private static Map<String, Long> expected(long records) {
        Map<String, Long> counts = new HashMap<>();
        for (long i = 0; i < records; i++) {
            counts.merge(item(i), 1L, Long::sum);
        }
        return counts;
    }

    /** Creates the admin clients through the default factory and remembers their client ids. */
    static final class AdminRecordingFactory implements KafkaClientFactory {
        final Set<String> adminClientIds = ConcurrentHashMap.newKeySet();
        private final KafkaClientFactory delegate = KafkaClientFactory.defaultFactory();

        @Override
        public Consumer<byte[], byte[]> consumer(ClientRole role, Map<String, Object> config) {
            return delegate.consumer(role, config);
        }

        @Override
        public Producer<byte[], byte[]> producer(ClientRole role, Map<String, Object> config) {
            return delegate.producer(role, config);
        }

        @Override
        public Admin admin(ClientRole role, Map<String, Object> config) {
            adminClientIds.add(role + ":" + config.get("client.id"));
            return delegate.admin(role, config);
        }
    }

    private EddyApp.Builder app(String id, Duration purgeInterval, KafkaClientFactory factory) {
        return EddyApp.builder(id)
                .bootstrapServers(kafka.bootstrapServers())
                .threads(2)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .repartitionPurgeInterval(purgeInterval)
                .stateDir(tmp.resolve(id))
                .clientFactory(factory)
                .pipeline(p -> p.kafka(id + "-in", Consumed.with(Serdes.string(), Serdes.string()))
                        .groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-item"))
                        .count(Named.as("counts"))
                        .toStream()
                        .toKafka(id + "-out", Produced.with(Serdes.string(), Serdes.longs())));
    }

    private static List<TopicPartition> partitions(String topic) {
        return java.util.stream.IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    private static Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        try {
            Map<TopicPartition, ListOffsetsResultInfo> info = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new java.util.TreeMap<>(
                    java.util.Comparator.comparingInt(TopicPartition::partition));
            info.forEach((tp, i) -> offsets.put(tp, i.offset()));
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException("listOffsets " + partitions + ": " + e, e);
        }
    }

    private static Map<TopicPartition, Long> committedOffsets(String group, List<TopicPartition> partitions) {
        try {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> all =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new java.util.TreeMap<>(
                    java.util.Comparator.comparingInt(TopicPartition::partition));
            partitions.forEach(tp -> offsets.put(tp, all.containsKey(tp) ? all.get(tp).offset() : -1L));
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException("listConsumerGroupOffsets " + group + ": " + e, e);
        }
    }

    /** What the sampler saw of the repartition topic. */
    static final class Samples {
        final AtomicLong count = new AtomicLong();
        final AtomicLong maxRetained = new AtomicLong();
        final AtomicReference<Map<TopicPartition, Long>> lastEarliest = new AtomicReference<>(Map.of());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
    }

    @Test
    void theRepartitionTopicStaysBoundedWhileRecordsFlowAndTheOutputIsExact() throws Exception {
        runThroughARepartition("rp-short", 300_000, Duration.ofMillis(100));
    }

    @Test
    @EnabledIfSystemProperty(named = "eddy.purge.long", matches = "true")
    void longRunMillionsOfRecordsThroughTheRepartitionTopic() throws Exception {
        runThroughARepartition("rp-long", Long.getLong("eddy.purge.records", 3_000_000L), Duration.ofMillis(500));
    }

    private void runThroughARepartition(String id, long records, Duration purgeInterval) throws Exception {
        kafka.createTopic(id + "-in", PARTITIONS);
        kafka.createTopic(id + "-out", PARTITIONS);
        String repartition = id + "-by-item-repartition";
        List<TopicPartition> repartitionPartitions = partitions(repartition);
        AdminRecordingFactory factory = new AdminRecordingFactory();
        EddyApp app = app(id, purgeInterval, factory).build();
        Samples samples = new Samples();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        Map<TopicPartition, Long> earliestWhileFeeding;
        try {
            app.start();
            // the topic exists once start() returns: sample it from now on
            sampler.scheduleWithFixedDelay(() -> {
                try {
                    Map<TopicPartition, Long> earliest = offsets(repartitionPartitions, OffsetSpec.earliest());
                    Map<TopicPartition, Long> latest = offsets(repartitionPartitions, OffsetSpec.latest());
                    long retained = 0;
                    for (TopicPartition tp : repartitionPartitions) {
                        retained += latest.get(tp) - earliest.get(tp);
                    }
                    samples.maxRetained.accumulateAndGet(retained, Math::max);
                    samples.lastEarliest.set(earliest);
                    samples.count.incrementAndGet();
                } catch (RuntimeException e) {
                    samples.failure.compareAndSet(null, e);
                }
            }, 0, 50, TimeUnit.MILLISECONDS);

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    "bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5, "acks", "all"),
                    new StringSerializer(), new StringSerializer())) {
                for (long sent = 0; sent < records; ) {
                    long end = Math.min(records, sent + CHUNK);
                    for (long i = sent; i < end; i++) {
                        producer.send(new ProducerRecord<>(id + "-in", "key-" + i, item(i)));
                    }
                    producer.flush();
                    sent = end;
                    // every input record is processed twice: from the input, then from the repartition topic
                    long target = 2 * sent - MAX_LAG;
                    Await.until(DEADLINE, () -> app.metrics().processedRecords() >= target
                                    || app.state() == AppState.ERROR,
                            () -> "processed " + app.metrics().processedRecords() + " of " + target);
                    assertThat(app.failure()).isEmpty();
                }
            }
            earliestWhileFeeding = samples.lastEarliest.get();
            Await.until(DEADLINE, () -> app.metrics().processedRecords() >= 2 * records,
                    () -> "processed " + app.metrics().processedRecords() + " of " + 2 * records);

            // once the flow stops, the last committed offsets are purged too: every repartition
            // partition then starts at the group's committed offset
            AtomicReference<String> tail = new AtomicReference<>();
            Await.until(Duration.ofSeconds(30), () -> {
                Map<TopicPartition, Long> committed = committedOffsets(id, repartitionPartitions);
                Map<TopicPartition, Long> earliest = offsets(repartitionPartitions, OffsetSpec.earliest());
                Map<TopicPartition, Long> latest = offsets(repartitionPartitions, OffsetSpec.latest());
                tail.set("committed " + committed + ", earliest " + earliest + ", latest " + latest);
                return earliest.equals(committed);
            }, () -> "the consumed tail of " + repartition + " was not purged: " + tail.get());
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(30, TimeUnit.SECONDS);
            app.close(Duration.ofSeconds(30));
        }
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        Map<TopicPartition, Long> latest = offsets(repartitionPartitions, OffsetSpec.latest());
        Map<TopicPartition, Long> earliest = offsets(repartitionPartitions, OffsetSpec.earliest());
        System.out.printf("REPARTITION-PURGE records=%,d through %s in %d s, purge every %d ms: samples=%d "
                        + "maxRetained=%,d (%.1f%% of the records) logStartWhileFeeding=%s logStart=%s end=%s%n",
                records, repartition, seconds, purgeInterval.toMillis(), samples.count.get(),
                samples.maxRetained.get(), 100.0 * samples.maxRetained.get() / records, earliestWhileFeeding,
                earliest, latest);

        assertThat(samples.failure.get()).as("the sampler's listOffsets").isNull();
        assertThat(app.failure()).isEmpty();
        CommittedOutput.assertCountUpdates(expected(records),
                CommittedOutput.readCountUpdates(kafka.bootstrapServers(), id + "-out", DEADLINE), id);
        long throughTheTopic = latest.values().stream().mapToLong(Long::longValue).sum();
        assertThat(throughTheTopic).as("offsets written to %s (records and commit markers)", repartition)
                .isGreaterThanOrEqualTo(records);
        assertThat(earliestWhileFeeding).as("log start offsets of %s before the last records were sent", repartition)
                .hasSize(PARTITIONS).allSatisfy((tp, offset) -> assertThat(offset).as("%s", tp).isPositive());
        assertThat(samples.maxRetained.get())
                .as("most records %s held at once, of %,d that went through", repartition, records)
                .isLessThan(records / 4);
        assertThat(factory.adminClientIds).as("admin clients asked of the factory")
                .contains("ADMIN:" + id + "-0-purge", "ADMIN:" + id + "-1-purge");
    }

    // ---- existing repartition topics created with other settings

    private void assertRefused(String id, Map<String, String> topicConfigs, TopicCheckException.Problem problem,
                               String... inMessage) {
        kafka.createTopic(id + "-in", PARTITIONS);
        String repartition = id + "-by-item-repartition";
        kafka.createTopic(repartition, PARTITIONS, topicConfigs);
        EddyApp app = app(id, Duration.ofSeconds(30), KafkaClientFactory.defaultFactory()).build();
        try {
            assertThatThrownBy(app::start).isInstanceOfSatisfying(TopicCheckException.class, e -> {
                assertThat(e.problem()).isEqualTo(problem);
                assertThat(e.topics()).containsExactly(repartition);
                assertThat(e.getMessage()).contains(repartition).contains(inMessage)
                        .contains("kafka-configs.sh --bootstrap-server <servers> --alter --entity-type topics "
                                + "--entity-name " + repartition);
            });
            assertThat(app.state()).isEqualTo(AppState.ERROR);
        } finally {
            app.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void aCompactedRepartitionTopicIsRefusedNamingTheFix() {
        assertRefused("rp-compact", Map.of("cleanup.policy", "compact"), TopicCheckException.Problem.WRONG_CLEANUP_POLICY,
                "cleanup.policy=compact", "--add-config cleanup.policy=delete,retention.ms=-1,retention.bytes=-1");
    }

    @Test
    void aRepartitionTopicWithTheBrokersDefaultTimeRetentionIsRefusedNamingTheFix() {
        // as created by hand, or by a tool, without settings: the broker's default of 7 days applies
        assertRefused("rp-default", Map.of(), TopicCheckException.Problem.WRONG_RETENTION,
                "retention.ms=604800000", "needs -1", "--add-config retention.ms=-1");
    }

    @Test
    void aRepartitionTopicWithAFiniteTimeOrSizeRetentionIsRefusedNamingTheFix() {
        assertRefused("rp-hour", Map.of("retention.ms", "3600000"), TopicCheckException.Problem.WRONG_RETENTION,
                "retention.ms=3600000", "--add-config retention.ms=-1");
        assertRefused("rp-size", Map.of("retention.ms", "-1", "retention.bytes", "1073741824"),
                TopicCheckException.Problem.WRONG_RETENTION, "retention.bytes=1073741824",
                "--add-config retention.bytes=-1");
    }
}
