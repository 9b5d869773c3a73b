package io.eddy.testkit.driver;

import io.eddy.kafka.internal.CommitPort;
import io.eddy.kafka.internal.CommitResult;
import io.eddy.kafka.internal.RecordSink;
import io.eddy.testkit.driver.MemoryTopics.StoredRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The test driver's commit port: a batch's output and changelog records wait here and become part
 * of the logs only when it commits, as with exactly-once and {@code read_committed} readers.
 * Records for repartition topics are appended to their logs (input of the next batch); records
 * for sink topics become readable; committed offsets and checkpoints are kept for restarts.
 */
final class MemoryCommit implements CommitPort {

    private final MemoryTopics topics;
    private final Set<String> repartitionTopics;
    private final LongSupplier clock;
    private final Map<TopicPartition, CheckpointedOffset> committed = new HashMap<>();
    private final List<StoredRecord> pendingOutput = new ArrayList<>();
    private final List<StoredRecord> pendingChangelog = new ArrayList<>();
    private final Map<TopicPartition, Integer> changelogSent = new HashMap<>();
    private final RecordSink sink;

    MemoryCommit(MemoryTopics topics, Set<String> repartitionTopics, LongSupplier clock) {
        this.topics = topics;
        this.repartitionTopics = repartitionTopics;
        this.clock = clock;
        this.sink = new RecordSink() {
            @Override
            public void send(String topic, byte[] key, byte[] value, long timestamp,
                             org.apache.kafka.common.header.Headers headers) {
                send(topic, -1, key, value, timestamp, headers);
            }

            @Override
            public void send(String topic, int partition, byte[] key, byte[] value, long timestamp,
                             org.apache.kafka.common.header.Headers headers) {
                pendingOutput.add(new StoredRecord(topic, topics.partitionFor(topic, partition, key), key, value,
                        timestamp, headers));
            }

            @Override
            public int partitions(String topic) {
                return topics.partitionsOf(topic);
            }
        };
    }

    /** The committed offsets with their checkpoints (a live view). */
    Map<TopicPartition, CheckpointedOffset> committed() {
        return committed;
    }

    @Override
    public void begin() {
    }

    @Override
    public RecordSink sink() {
        return sink;
    }

    @Override
    public LongSupplier sendChangelog(String topic, int partition, byte[] key, byte[] value) {
        pendingChangelog.add(new StoredRecord(topic, partition, key, value, clock.getAsLong(), null));
        int sent = changelogSent.merge(new TopicPartition(topic, partition), 1, Integer::sum);
        long offset = topics.log(topic).get(partition).size() + sent - 1;
        return () -> offset;
    }

    @Override
    public CommitResult commit(Map<TopicPartition, CheckpointedOffset> offsets) {
        for (StoredRecord r : pendingOutput) {
            if (repartitionTopics.contains(r.topic())) {
                topics.append(r);   // input of the next batch
            } else {
                topics.publish(r);
            }
        }
        pendingChangelog.forEach(topics::append);
        committed.putAll(offsets);
        clear();
        return CommitResult.COMMITTED;
    }

    @Override
    public boolean abort() {
        clear();
        return true;
    }

    private void clear() {
        pendingOutput.clear();
        pendingChangelog.clear();
        changelogSent.clear();
    }
}
