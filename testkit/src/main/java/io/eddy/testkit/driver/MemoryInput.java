package io.eddy.testkit.driver;

import io.eddy.kafka.internal.AssignmentListener;
import io.eddy.kafka.internal.CommitPort.CheckpointedOffset;
import io.eddy.kafka.internal.InputPort;
import io.eddy.kafka.internal.PolledRecords;
import io.eddy.kafka.internal.TaskCheckpoint;
import io.eddy.testkit.driver.MemoryTopics.StoredRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;

/**
 * The test driver's input port: the in-memory logs of the pipeline's input topics (repartition
 * topics included), read from per-partition positions like a consumer's.
 *
 * <p>Assignment follows the records: task {@code p} is assigned (partition {@code p} of every input
 * topic, with the checkpoints committed for it) the first time any input has a record in a
 * partition {@code p}, as the driver always did; {@link #reassign} re-announces tasks after a
 * simulated restart. A poll returns every record after the positions of the assigned, not paused
 * partitions, topic by topic (sorted by name), then partition by partition, and advances the
 * positions past them.
 */
final class MemoryInput implements InputPort {

    private final MemoryTopics topics;
    private final Supplier<List<String>> inputTopics;
    private final Map<TopicPartition, CheckpointedOffset> committed;
    private final Set<Integer> assignedTasks = new TreeSet<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    /** Partitions whose records exist but are not delivered (a stalled owner); their lag shows it. */
    private final Set<TopicPartition> heldBack = new HashSet<>();
    private AssignmentListener listener;

    /**
     * @param inputTopics the input topics that exist now, sorted
     * @param committed the committed offsets, read on assignment (live view)
     */
    MemoryInput(MemoryTopics topics, Supplier<List<String>> inputTopics, Map<TopicPartition, CheckpointedOffset> committed) {
        this.topics = topics;
        this.inputTopics = inputTopics;
        this.committed = committed;
    }

    void listener(AssignmentListener listener) {
        this.listener = listener;
    }

    /** The tasks assigned now. */
    Set<Integer> assignedTasks() {
        return Set.copyOf(assignedTasks);
    }

    /** After a restart: forgets every position and assigns {@code tasks} again, from the committed offsets. */
    void reassign(Collection<Integer> tasks) {
        assignedTasks.clear();
        positions.clear();
        paused.clear();
        assign(tasks);
    }

    private void assign(Collection<Integer> tasks) {
        Map<TopicPartition, Optional<TaskCheckpoint>> added = new LinkedHashMap<>();
        for (int task : tasks) {
            assignedTasks.add(task);
            for (String topic : inputTopics.get()) {
                if (task < topics.partitionsOf(topic)) {
                    TopicPartition tp = new TopicPartition(topic, task);
                    CheckpointedOffset c = committed.get(tp);
                    positions.put(tp, c == null ? 0L : c.offset());
                    added.put(tp, c == null ? Optional.empty() : Optional.of(c.checkpoint()));
                }
            }
        }
        if (!added.isEmpty()) {
            listener.assigned(added);
        }
    }

    @Override
    public PolledRecords poll(Duration timeout) {
        List<String> inputs = inputTopics.get();
        Set<Integer> newTasks = new LinkedHashSet<>();
        for (String topic : inputs) {
            List<List<StoredRecord>> log = topics.log(topic);
            for (int p = 0; p < log.size(); p++) {
                if (!assignedTasks.contains(p) && !log.get(p).isEmpty()) {
                    newTasks.add(p);
                }
            }
        }
        if (!newTasks.isEmpty()) {
            assign(newTasks);
        }
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> polled = new LinkedHashMap<>();
        for (String topic : inputs) {
            List<List<StoredRecord>> log = topics.log(topic);
            for (int p : assignedTasks) {
                if (p >= log.size()) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic, p);
                long from = position(tp);
                List<StoredRecord> partition = log.get(p);
                if (paused.contains(tp) || heldBack.contains(tp) || from >= partition.size()) {
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                for (int offset = (int) from; offset < partition.size(); offset++) {
                    StoredRecord r = partition.get(offset);
                    records.add(new ConsumerRecord<>(topic, p, offset, r.timestamp(), TimestampType.CREATE_TIME,
                            r.key() == null ? -1 : r.key().length, r.value() == null ? -1 : r.value().length,
                            r.key(), r.value(), r.headers(), Optional.empty()));
                }
                positions.put(tp, (long) partition.size());
                polled.put(tp, records);
            }
        }
        return polled.isEmpty() ? PolledRecords.EMPTY : new Polled(polled);
    }

    @Override
    public Set<TopicPartition> assignment() {
        Set<TopicPartition> assignment = new LinkedHashSet<>();
        for (String topic : inputTopics.get()) {
            for (int p : assignedTasks) {
                if (p < topics.partitionsOf(topic)) {
                    assignment.add(new TopicPartition(topic, p));
                }
            }
        }
        return assignment;
    }

    @Override
    public long position(TopicPartition partition) {
        Long position = positions.get(partition);
        if (position != null) {
            return position;
        }
        CheckpointedOffset c = committed.get(partition);
        return c == null ? 0 : c.offset();
    }

    /** The records after the position not delivered yet: the log's end minus the position. */
    @Override
    public java.util.OptionalLong lag(TopicPartition partition) {
        if (partition.partition() >= topics.partitionsOf(partition.topic())) {
            return java.util.OptionalLong.empty();
        }
        int end = topics.log(partition.topic()).get(partition.partition()).size();
        return java.util.OptionalLong.of(Math.max(0, end - position(partition)));
    }

    /** Stops (or, with {@code held} false, resumes) delivering {@code partition}'s records. */
    void holdBack(TopicPartition partition, boolean held) {
        if (held) {
            heldBack.add(partition);
        } else {
            heldBack.remove(partition);
        }
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        paused.addAll(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        paused.removeAll(partitions);
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        positions.put(partition, offset);
    }

    private record Polled(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records) implements PolledRecords {
        @Override
        public Set<TopicPartition> partitions() {
            return records.keySet();
        }

        @Override
        public List<ConsumerRecord<byte[], byte[]>> records(TopicPartition partition) {
            return records.getOrDefault(partition, List.of());
        }
    }
}
