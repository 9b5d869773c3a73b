package io.eddy.testkit.driver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;

/**
 * The test driver's broker: in-memory partitioned logs, and the committed output of sink topics.
 * Partitions are chosen from the key as Kafka's default partitioner does (murmur2), or round robin
 * for null keys. Not thread-safe.
 */
final class MemoryTopics {

    private final Map<String, Integer> partitionCounts;
    private final int defaultPartitions;
    private final Map<String, List<List<StoredRecord>>> logs = new HashMap<>();
    private final Map<String, List<StoredRecord>> committedOutput = new HashMap<>();
    private final Map<String, Integer> roundRobin = new HashMap<>();

    MemoryTopics(Map<String, Integer> partitionCounts, int defaultPartitions) {
        this.partitionCounts = Map.copyOf(partitionCounts);
        this.defaultPartitions = defaultPartitions;
    }

    /** The partitions of {@code topic}, created empty on first use. */
    List<List<StoredRecord>> log(String topic) {
        return logs.computeIfAbsent(topic, t -> {
            List<List<StoredRecord>> partitions = new ArrayList<>();
            for (int i = 0; i < partitionsOf(t); i++) {
                partitions.add(new ArrayList<>());
            }
            return partitions;
        });
    }

    /** Whether a record was ever written to {@code topic}. */
    boolean exists(String topic) {
        return logs.containsKey(topic);
    }

    /** The topics written to so far, sorted by name. */
    java.util.SortedSet<String> names() {
        return new java.util.TreeSet<>(logs.keySet());
    }

    int partitionsOf(String topic) {
        return partitionCounts.getOrDefault(topic, defaultPartitions);
    }

    int partitionFor(String topic, int requested, byte[] key) {
        int count = partitionsOf(topic);
        if (requested >= 0) {
            if (requested >= count) {
                throw new IllegalArgumentException("topic " + topic + " has " + count + " partitions, no partition " + requested);
            }
            return requested;
        }
        if (key == null) {
            return roundRobin.merge(topic, 1, Integer::sum) % count;
        }
        return Utils.toPositive(Utils.murmur2(key)) % count;
    }

    void append(StoredRecord record) {
        log(record.topic()).get(record.partition()).add(record);
    }

    /** Makes a sink record readable by {@code TestOutputTopic}s. */
    void publish(StoredRecord record) {
        committedOutput.computeIfAbsent(record.topic(), t -> new ArrayList<>()).add(record);
    }

    List<StoredRecord> committed(String topic) {
        return committedOutput.getOrDefault(topic, List.of());
    }

    /** One record in a log. */
    record StoredRecord(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
    }
}
