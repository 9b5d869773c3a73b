package io.eddy.dsl;

/**
 * Identifies one task's share of one micro-batch, given to {@link ForeachWriter#open}.
 *
 * <p>{@code batchId} counts the batches the task has committed, and is stored with the task's
 * committed offsets, so it survives restarts and moves with the task to another instance: after
 * a failure, the batch that did not commit is processed again under the <em>same</em> id, starting
 * at the same offsets (it may end at a different offset). A writer that records the last
 * {@code (task, batchId)} it completed can therefore recognise a replay.
 *
 * @param task the task number (the input partition number)
 * @param batchId the task's batch number, from 0
 */
public record TaskBatch(int task, long batchId) {
}
