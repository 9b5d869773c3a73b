package io.eddy.kafka.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * What an {@link InputPort} tells the batch loop about its partitions. Every call happens on the
 * loop's thread, inside {@link InputPort#poll}, as Kafka's rebalance listener does.
 */
public interface AssignmentListener {

    /**
     * A rebalance completed. {@code added} are the partitions newly owned (possibly none), each with
     * the checkpoint stored with its committed offset, or empty when it has none; the port has
     * already positioned them (committed offset, else the source's starting offset).
     */
    void assigned(Map<TopicPartition, Optional<TaskCheckpoint>> added);

    /** The partitions are given up in an orderly rebalance: the open batch may still commit them. */
    void revoked(Collection<TopicPartition> partitions);

    /** The partitions were lost (session expired, fenced): a commit of them would be refused. */
    void lost(Collection<TopicPartition> partitions);
}
