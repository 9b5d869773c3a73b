package io.eddy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What one committed micro-batch of one worker did. Delivered to every {@link ProgressListener}
 * after the batch's commit succeeded.
 *
 * @param worker the worker's name, {@code <application id>-<worker index>}
 * @param batchId the worker's batch sequence number, from 0 at worker start
 * @param offsets the offset range consumed from each input partition (unmodifiable)
 * @param records records consumed, skipped ones included
 * @param skipped records the error policy skipped
 * @param duration from the batch's first record to the end of its commit
 * @param committedAt when the commit finished
 * @param watermarks per task of the batch that tracks event time, its watermark after the batch
 *        (unmodifiable; empty when the pipeline has no event-time operator). A task whose
 *        watermark has not started yet maps to {@link Instant#MIN}.
 */
public record BatchProgress(String worker, long batchId, Map<TopicPartition, OffsetRange> offsets,
                            long records, long skipped, Duration duration, Instant committedAt,
                            Map<Integer, Instant> watermarks) {

    /** Records per second over the batch's duration. */
    public double recordsPerSecond() {
        long nanos = Math.max(1, duration.toNanos());
        return records * 1e9 / nanos;
    }

    @Override
    public String toString() {
        return String.format("%s batch %d: %d records (%d skipped) in %d ms, %.0f records/s, %s%s",
                worker, batchId, records, skipped, duration.toMillis(), recordsPerSecond(), offsets,
                watermarks.isEmpty() ? "" : ", watermarks " + watermarks);
    }
}
