package io.eddy.kafka.internal;

import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The records one {@link InputPort#poll} returned, per partition in offset order. The batch
 * loop walks them partition by partition, in the order {@link #partitions()} gives.
 */
public interface PolledRecords {

    /** Nothing was returned. */
    PolledRecords EMPTY = new PolledRecords() {
        @Override
        public Set<TopicPartition> partitions() {
            return Set.of();
        }

        @Override
        public List<ConsumerRecord<byte[], byte[]>> records(TopicPartition partition) {
            return List.of();
        }
    };

    /** The partitions with records, in the order to process them. */
    Set<TopicPartition> partitions();

    /** The records of {@code partition}, in offset order; empty if it has none. */
    List<ConsumerRecord<byte[], byte[]>> records(TopicPartition partition);

    /** Whether no partition has records. */
    default boolean isEmpty() {
        return partitions().isEmpty();
    }
}
