package io.eddy.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the harness asks the broker: end offsets, a group's committed offsets, how many committed
 * records a topic holds, the final counts a count workload wrote, every committed record of a
 * topic; and topic deletion. One admin client for the whole harness run. Not thread-safe.
 */
final class BrokerProbe implements AutoCloseable {
    private final String bootstrapServers;
    private final Admin admin;

    BrokerProbe(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "bench-harness-admin"));
    }

    /** The bytes of {@code topic}'s logs on every broker (all replicas), as the brokers report them. */
    long logBytes(String topic) {
        java.util.Collection<Integer> brokers = get(admin.describeCluster().nodes(), "the brokers").stream()
                .map(org.apache.kafka.common.Node::id).toList();
        long bytes = 0;
        for (Map<String, org.apache.kafka.clients.admin.LogDirDescription> dirs
                : get(admin.describeLogDirs(brokers).allDescriptions(), "the log dirs").values()) {
            for (org.apache.kafka.clients.admin.LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, org.apache.kafka.clients.admin.ReplicaInfo> e : dir.replicaInfos().entrySet()) {
                    if (e.getKey().topic().equals(topic)) {
                        bytes += e.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    /** The log end offset of every partition of {@code topic}. */
    Map<TopicPartition, Long> endOffsets(String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer =
                get(admin.listOffsets(request).all(), "end offsets of " + topic);
        Map<TopicPartition, Long> ends = new HashMap<>();
        answer.forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /**
     * Whether {@code group} has committed, for every partition in {@code ends}, an offset at least
     * the one given. Offsets of open transactions are not visible here: this turns true once the
     * transaction holding the last input offsets has committed.
     */
    boolean committedReached(String group, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, OffsetAndMetadata> committed = get(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "offsets of group " + group);
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            OffsetAndMetadata om = committed.get(e.getKey());
            if (om == null || om.offset() < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads {@code topic} from the beginning with a {@code read_committed} consumer outside any
     * group until it has seen {@code expected} records and reached the end of every partition, or
     * the deadline passes.
     *
     * @return the records seen; more than {@code expected} means duplicates, fewer means loss
     */
    long countCommitted(String topic, int partitions, long expected, Duration deadline) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        long count = 0;
        long until = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = verifier()) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (System.nanoTime() < until) {
                count += consumer.poll(Duration.ofMillis(200)).count();
                if (count >= expected) {
                    Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
                    boolean atEnd = true;
                    for (TopicPartition tp : tps) {
                        atEnd &= consumer.position(tp) >= ends.get(tp);
                    }
                    if (atEnd) {
                        break;
                    }
                }
            }
        }
        return count;
    }

    /**
     * What a count workload's output ends with.
     *
     * @param records output records read
     * @param lastCounts per key index, the last count written (0 for a key never written)
     * @param unknownKeys records whose key is not a benchmark key, or whose value is not 8 bytes
     */
    record FinalCounts(long records, long[] lastCounts, long unknownKeys) {
    }

    /**
     * Reads all of {@code topic} with a {@code read_committed} consumer outside any group and
     * keeps the last value of each key: a count by key's final counts. Values are 8-byte
     * big-endian longs; keys are {@link Workload#keyBytes}. Keys of one key stay in one partition,
     * so the last value read is the last written.
     *
     * @throws IllegalStateException if the end is not reached within {@code deadline}
     */
    FinalCounts finalCounts(String topic, int partitions, int keys, Duration deadline) {
        long[] last = new long[keys];
        long[] unknown = {0};
        long records = readAll(topic, partitions, (key, value) -> {
            int k = Workload.keyIndex(key);
            if (k < 0 || k >= keys || value == null || value.length != Long.BYTES) {
                unknown[0]++;
            } else {
                last[k] = ByteBuffer.wrap(value).getLong();
            }
        }, deadline);
        return new FinalCounts(records, last, unknown[0]);
    }

    /**
     * Reads all of {@code topic} with a {@code read_committed} consumer outside any group, from the
     * beginning to the end offsets it finds when it starts, and hands every record's key and value
     * to {@code each}, partition by partition in offset order.
     *
     * @return the records read
     * @throws IllegalStateException if the end is not reached within {@code deadline}
     */
    long readAll(String topic, int partitions, BiConsumer<byte[], byte[]> each, Duration deadline) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        long records = 0;
        long until = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = verifier()) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (true) {
                boolean atEnd = true;
                for (TopicPartition tp : tps) {
                    atEnd &= consumer.position(tp) >= ends.get(tp);
                }
                if (atEnd) {
                    return records;
                }
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("reading " + topic + " did not reach its end within "
                            + deadline.toSeconds() + " s (" + records + " records read)");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    each.accept(r.key(), r.value());
                }
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> verifier() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-harness-verifier",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /**
     * Deletes every topic whose name starts with {@code prefix} (a run's internal topics: changelogs,
     * Eddy's store registry) and waits for the broker to accept the deletion.
     *
     * @return the topics deleted
     */
    List<String> deleteTopicsWithPrefix(String prefix) {
        Set<String> names = get(admin.listTopics().names(), "list topics");
        List<String> mine = names.stream().filter(n -> n.startsWith(prefix)).sorted().toList();
        if (!mine.isEmpty()) {
            get(admin.deleteTopics(mine).all(), "deleting topics " + mine);
        }
        return mine;
    }

    /** Deletes {@code topic} and waits for the broker to accept the deletion. */
    void deleteTopic(String topic) {
        get(admin.deleteTopics(List.of(topic)).all(), "deleting topic " + topic);
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " took longer than 30 s", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
