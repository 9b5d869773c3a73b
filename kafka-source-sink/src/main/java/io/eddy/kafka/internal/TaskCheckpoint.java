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
 * @param batchId the id of the committed batch (the next batch of the task is {@code batchId + 1})
 * @param watermark the task's watermark after the batch, or {@link #NO_WATERMARK}
 */
public record TaskCheckpoint(long batchId, long watermark) {

    /** The watermark of a task that tracks no event time, or has seen none yet. */
    public static final long NO_WATERMARK = Long.MIN_VALUE;

    private static final String PREFIX = "eddy:";
    private static final String BATCH = "batch";
    private static final String WATERMARK = "wm";

    /** The id of the task's next batch. */
    public long nextBatchId() {
        return batchId + 1;
    }

    /** This checkpoint as offset metadata. */
    public String encode() {
        String encoded = PREFIX + BATCH + "=" + batchId;
        return watermark == NO_WATERMARK ? encoded : encoded + ";" + WATERMARK + "=" + watermark;
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
                }
            } catch (NumberFormatException e) {
                return Optional.empty();   // not ours after all
            }
        }
        return batch == null ? Optional.empty() : Optional.of(new TaskCheckpoint(batch, watermark));
    }

    /**
     * The checkpoint a task resumes from, given those stored with its partitions' offsets (which
     * may come from different batches when a batch read only some of the task's inputs): the
     * latest batch and the highest watermark, since both only grow.
     */
    public static Optional<TaskCheckpoint> latest(Iterable<TaskCheckpoint> checkpoints) {
        TaskCheckpoint latest = null;
        for (TaskCheckpoint c : checkpoints) {
            latest = latest == null ? c
                    : new TaskCheckpoint(Math.max(latest.batchId, c.batchId), Math.max(latest.watermark, c.watermark));
        }
        return Optional.ofNullable(latest);
    }
}
