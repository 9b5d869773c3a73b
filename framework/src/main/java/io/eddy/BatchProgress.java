package io.eddy;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * What one committed micro-batch of one worker did. Delivered to every {@link ProgressListener}
 * after the batch's commit succeeded.
 *
 * <p>An immutable value: {@code equals} and {@code hashCode} cover every field. Later versions
 * may add fields; code that reads the accessors it knows keeps working. The runtime creates
 * instances with {@link #builder()}; so can a test of a {@link ProgressListener}.
 *
 * <pre>{@code
 * .addProgressListener(p -> log.info("{} records in batch {}", p.records(), p.batchId()))
 * }</pre>
 */
public final class BatchProgress {

    private final String worker;
    private final long batchId;
    private final Map<TopicPartition, OffsetRange> offsets;
    private final long records;
    private final long skipped;
    private final Duration duration;
    private final Instant committedAt;
    private final Map<Integer, Instant> watermarks;
    private final Map<TopicPartition, Instant> partitionWatermarks;
    private final Map<Integer, String> watermarkHeldBy;

    private BatchProgress(Builder b) {
        this.worker = Objects.requireNonNull(b.worker, "worker");
        this.batchId = b.batchId;
        this.offsets = Collections.unmodifiableMap(new LinkedHashMap<>(b.offsets));
        this.records = b.records;
        this.skipped = b.skipped;
        this.duration = Objects.requireNonNull(b.duration, "duration");
        this.committedAt = Objects.requireNonNull(b.committedAt, "committedAt");
        this.watermarks = Collections.unmodifiableMap(new LinkedHashMap<>(b.watermarks));
        this.partitionWatermarks = Collections.unmodifiableMap(new LinkedHashMap<>(b.partitionWatermarks));
        this.watermarkHeldBy = Collections.unmodifiableMap(new LinkedHashMap<>(b.watermarkHeldBy));
    }

    /** A builder with no worker, duration or commit time yet (all three required), and zero counts. */
    public static Builder builder() {
        return new Builder();
    }

    /** The worker's name, {@code <application id>-<worker index>}. */
    public String worker() {
        return worker;
    }

    /** The worker's batch sequence number, from 0 at worker start. */
    public long batchId() {
        return batchId;
    }

    /**
     * The offset range consumed from each input partition; unmodifiable, never null, in the order
     * the runtime gave (topic, then partition).
     */
    public Map<TopicPartition, OffsetRange> offsets() {
        return offsets;
    }

    /** Records consumed, skipped ones included. */
    public long records() {
        return records;
    }

    /** Records the error policy skipped. */
    public long skipped() {
        return skipped;
    }

    /** From the batch's first record to the end of its commit. */
    public Duration duration() {
        return duration;
    }

    /** When the commit finished. */
    public Instant committedAt() {
        return committedAt;
    }

    /**
     * Per task of the batch that tracks event time, its watermark after the batch; unmodifiable,
     * never null, empty when the pipeline has no event-time operator. A task whose watermark has
     * not started yet maps to {@link Instant#MIN}.
     */
    public Map<Integer, Instant> watermarks() {
        return watermarks;
    }

    /**
     * Per input partition of the tasks in {@link #watermarks()}, the watermark that partition alone
     * allows after the batch: for a partition read from outside, its largest event time minus the
     * allowed delay; for a partition of a repartition topic, the lowest watermark its upstream tasks
     * reported. A task's watermark is the minimum over its partitions that are not idle (see the
     * README's "Event time"). Unmodifiable, never null, ordered by topic then partition; a partition
     * with nothing yet maps to {@link Instant#MIN}, a repartition partition whose upstream tasks are
     * all idle and empty to {@link Instant#MAX}.
     */
    public Map<TopicPartition, Instant> partitionWatermarks() {
        return partitionWatermarks;
    }

    /**
     * Per task in {@link #watermarks()}, what holds its watermark back, in words: the input
     * partition's topic (e.g. {@code "clicks"}, the task's partition of it), or a repartition topic and
     * the upstream task whose report is lowest (e.g. {@code "app-by-url-repartition: upstream task 3"}),
     * or that every input partition is idle and the watermark follows the clock. Unmodifiable, never
     * null; for people and logs, not for parsing.
     */
    public Map<Integer, String> watermarkHeldBy() {
        return watermarkHeldBy;
    }

    /** Records per second over the batch's duration. */
    public double recordsPerSecond() {
        long nanos = Math.max(1, duration.toNanos());
        return records * 1e9 / nanos;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchProgress p
                && worker.equals(p.worker)
                && batchId == p.batchId
                && offsets.equals(p.offsets)
                && records == p.records
                && skipped == p.skipped
                && duration.equals(p.duration)
                && committedAt.equals(p.committedAt)
                && watermarks.equals(p.watermarks)
                && partitionWatermarks.equals(p.partitionWatermarks)
                && watermarkHeldBy.equals(p.watermarkHeldBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(worker, batchId, offsets, records, skipped, duration, committedAt, watermarks,
                partitionWatermarks, watermarkHeldBy);
    }

    /** One line: worker, batch, counts, duration, rate, offsets and watermarks. */
    @Override
    public String toString() {
        return String.format("%s batch %d: %d records (%d skipped) in %d ms, %.0f records/s, %s%s",
                worker, batchId, records, skipped, duration.toMillis(), recordsPerSecond(), offsets,
                watermarks.isEmpty() ? "" : ", watermarks " + watermarks + " held by " + watermarkHeldBy);
    }

    /**
     * Sets the fields of a {@link BatchProgress}. {@link #worker}, {@link #duration} and
     * {@link #committedAt} are required; the counts default to zero and the maps to empty. Maps are
     * copied (keeping their iteration order) when the progress is built. Not thread-safe.
     */
    public static final class Builder {
        private String worker;
        private long batchId;
        private Map<TopicPartition, OffsetRange> offsets = Map.of();
        private long records;
        private long skipped;
        private Duration duration;
        private Instant committedAt;
        private Map<Integer, Instant> watermarks = Map.of();
        private Map<TopicPartition, Instant> partitionWatermarks = Map.of();
        private Map<Integer, String> watermarkHeldBy = Map.of();

        private Builder() {
        }

        /** See {@link BatchProgress#worker()}. */
        public Builder worker(String worker) {
            this.worker = worker;
            return this;
        }

        /** See {@link BatchProgress#batchId()}. */
        public Builder batchId(long batchId) {
            this.batchId = batchId;
            return this;
        }

        /**
         * See {@link BatchProgress#offsets()}.
         *
         * @throws NullPointerException if {@code offsets} is null
         */
        public Builder offsets(Map<TopicPartition, OffsetRange> offsets) {
            this.offsets = Objects.requireNonNull(offsets, "offsets");
            return this;
        }

        /** See {@link BatchProgress#records()}. */
        public Builder records(long records) {
            this.records = records;
            return this;
        }

        /** See {@link BatchProgress#skipped()}. */
        public Builder skipped(long skipped) {
            this.skipped = skipped;
            return this;
        }

        /** See {@link BatchProgress#duration()}. */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** See {@link BatchProgress#committedAt()}. */
        public Builder committedAt(Instant committedAt) {
            this.committedAt = committedAt;
            return this;
        }

        /**
         * See {@link BatchProgress#watermarks()}.
         *
         * @throws NullPointerException if {@code watermarks} is null
         */
        public Builder watermarks(Map<Integer, Instant> watermarks) {
            this.watermarks = Objects.requireNonNull(watermarks, "watermarks");
            return this;
        }

        /**
         * See {@link BatchProgress#partitionWatermarks()}.
         *
         * @throws NullPointerException if {@code partitionWatermarks} is null
         */
        public Builder partitionWatermarks(Map<TopicPartition, Instant> partitionWatermarks) {
            this.partitionWatermarks = Objects.requireNonNull(partitionWatermarks, "partitionWatermarks");
            return this;
        }

        /**
         * See {@link BatchProgress#watermarkHeldBy()}.
         *
         * @throws NullPointerException if {@code watermarkHeldBy} is null
         */
        public Builder watermarkHeldBy(Map<Integer, String> watermarkHeldBy) {
            this.watermarkHeldBy = Objects.requireNonNull(watermarkHeldBy, "watermarkHeldBy");
            return this;
        }

        /**
         * The progress set so far.
         *
         * @throws NullPointerException naming the field if worker, duration or committedAt is missing
         */
        public BatchProgress build() {
            return new BatchProgress(this);
        }
    }
}
