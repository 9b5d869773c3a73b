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
     * At-least-once without waiting for the offsets: like {@link #commit}, the output and changelog
     * records sent so far are acknowledged first, but the offsets' commit is only started. A failed
     * offset commit is not reported: a later commit (or the next owner reprocessing from older
     * offsets) covers it, which is why only an at-least-once caller may use this. By default the
     * same as {@link #commit}.
     *
     * @return how the output went: {@link CommitResult.Outcome#COMMITTED} once it is acknowledged
     * @throws BatchFailedException if the output could not be written (the application must stop)
     */
    default CommitResult commitAsync(Map<TopicPartition, CheckpointedOffset> offsets) {
        return commit(offsets);
    }

    /**
     * A mark of the output sent so far through {@link #sink()} and {@link #sendChangelog}, for
     * {@link #outputAcknowledged(long)}. By default 0 (output is acknowledged at once).
     */
    default long outputMark() {
        return 0;
    }

    /**
     * Whether every record sent before {@code mark} is acknowledged; never waits. By default true.
     *
     * @throws BatchFailedException if a record could not be written (the application must stop)
     */
    default boolean outputAcknowledged(long mark) {
        return true;
    }

    /**
     * At-least-once: starts committing {@code offsets} without flushing; the caller has seen
     * {@link #outputAcknowledged} for the output that precedes them. A failed commit is not
     * reported (a later commit carries later offsets). By default {@link #commit}.
     *
     * @return how it went
     */
    default CommitResult commitOffsetsAsync(Map<TopicPartition, CheckpointedOffset> offsets) {
        return commit(offsets);
    }

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
