package io.eddy.kafka.internal;

import java.util.Optional;

/**
 * What a task stores with each committed input offset: the id of the batch that committed it and
 * the task's watermark after that batch. A new owner of the task reads it back on assignment, so
 * batch ids and watermarks survive crashes, restarts and moves.
 *
 * <p>It travels as the offset's metadata string, {@code eddy:batch=N;wm=T}: a prefix, then
 * {@code key=value} fields separated by {@code ;}. The decoder ignores fields it does not know,
 * so a later version can add fields and an older one still reads what it understands; the
 * watermark field is left out when the task keeps none. Metadata not written by Eddy decodes
 * to empty (the task then numbers its batches from 0 and starts with no watermark).
 *
 * <p>Since 2026-12 it also carries, per partition, the largest event time the task had processed
 * from that partition ({@code ;pt=T}), so that a new owner judges lateness and idleness against
 * the partition's own progress instead of only the task's watermark (which the slowest partition
 * or upstream task holds back).
 *
 * @param batchId the id of the committed batch (the next batch of the task is {@code batchId + 1})
 * @param watermark the task's watermark after the batch, or {@link #NO_WATERMARK}
 * @param partitionEventTime the largest event time processed from this offset's partition, or
 *        {@link #NO_WATERMARK} if none is known (or the partition's time comes from upstream tasks)
 */
public record TaskCheckpoint(long batchId, long watermark, long partitionEventTime) {

    /** A checkpoint without a partition event time. */
    public TaskCheckpoint(long batchId, long watermark) {
        this(batchId, watermark, NO_WATERMARK);
    }

    /** The watermark of a task that tracks no event time, or has seen none yet. */
    public static final long NO_WATERMARK = Long.MIN_VALUE;

    private static final String PREFIX = "eddy:";
    private static final String BATCH = "batch";
    private static final String WATERMARK = "wm";
    private static final String PARTITION_TIME = "pt";

    /** The id of the task's next batch. */
    public long nextBatchId() {
        return batchId + 1;
    }

    /** This checkpoint as offset metadata. */
    public String encode() {
        String encoded = PREFIX + BATCH + "=" + batchId;
        if (watermark != NO_WATERMARK) {
            encoded += ";" + WATERMARK + "=" + watermark;
        }
        return partitionEventTime == NO_WATERMARK ? encoded : encoded + ";" + PARTITION_TIME + "=" + partitionEventTime;
    }

    /**
     * Reads offset metadata written by {@link #encode()} (or by any earlier Eddy version).
     *
     * @param metadata the committed offset's metadata; may be null
     * @return empty if the metadata is null, empty, or not Eddy's
     */
    public static Optional<TaskCheckpoint> decode(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Long batch = null;
        long watermark = NO_WATERMARK;
        long partitionTime = NO_WATERMARK;
        for (String field : metadata.substring(PREFIX.length()).split(";")) {
            int eq = field.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = field.substring(0, eq);
            String value = field.substring(eq + 1);
            try {
                if (key.equals(BATCH)) {
                    batch = Long.parseLong(value);
                } else if (key.equals(WATERMARK)) {
                    watermark = Long.parseLong(value);
                } else if (key.equals(PARTITION_TIME)) {
                    partitionTime = Long.parseLong(value);
                }
            } catch (NumberFormatException e) {
                return Optional.empty();   // not ours after all
            }
        }
        return batch == null ? Optional.empty() : Optional.of(new TaskCheckpoint(batch, watermark, partitionTime));
    }

    /**
     * The checkpoint a task resumes from, given those stored with its partitions' offsets (which
     * may come from different batches when a batch read only some of the task's inputs): the
     * latest batch and the highest watermark, since both only grow (a task-level view: without a
     * partition event time).
     */
    public static Optional<TaskCheckpoint> latest(Iterable<TaskCheckpoint> checkpoints) {
        TaskCheckpoint latest = null;
        for (TaskCheckpoint c : checkpoints) {
            latest = latest == null ? new TaskCheckpoint(c.batchId, c.watermark)
                    : new TaskCheckpoint(Math.max(latest.batchId, c.batchId), Math.max(latest.watermark, c.watermark));
        }
        return Optional.ofNullable(latest);
    }
}
