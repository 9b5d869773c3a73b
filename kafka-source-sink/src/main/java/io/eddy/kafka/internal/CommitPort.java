package io.eddy.kafka.internal;

import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a batch's output goes and how it commits: Kafka ({@link KafkaCommitPort}, transactional
 * for exactly-once, flush then offset commit for at-least-once) or the test driver's memory.
 * The batch loop is the only caller, on one thread, in this order per batch:
 * {@link #begin()}, any number of sends through {@link #sink()} and {@link #sendChangelog},
 * then {@link #commit} or {@link #abort()}.
 */
public interface CommitPort {

    /** Opens a batch (exactly-once: begins the transaction). */
    void begin();

    /** Where the batch's output records go. */
    RecordSink sink();

    /**
     * Sends a state change to partition {@code partition} of a changelog topic within the batch.
     *
     * @return the record's offset, readable once the batch has committed
     */
    LongSupplier sendChangelog(String topic, int partition, byte[] key, byte[] value);

    /**
     * Commits the batch: its output, its changelog records and {@code offsets} (the next offset to
     * read per input partition, each with its task's checkpoint) together.
     *
     * @return how it went; on anything but {@link CommitResult.Outcome#COMMITTED} the caller aborts
     * @throws BatchFailedException if the output could not be written (the application must stop)
     */
    CommitResult commit(Map<TopicPartition, CheckpointedOffset> offsets);

    /**
     * Discards the open batch's output.
     *
     * @return false if the port is unusable afterwards (its clients must be replaced)
     */
    boolean abort();

    /** A next offset to read, and what its task stores with it. */
    record CheckpointedOffset(long offset, TaskCheckpoint checkpoint) {
    }

    /** The batch cannot commit and must not be retried: its output could not be written. */
    final class BatchFailedException extends RuntimeException {
        public BatchFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
