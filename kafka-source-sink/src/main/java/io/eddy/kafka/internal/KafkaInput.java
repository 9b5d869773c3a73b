package io.eddy.kafka.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The Kafka side of a worker's input: one group member's consumer, its subscription, its
 * rebalance listener, and where newly owned partitions start.
 *
 * <p>On assignment it reads the committed offsets of the new partitions and decodes their
 * {@link TaskCheckpoint}s; a partition with no committed offset is positioned at its source's
 * {@link StartPosition}, and the position is looked up at once, so that records written between
 * the assignment and the next poll are not skipped by a lazy "seek to end". Only then does it
 * tell the {@link AssignmentListener}. A listener exception is not thrown through the consumer
 * (which would wrap it); it is kept and rethrown by the {@link #poll} that delivered it.
 *
 * <p>Not thread-safe except {@link #wakeup()}, which any thread may call to end a blocked poll.
 */
public final class KafkaInput implements InputPort, ConsumerRebalanceListener {

    private final Consumer<byte[], byte[]> consumer;
    private final AssignmentListener listener;
    private final Function<String, StartPosition> startOf;
    private RuntimeException listenerFailure;
    private boolean wokenInListener;

    /**
     * @param consumer a group member's consumer, not yet subscribed; this input owns it from now on
     * @param startOf per topic, where a partition without committed offset starts
     */
    public KafkaInput(Consumer<byte[], byte[]> consumer, AssignmentListener listener,
                      Function<String, StartPosition> startOf) {
        this.consumer = consumer;
        this.listener = listener;
        this.startOf = startOf;
    }

    /** Joins the group for these topics. */
    public void subscribe(Collection<String> topics) {
        consumer.subscribe(topics, this);
    }

    /** Joins the group for the topics matching {@code pattern}, now and later. */
    public void subscribe(Pattern pattern) {
        consumer.subscribe(pattern, this);
    }

    /** The consumer, for the commit port (group metadata, offset commits). */
    public Consumer<byte[], byte[]> consumer() {
        return consumer;
    }

    /** Ends a blocked {@link #poll} with a {@link WakeupException}; callable from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    /** Leaves the group and closes the consumer. */
    public void close(Duration timeout) {
        consumer.close(timeout);
    }

    @Override
    public PolledRecords poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        if (listenerFailure != null) {
            RuntimeException f = listenerFailure;
            listenerFailure = null;
            throw f;
        }
        if (wokenInListener) {
            wokenInListener = false;
            throw new WakeupException();
        }
        return records.isEmpty() ? PolledRecords.EMPTY : new Polled(records);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return consumer.assignment();
    }

    @Override
    public long position(TopicPartition partition) {
        return consumer.position(partition);
    }

    @Override
    public java.util.OptionalLong lag(TopicPartition partition) {
        return consumer.currentLag(partition);
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        consumer.pause(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        consumer.resume(partitions);
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        consumer.seek(partition, offset);
    }

    // ---- the consumer's rebalance listener, called inside poll

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        try {
            listener.assigned(position(partitions));
        } catch (WakeupException e) {
            wokenInListener = true;   // a stop was requested while the offsets were looked up
        } catch (RuntimeException e) {
            listenerFailure = e;
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        try {
            listener.revoked(partitions);
        } catch (RuntimeException e) {
            listenerFailure = e;
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        try {
            listener.lost(partitions);
        } catch (RuntimeException e) {
            listenerFailure = e;
        }
    }

    private Map<TopicPartition, Optional<TaskCheckpoint>> position(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Optional<TaskCheckpoint>> added = new LinkedHashMap<>();
        if (partitions.isEmpty()) {
            return added;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        List<TopicPartition> sought = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata om = committed.get(tp);
            if (om != null) {
                added.put(tp, TaskCheckpoint.decode(om.metadata()));
            } else {
                seekToStart(tp);
                sought.add(tp);
                added.put(tp, Optional.empty());
            }
        }
        for (TopicPartition tp : sought) {
            consumer.position(tp);   // fixes the position now (see the class comment)
        }
        return added;
    }

    private void seekToStart(TopicPartition tp) {
        StartPosition start = startOf.apply(tp.topic());
        switch (start.kind()) {
            case EARLIEST -> consumer.seekToBeginning(List.of(tp));
            case LATEST -> consumer.seekToEnd(List.of(tp));
            case TIMESTAMP -> {
                OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, start.timestampMs())).get(tp);
                if (found == null) {
                    consumer.seekToEnd(List.of(tp));
                } else {
                    consumer.seek(tp, found.offset());
                }
            }
        }
    }

    private record Polled(ConsumerRecords<byte[], byte[]> records) implements PolledRecords {
        @Override
        public Set<TopicPartition> partitions() {
            return records.partitions();
        }

        @Override
        public List<ConsumerRecord<byte[], byte[]>> records(TopicPartition partition) {
            return records.records(partition);
        }
    }
}
