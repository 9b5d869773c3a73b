package io.eddy.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One in-process broker for the whole class; each test uses its own topics. */
class EmbeddedKafkaTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static EmbeddedKafka kafka;
    private static TopicIO io;

    @BeforeAll
    static void startBroker() {
        long start = System.nanoTime();
        kafka = EmbeddedKafka.start();
        System.out.printf("EmbeddedKafka start: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        io = TopicIO.of(kafka);
    }

    @AfterAll
    static void closeBroker() {
        if (kafka != null) {
            kafka.close();
            assertThat(kafka.dataDirectory()).doesNotExist();
        }
    }

    @Test
    void producedRecordsAreReadBackInOrderPerPartition() {
        kafka.createTopic("plain", 3);
        List<KeyValue> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(KeyValue.of("k" + (i % 7), "v" + i));
        }

        io.produce("plain", records);
        List<TopicRecord> read = io.readCommitted("plain", 100, DEADLINE);

        assertThat(read).hasSize(100);
        assertThat(read).extracting(TopicRecord::valueString)
                .containsExactlyInAnyOrderElementsOf(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
        for (int partition = 0; partition < 3; partition++) {
            int p = partition;
            assertThat(read.stream().filter(r -> r.partition() == p).mapToLong(TopicRecord::offset))
                    .isSorted();
        }
        assertThat(io.endOffsets("plain").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100);
    }

    @Test
    void headersPartitionsAndNullsRoundTrip() {
        kafka.createTopic("headers", 2);
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>("headers", 1, null, null, "no key".getBytes(StandardCharsets.UTF_8),
                        List.of(new RecordHeader("trace", new byte[] {1, 2})));

        io.produce(List.of(record, new ProducerRecord<>("headers", 0, "k".getBytes(StandardCharsets.UTF_8), null)));
        List<TopicRecord> read = io.readCommittedToEnd("headers", DEADLINE);

        assertThat(read).hasSize(2);
        TopicRecord withHeader = read.stream().filter(r -> r.partition() == 1).findFirst().orElseThrow();
        assertThat(withHeader.key()).isNull();
        assertThat(withHeader.lastHeader("trace")).containsExactly(1, 2);
        TopicRecord tombstone = read.stream().filter(r -> r.partition() == 0).findFirst().orElseThrow();
        assertThat(tombstone.keyString()).isEqualTo("k");
        assertThat(tombstone.value()).isNull();
    }

    @Test
    void onlyCommittedTransactionsAreVisibleToReadCommitted() {
        kafka.createTopic("tx", 1);
        try (KafkaProducer<String, String> producer = transactionalProducer("tx-test")) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("tx", "k", "committed-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "k", "aborted"));
            producer.flush();
            producer.abortTransaction();
        }

        List<TopicRecord> read = io.readCommittedToEnd("tx", DEADLINE);

        assertThat(read).extracting(TopicRecord::valueString)
                .containsExactly("committed-0", "committed-1", "committed-2");
        // 3 committed records, a commit marker, 1 aborted record, an abort marker.
        assertThat(io.endOffsets("tx")).isEqualTo(Map.of(0, 6L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void consumerGroupsReceiveRecordsAndCommitOffsets(String protocol) throws Exception {
        String topic = "group-" + protocol;
        String group = "g-" + protocol;
        kafka.createTopic(topic, 2);
        List<KeyValue> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(KeyValue.of("k" + i, "v" + i));
        }
        io.produce(topic, records);

        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = groupConsumer(group, protocol)) {
            consumer.subscribe(List.of(topic));
            Await.until(DEADLINE, () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                    received.add(r.value());
                }
                return received.size() >= 10;
            }, () -> "received " + received);
            consumer.commitSync();
        }

        assertThat(received).hasSize(10);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(10);
        }
    }

    @Test
    void topicConfigsAreApplied() throws Exception {
        kafka.createTopic("compacted", 1, Map.of("cleanup.policy", "compact"));

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "compacted");
            Config config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void creatingAnExistingTopicFails() {
        kafka.createTopic("twice", 1);

        assertThatThrownBy(() -> kafka.createTopic("twice", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void topicsAreNotCreatedAutomatically() {
        assertThatThrownBy(() -> io.endOffsets("never-created"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void readingFewerRecordsThanExpectedFailsWithWhatWasRead() {
        kafka.createTopic("short", 1);
        io.produce("short", List.of(KeyValue.of("a", "only")));

        assertThatThrownBy(() -> io.readCommitted("short", 2, Duration.ofMillis(500)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("read 1")
                .hasMessageContaining("a=only");
    }

    @Test
    void restartKeepsAddressTopicsRecordsAndGroupOffsets() throws Exception {
        kafka.createTopic("durable", 2);
        io.produce("durable", List.of(KeyValue.of("a", "1"), KeyValue.of("b", "2")));
        String address = kafka.bootstrapServers();
        try (KafkaConsumer<String, String> consumer = groupConsumer("durable-group", "consumer")) {
            consumer.subscribe(List.of("durable"));
            List<String> received = new ArrayList<>();
            Await.until(DEADLINE, () -> {
                consumer.poll(Duration.ofMillis(50)).forEach(r -> received.add(r.value()));
                return received.size() == 2;
            }, () -> "received " + received);
            consumer.commitSync();
        }

        long start = System.nanoTime();
        kafka.restart();
        System.out.printf("EmbeddedKafka restart: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

        assertThat(kafka.isRunning()).isTrue();
        assertThat(kafka.bootstrapServers()).isEqualTo(address);
        assertThat(io.readCommittedToEnd("durable", DEADLINE)).extracting(TopicRecord::valueString)
                .containsExactlyInAnyOrder("1", "2");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(admin.listConsumerGroupOffsets("durable-group").partitionsToOffsetAndMetadata().get()
                    .values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(2);
        }
    }

    @Test
    void aStoppedBrokerRefusesTopicCreationAndComesBackOnRestart() {
        kafka.stop();
        try {
            assertThat(kafka.isRunning()).isFalse();
            assertThatThrownBy(() -> kafka.createTopic("while-down", 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stopped");
        } finally {
            kafka.restart();
        }
        kafka.createTopic("after-stop", 1);
        assertThat(io.endOffsets("after-stop")).isEqualTo(Map.of(0, 0L));
    }

    @Test
    void builderRejectsReservedAndNullProperties() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().brokerProperty("listeners", "PLAINTEXT://:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners=PLAINTEXT://:9092");
        assertThatThrownBy(() -> EmbeddedKafka.builder().brokerProperty("log.retention.ms", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log.retention.ms");
    }

    private static KafkaProducer<String, String> transactionalProducer(String transactionalId) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000),
                new StringSerializer(),
                new StringSerializer());
    }

    private static KafkaConsumer<String, String> groupConsumer(String group, String protocol) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, group,
                        ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(),
                new StringDeserializer());
    }
}
