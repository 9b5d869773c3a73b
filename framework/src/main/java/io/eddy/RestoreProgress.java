package io.eddy;

import java.time.Duration;

/**
 * The progress of restoring one store of one task from its changelog.
 *
 * @param store the store's name
 * @param task the task (partition) number
 * @param phase started, running or done
 * @param restored changelog records applied so far in this restore
 * @param total records to apply in this restore (from the store's stored offset to the changelog's end)
 * @param startOffset the changelog offset the restore started from (0 for a restore from scratch)
 * @param recordsPerSecond the rate so far
 * @param remaining the estimated time left ({@link Duration#ZERO} when done or unknown)
 */
public record RestoreProgress(String store, int task, Phase phase, long restored, long total, long startOffset,
                              double recordsPerSecond, Duration remaining) {

    /** The steps a restore reports. */
    public enum Phase { STARTED, RUNNING, DONE }
}
