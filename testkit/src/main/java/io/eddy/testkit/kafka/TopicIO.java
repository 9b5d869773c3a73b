package io.eddy.testkit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records to topics and reads them back, the way a test checks what a pipeline did.
 *
 * <pre>{@code
 * TopicIO io = TopicIO.of(kafka);
 * io.produce("in", List.of(KeyValue.of("a", "1"), KeyValue.of("b", "2")));
 * List<TopicRecord> out = io.readCommitted("out", 2, Duration.ofSeconds(10));
 * assertThat(out).extracting(TopicRecord::valueString).containsExactlyInAnyOrder("1", "2");
 * }</pre>
 *
 * <p>Writes use a plain idempotent producer with {@code acks=all} and return once every record is
 * acknowledged. Reads use a {@code read_committed} consumer without a group: it assigns itself
 * every partition of the topic and starts from the beginning, so it sees exactly the committed
 * records a downstream consumer would, commits nothing and disturbs no group.
 *
 * <p>Each call opens and closes its own client (tens of milliseconds), so a {@code TopicIO} holds
 * no resources, needs no closing and is thread-safe. Calls block; each takes a deadline or has
 * bounded client timeouts (about 30 s for writes).
 */
public final class TopicIO {

    private static final Duration POLL = Duration.ofMillis(50);

    private final String bootstrapServers;
    private final Map<String, Object> clientSettings;

    private TopicIO(String bootstrapServers, Map<String, ?> clientSettings) {
        this.bootstrapServers = bootstrapServers;
        this.clientSettings = Map.copyOf(clientSettings);
    }

    /**
     * Reads and writes through {@code cluster}. The cluster may restart in between calls.
     *
     * @param cluster the cluster; not null
     * @return a new helper
     */
    public static TopicIO of(KafkaCluster cluster) {
        return of(Objects.requireNonNull(cluster, "cluster").bootstrapServers());
    }

    /**
     * Reads and writes through the brokers at {@code bootstrapServers}.
     *
     * @param bootstrapServers a {@code bootstrap.servers} value; not null
     * @return a new helper
     */
    public static TopicIO of(String bootstrapServers) {
        return of(bootstrapServers, Map.of());
    }

    /**
     * Reads and writes through the brokers at {@code bootstrapServers} with extra client settings,
     * such as the security settings of a secured cluster ({@code SecuredKafka.adminClientSettings()}).
     * The helper's own settings (serializers, isolation level, acks, client ids) win over them.
     *
     * @param bootstrapServers a {@code bootstrap.servers} value; not null
     * @param clientSettings settings given to every client; copied; not null, no null keys or values
     * @return a new helper
     */
    public static TopicIO of(String bootstrapServers, Map<String, ?> clientSettings) {
        return new TopicIO(Objects.requireNonNull(bootstrapServers, "bootstrapServers"),
                Objects.requireNonNull(clientSettings, "clientSettings"));
    }

    /**
     * Produces key-value pairs to {@code topic}, in order, letting the default partitioner choose
     * partitions (by key hash; records without key stick to one partition per batch), and returns
     * once all are acknowledged.
     *
     * @param topic an existing topic; not null
     * @param records the records; not null, no null elements; may be empty
     * @return where each record was written, in the order given
     * @throws IllegalStateException if a record is not acknowledged (for example the topic does not
     *     exist or the broker is down for more than about 30 s)
     */
    public List<RecordMetadata> produce(String topic, List<KeyValue> records) {
        Objects.requireNonNull(topic, "topic");
        List<ProducerRecord<byte[], byte[]>> converted = new ArrayList<>(records.size());
        for (KeyValue record : records) {
            converted.add(new ProducerRecord<>(topic, record.key(), record.value()));
        }
        return produce(converted);
    }

