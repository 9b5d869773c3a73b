package io.eddy.it.badinput;

import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the tests of this package read back from the broker: committed output, end offsets and
 * what a consumer group has committed.
 *
 * <p>A transactional producer's {@code commitTransaction()} returns once the coordinator has logged
 * the commit; the markers reach the partitions a little later, and until then a {@code
 * read_committed} reader's end (the last stable offset) stops before the transaction. {@link
 * #readCommitted} therefore first waits until no partition has an open transaction. Every call
 * opens and closes its own clients. Thread-safe.
 */
final class Topics {

    private Topics() {
    }

    /**
     * Every committed record of {@code topic}, read after no transaction is open on any of its
     * partitions (last stable offset equal to the high watermark).
     *
     * @throws AssertionError if a transaction stays open or the end is not reached within {@code deadline}
     */
    static List<TopicRecord> readCommitted(String bootstrapServers, String topic, Duration deadline) {
        TopicIO io = TopicIO.of(bootstrapServers);
        Await.until(deadline, () -> io.endOffsets(topic).equals(highWatermarks(bootstrapServers, topic)),
                () -> topic + ": last stable offsets " + io.endOffsets(topic) + ", high watermarks "
                        + highWatermarks(bootstrapServers, topic));
        return io.readCommittedToEnd(topic, deadline);
    }

    /** Partition to high watermark: every offset written, committed, aborted or still open. */
    static Map<Integer, Long> highWatermarks(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "eddy-it-high-watermarks",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);   // a consumer asked for partitions it is not assigned warns for each
            Map<Integer, Long> ends = new TreeMap<>();
            consumer.endOffsets(partitions, Duration.ofSeconds(10))
                    .forEach((tp, offset) -> ends.put(tp.partition(), offset));
            return ends;
        }
    }

    /**
     * Partition of {@code topic} to the offset {@code group} has committed for it; partitions
     * without a committed offset are absent.
     */
    static Map<Integer, Long> committedOffsets(String bootstrapServers, String group, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<Integer, Long> byPartition = new TreeMap<>();
            offsets.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    byPartition.put(tp.partition(), om.offset());
                }
            });
            return byPartition;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets committed by " + group + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * How many records of {@code topic} {@code group} has not committed yet: the sum over its
     * partitions of the high watermark minus the committed offset (0 when none is committed).
     * For an input written without transactions that is the consumer lag.
     */
    static long lag(String bootstrapServers, String group, String topic) {
        Map<Integer, Long> committed = committedOffsets(bootstrapServers, group, topic);
        long lag = 0;
        for (Map.Entry<Integer, Long> end : highWatermarks(bootstrapServers, topic).entrySet()) {
            lag += end.getValue() - committed.getOrDefault(end.getKey(), 0L);
        }
        return lag;
    }

    /** The sum of {@code offsets}' values. */
    static long sum(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
