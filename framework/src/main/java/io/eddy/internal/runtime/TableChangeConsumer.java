package io.eddy.internal.runtime;

/**
 * A child of a {@link TableNode} that takes the table's changes with the row before and after
 * (a table's {@code mapValues}, {@code filter} and {@code groupBy}), instead of only the new row.
 * Called on the task's worker thread while the parent emits, at commit, with the record context
 * set to the change's timestamp.
 */
interface TableChangeConsumer {

    /**
     * {@code key}'s row changed from {@code old} to {@code row} in the batch.
     *
     * @param old the row before the batch: null if absent, {@link TableNode#UNKNOWN_OLD} if the
     *     parent cannot tell
     * @param row the row now, or null if deleted
     */
    void change(Object key, Object old, Object row);
}