    /**
     * Produces Kafka producer records (with partitions, timestamps or headers if they have them), in
     * order, and returns once all are acknowledged.
     *
     * @param records the records, possibly to several topics; not null, no null elements
     * @return where each record was written, in the order given
     * @throws IllegalStateException if a record is not acknowledged
     */
    public List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) {
        Objects.requireNonNull(records, "records");
        List<RecordMetadata> written = new ArrayList<>(records.size());
        if (records.isEmpty()) {
            return written;
        }
        try (KafkaProducer<byte[], byte[]> producer = newProducer()) {
            List<Future<RecordMetadata>> pending = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> record : records) {
                pending.add(producer.send(Objects.requireNonNull(record, "record")));
            }
            producer.flush();
            for (int i = 0; i < pending.size(); i++) {
                try {
                    written.add(pending.get(i).get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "record " + i + " of " + records.size() + " to " + records.get(i).topic() + " failed",
                            e.getCause());
                }
            }
            return written;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("producing to " + bootstrapServers + " failed", e);
        }
    }

    /**
     * Reads committed records of {@code topic} from the beginning of every partition until at least
     * {@code expectedCount} have arrived, and returns all records read, which can be more than
     * expected (a test asserting an exact count sees the extras). Records of aborted or still-open
     * transactions are never returned. Order is kept within each partition, not across partitions.
     *
     * @param topic an existing topic; not null
     * @param expectedCount how many records to wait for; not negative (0 returns what the first poll
     *     brings)
     * @param deadline how long to wait at most; not null
     * @return the records read, in the order polled
     * @throws AssertionError if fewer than {@code expectedCount} arrive before the deadline; the
     *     message shows what did
     * @throws IllegalStateException if the topic does not exist
     */
    public List<TopicRecord> readCommitted(String topic, int expectedCount, Duration deadline) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(deadline, "deadline");
        if (expectedCount < 0) {
            throw new IllegalArgumentException("expectedCount must not be negative: " + expectedCount);
        }
        long limit = System.nanoTime() + deadline.toNanos();
        List<TopicRecord> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            assignFromBeginning(consumer, topic, deadline);
            do {
                poll(consumer, read);
            } while (read.size() < expectedCount && System.nanoTime() < limit);
        }
        if (read.size() < expectedCount) {
            throw new AssertionError(
                    "expected at least "
                            + expectedCount
                            + " committed records in "
                            + topic
                            + " within "
                            + deadline.toMillis()
                            + " ms, read "
                            + read.size()
                            + ": "
                            + abbreviate(read));
        }
        return read;
    }

    /**
     * Reads every committed record of {@code topic} up to the current last stable offset (LSO) of
     * each partition, taken when the call starts, and returns them. Records committed later may or
     * may not be included.
     *
     * @param topic an existing topic; not null
     * @param deadline how long to wait at most; not null
     * @return the records, in the order polled; empty for an empty topic
     * @throws AssertionError if the end is not reached before the deadline
     * @throws IllegalStateException if the topic does not exist
     */
    public List<TopicRecord> readCommittedToEnd(String topic, Duration deadline) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(deadline, "deadline");
        long limit = System.nanoTime() + deadline.toNanos();
        List<TopicRecord> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic, deadline);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, deadline);
            while (!reached(consumer, ends)) {
                if (System.nanoTime() >= limit) {
                    throw new AssertionError(
                            "did not reach the end offsets "
                                    + ends
                                    + " of "
                                    + topic
                                    + " within "
                                    + deadline.toMillis()
                                    + " ms, read "
                                    + read.size()
                                    + ": "
                                    + abbreviate(read));
                }
                poll(consumer, read);
            }
        }
        return read;
    }

    /**
     * The current end offset of each partition of {@code topic} as a {@code read_committed} consumer
     * sees it: the last stable offset, before any still-open transaction. For a topic without
     * transactions that is the high watermark, the offset the next record will get.
     *
     * @param topic an existing topic; not null
     * @return partition number to end offset, ordered by partition
     * @throws IllegalStateException if the topic does not exist
     */
    public Map<Integer, Long> endOffsets(String topic) {
        Objects.requireNonNull(topic, "topic");
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic, Duration.ofSeconds(30));
            // assigned first: a consumer asked for partitions it is not assigned warns for each one
            consumer.assign(partitions);
            Map<Integer, Long> ends = new TreeMap<>();
            consumer
                    .endOffsets(partitions, Duration.ofSeconds(30))
                    .forEach((tp, offset) -> ends.put(tp.partition(), offset));
            return ends;
        }
    }

    @Override
    public String toString() {
        return "TopicIO[" + bootstrapServers + "]";
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static void poll(KafkaConsumer<byte[], byte[]> consumer, List<TopicRecord> into) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
            List<Header> headers = new ArrayList<>();
            for (Header h : r.headers()) {
                headers.add(new RecordHeader(h.key(), h.value()));
            }
            into.add(
                    new TopicRecord(
                            r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers));
        }
    }

    private static List<TopicPartition> assignFromBeginning(
            KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        List<TopicPartition> partitions = partitions(consumer, topic, timeout);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        return infos.stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                .collect(Collectors.toList());
    }

    private static String abbreviate(List<TopicRecord> records) {
        int shown = Math.min(records.size(), 20);
        String head = records.subList(0, shown).toString();
        return shown == records.size() ? head : head + " and " + (records.size() - shown) + " more";
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        return new KafkaProducer<>(
                withClientSettings(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ProducerConfig.CLIENT_ID_CONFIG, "eddy-testkit-writer",
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        return new KafkaConsumer<>(
                withClientSettings(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.CLIENT_ID_CONFIG, "eddy-testkit-reader",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** {@code own} (the helper's settings, as a {@code Map.of} argument list) over the client settings. */
    private Map<String, Object> withClientSettings(Object... own) {
        Map<String, Object> all = new java.util.HashMap<>(clientSettings);
        for (int i = 0; i < own.length; i += 2) {
            all.put((String) own[i], own[i + 1]);
        }
        return all;
    }
}
