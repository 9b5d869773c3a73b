package io.eddy.dsl;

/**
 * Writes a stream's records to a system outside Kafka, batch by batch, so the writes can be made
 * idempotent. One writer instance exists per task (created by the factory given to
 * {@link RecordStream#foreach}); all its methods run on that task's worker thread.
 *
 * <p>Lifecycle, for each batch in which the task has records for this sink:
 * <ol>
 *   <li>{@link #open(TaskBatch)} before the first record; return false to skip every record of
 *       this batch (for example because this {@code (task, batchId)} was already written);</li>
 *   <li>{@link #process(SinkRecord)} for each record, in offset order;</li>
 *   <li>{@link #close(Throwable)} with null just <em>before</em> the batch commits its offsets
 *       (flush here; throwing fails the batch), or with the error when the batch is aborted.</li>
 * </ol>
 * Because close(null) runs before the Kafka commit, a crash between the two replays the batch:
 * the writer sees the same {@code (task, batchId)} again. That is the at-least-once half of the
 * contract; idempotent writes (by {@code batchId} or by the record's offset) make it exactly once.
 * A batch that was closed with null may still fail to commit (a refused or fenced commit); the
 * writer is then not called again for it, and the batch is replayed under the same id, here or on
 * the task's next owner.
 *
 * <p>Two optional callbacks let a writer stage its output before the commit and publish it after
 * (as the file sink of the connectors module does):
 * <ul>
 *   <li>{@link #taskStarted(TaskBatch)} once, when the task is created on this member (the
 *       factory is called then; under a pattern source whose topic appears later, at the first
 *       record), before any other call: the batch it names will run next, so every lower batch id
 *       of this task has committed and none at or above it has;</li>
 *   <li>{@link #committed(TaskBatch)} after a batch that was closed with null has committed.
 *       A crash can prevent this call even though the batch committed: the next
 *       {@link #taskStarted(TaskBatch)} (with a higher batch id) is where a writer finishes it.</li>
 * </ul>
 *
 * <h2>A slow or overloaded target: backpressure</h2>
 * When the target system cannot take more now, throw {@link SinkBackpressureException} with a
 * retry-after from {@link #process} or from {@link #close} (with a null error), instead of
 * blocking the worker thread. The runtime then, at once:
 * <ol>
 *   <li>aborts the batch: {@code close(error)} runs with that exception; the Kafka transaction (and
 *       the output and state changes of every task in the batch) is aborted right away, so no
 *       transaction stays open while the sink recovers, whatever the retry-after;</li>
 *   <li>rewinds every input partition the batch read to the batch's first record (nothing is
 *       lost, nothing is committed twice);</li>
 *   <li>pauses this task's input partitions for the retry-after; the worker's other tasks go on;</li>
 *   <li>then processes the same records again: this writer sees the same {@code (task, batchId)}
 *       in {@link #open}, so idempotent writes stay exactly once.</li>
 * </ol>
 * The exception never reaches the error handler and is retried for as long as the writer throws
 * it; each time counts in {@code AppMetrics.retriedBatches()}. Under
 * {@code Guarantee.AT_LEAST_ONCE}, Kafka output the aborted batch already sent stays, as for any
 * aborted batch. The same exception is the contract for batch writers added later: throwing it
 * from any sink's write or flush has the same effect.
 *
 * <pre>{@code
 * stream.foreach(() -> new ForeachWriter<String, Long>() {
 *     public void process(SinkRecord<String, Long> r) { db.upsert(r.key(), r.value()); }
 * });
 * }</pre>
 */
public interface ForeachWriter<K, V> {

    /** Called before the batch's first record; returns whether to process this batch's records. */
    default boolean open(TaskBatch batch) {
        return true;
    }

    /** Writes one record. */
    void process(SinkRecord<K, V> record);

    /**
     * Ends the batch: {@code error} is null when the batch is about to commit, or why it was
     * aborted.
     */
    default void close(Throwable error) {
    }

    /**
     * The task has been created on this member; {@code next} is the batch it will run next (its
     * batch id is the number of batches the task has committed, read from its checkpoint). Called
     * once per writer, before any other method. Use it to finish or discard what a previous owner
     * of the task left behind: batches below {@code next.batchId()} committed, the others did not.
     * Throwing is logged and otherwise ignored. Default: nothing.
     */
    default void taskStarted(TaskBatch next) {
    }

    /**
     * The batch this writer was last closed for with {@code close(null)} has committed in Kafka:
     * publish what was staged for it. It cannot be undone any more: throwing is logged and
     * otherwise ignored, so a writer must be able to finish the publication later (see
     * {@link #taskStarted(TaskBatch)}). Default: nothing.
     */
    default void committed(TaskBatch batch) {
    }
}
