package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a transactional output topic for an exactly-once check and compares it with the expected
 * multiset of values.
 *
 * <p>A producer's {@code commitTransaction()} returns once the transaction coordinator has logged
 * the commit; the commit markers reach the output partitions a little later, and until then a
 * {@code read_committed} reader's end offset (the last stable offset) stops before the
 * transaction. A check that reads right after the application reported its last commit can
 * therefore miss the last transaction's records. {@link #read} first waits until no partition of
 * the topic has an open transaction (last stable offset equal to the high watermark), which holds
 * once the application is idle or gone.
 */
final class CommittedOutput {

    private CommittedOutput() {
    }

    /**
     * Waits until no transaction is open on any partition of {@code topic}, then reads every
     * committed record and counts the values.
     *
     * @return value to number of occurrences
     */
    static Map<String, Long> read(String bootstrapServers, String topic, Duration deadline) {
        return readRecords(bootstrapServers, topic, deadline).stream()
                .collect(Collectors.groupingBy(TopicRecord::valueString, HashMap::new, Collectors.counting()));
    }

    /**
     * The updates of a count: per key, the committed values in offset order, after waiting until
     * no transaction is open on {@code topic}. Values are 8-byte longs.
     */
    static Map<String, List<Long>> readCountUpdates(String bootstrapServers, String topic, Duration deadline) {
        Map<String, List<Long>> updates = new HashMap<>();
        for (TopicRecord r : readRecords(bootstrapServers, topic, deadline)) {
            updates.computeIfAbsent(r.keyString(), k -> new ArrayList<>())
                    .add(java.nio.ByteBuffer.wrap(r.value()).getLong());
        }
        return updates;
    }

    /**
     * Checks a count's updates: per key, strictly increasing (a batch applied twice, or an
     * update emitted twice, would repeat or go back) and ending at the expected count.
     */
    static void assertCountUpdates(Map<String, Long> expected, Map<String, List<Long>> updates, String context) {
        Map<String, Long> last = new HashMap<>();
        updates.forEach((k, values) -> {
            for (int i = 1; i < values.size(); i++) {
                if (values.get(i) <= values.get(i - 1)) {
                    throw new AssertionError("key " + k + ": update " + values.get(i) + " after " + values.get(i - 1)
                            + " (a duplicated or replayed update); " + context);
                }
            }
            last.put(k, values.get(values.size() - 1));
        });
        if (!last.equals(expected)) {
            throw new AssertionError("final counts differ from the true counts: " + describeCountDifference(expected, last)
                    + "; " + context);
        }
    }

    private static String describeCountDifference(Map<String, Long> expected, Map<String, Long> actual) {
        List<String> diffs = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
                diffs.add(k + ": expected " + expected.get(k) + ", got " + actual.get(k));
            }
        }
        return diffs.size() + " keys differ, e.g. " + diffs.stream().limit(10).toList();
    }

    static List<TopicRecord> readRecords(String bootstrapServers, String topic, Duration deadline) {
        long start = System.nanoTime();
        AtomicReference<Map<TopicPartition, Long>> stable = new AtomicReference<>();
        AtomicReference<Map<TopicPartition, Long>> high = new AtomicReference<>();
        AtomicInteger checks = new AtomicInteger();
        Await.until(deadline, () -> {
            checks.incrementAndGet();
            stable.set(endOffsets(bootstrapServers, topic, "read_committed"));
            high.set(endOffsets(bootstrapServers, topic, "read_uncommitted"));
            return stable.get().equals(high.get());
        }, () -> topic + " still has open transactions: last stable offsets " + stable.get()
                + ", high watermarks " + high.get());
        if (checks.get() > 1) {
            System.out.printf("%s: waited %d ms for open transactions to end%n",
                    topic, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        return TopicIO.of(bootstrapServers).readCommittedToEnd(topic, deadline);
    }

    /**
     * Asserts that {@code actual} equals {@code expected}; on failure the message counts and lists
     * (the first ten of) the missing, duplicated and unexpected values instead of printing both maps.
     */
    static void assertExactlyOnce(Map<String, Long> expected, Map<String, Long> actual, String context) {
        assertThat(actual.equals(expected)).as(() -> describeDifference(expected, actual) + "; " + context).isTrue();
    }

    /** Missing, duplicated and unexpected values of {@code actual} compared with {@code expected}. */
    static String describeDifference(Map<String, Long> expected, Map<String, Long> actual) {
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        expected.forEach((value, count) -> {
            long seen = actual.getOrDefault(value, 0L);
            if (seen < count) {
                missing.add(value);
            } else if (seen > count) {
                duplicated.add(value + " x" + seen);
            }
        });
        actual.keySet().stream().filter(v -> !expected.containsKey(v)).forEach(unexpected::add);
        long records = actual.values().stream().mapToLong(Long::longValue).sum();
        return "output has " + records + " records, " + actual.size() + " distinct, expected " + expected.size()
                + "; missing " + missing.size() + " " + head(missing)
                + ", duplicated " + duplicated.size() + " " + head(duplicated)
                + ", unexpected " + unexpected.size() + " " + head(unexpected);
    }

    /**
     * How many data records {@code topic} holds, committed or not, as a {@code read_uncommitted}
     * consumer sees them: the committed ones plus those of aborted transactions.
     */
    static long countReadUncommitted(String bootstrapServers, String topic, Duration deadline) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, "read_uncommitted")) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long count = 0;
            long limit = System.nanoTime() + deadline.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s read_uncommitted up to %s", topic, ends).isLessThan(limit);
                count += consumer.poll(Duration.ofMillis(100)).count();
            }
            return count;
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrapServers, String topic, String isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, isolation)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);   // a consumer asked for partitions it is not assigned warns for each
            return consumer.endOffsets(partitions, Duration.ofSeconds(10));
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String isolation) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "eddy-it-output-check-" + isolation,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<String> head(List<String> values) {
        return values.stream().sorted().limit(10).toList();
    }
}
