package io.eddy.kafka.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.OptionalLong;
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

    /**
     * How many records of {@code partition} (an owned one) are after its position and not
     * returned yet, as far as this input knows now: 0 when the position is at the end offset (for
     * a {@code read_committed} consumer, the last stable offset); empty when unknown (no fetch
     * answered yet). Cheap: no remote call waits. The watermark treats a partition as idle only
     * while this is 0 (see the README's "Event time").
     */
    default OptionalLong lag(TopicPartition partition) {
        return OptionalLong.empty();
    }

    /** Moves {@code partition}'s position to {@code offset}: the next poll returns records from there. */
    void seek(TopicPartition partition, long offset);
}
