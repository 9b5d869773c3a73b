package io.eddy.kafka.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the batch loop's records come from: a Kafka consumer in a group ({@link KafkaInput}) or
 * an in-memory log in the test driver. The loop is the only caller, on one thread; an
 * implementation calls its {@link AssignmentListener} from inside {@link #poll}.
 */
public interface InputPort {

    /**
     * Returns the records available from the positions of the partitions not paused, waiting at
     * most {@code timeout} when there are none; delivers assignment events first.
     */
    PolledRecords poll(Duration timeout);

    /** The partitions owned now. */
    Set<TopicPartition> assignment();

    /** The offset of the next record {@link #poll} returns for {@code partition}. */
    long position(TopicPartition partition);

    /** Stops returning records of these partitions (owned ones) until resumed. */
    void pause(Collection<TopicPartition> partitions);

    /** Undoes {@link #pause}. */
    void resume(Collection<TopicPartition> partitions);

    /** Moves {@code partition}'s position to {@code offset}: the next poll returns records from there. */
    void seek(TopicPartition partition, long offset);
}
