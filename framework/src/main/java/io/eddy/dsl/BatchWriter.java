package io.eddy.dsl;

/**
 * Writes one task's share of a micro-batch to a system outside Kafka in one call, for bulk and
 * idempotent writes (a database transaction per batch, a bulk insert, an object per batch).
 * Attached with {@link RecordStream#foreachBatch}; one writer instance exists per task.
 *
 * <h2>When it is called</h2>
 * {@link #write(SinkBatch)} runs once per batch in which the task has records for this sink, while
 * the batch completes and <em>before</em> its Kafka commit (after the task's tables emitted their
 * changed rows, before the batch's output, offsets and checkpoint are committed). A batch in which
 * no record reached the sink does not call it. The records are in the order they reached the sink:
 * per input partition in offset order; rows a table emits at commit come last, and carry the
 * input position (topic, partition, offset) of the last record the task processed, or a null
 * topic if it processed none since it started.
 *
 * <h2>What a replay looks like</h2>
 * If the process dies (or the commit fails) after {@code write} returned and before the Kafka
 * commit, the batch is processed again, by this instance or by whichever instance owns the task
 * next, under the <em>same</em> {@code (task, batchId)}: its records start at the same input
 * offsets, but the replay may end at a different offset (it may hold more records, or fewer).
 * Records that come straight from the input (no aggregation in between) are the same for the
 * offsets both runs covered, with the same {@link SinkRecord#topic() topic}, {@link
 * SinkRecord#partition() partition} and {@link SinkRecord#offset() offset}. On its own this is
 * at-least-once; a writer that stores the last {@code (task, batchId)} (and, for a precise
 * skip, the last input offset per partition) it wrote in the same external transaction as the
 * data can recognise a replay and make the whole sink exactly once.
 *
 * <h2>Errors</h2>
 * If {@code write} throws, the batch fails: it is aborted (nothing of it is committed to Kafka) and
 * the application stops with the error, naming the operator, task and batch id; a restart
 * replays the batch under the same id. The writer must therefore leave the external system
 * either with the whole batch written or with none of it (one transaction), or make the rewrite
 * harmless.
 *
 * <h2>Threading</h2>
 * All calls to one writer run on the worker thread that owns its task, one at a time; writers of
 * different tasks run concurrently on different threads, so anything they share (a connection
 * pool) must be thread-safe. A slow write holds the batch: the task's next batch starts after it.
 *
 * <pre>{@code
 * stream.foreachBatch(() -> batch -> {
 *     try (Connection c = pool.getConnection()) {
 *         // one transaction: the rows and the (task, batchId) they came from
 *     }
 * });
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface BatchWriter<K, V> {

    /**
     * Writes the task's records of one batch. Called before the batch's Kafka commit.
     *
     * @param batch the task, batch id and records; never null, never empty
     * @throws Exception to fail the batch: it is aborted and the application stops
     */
    void write(SinkBatch<K, V> batch) throws Exception;

    /**
     * The task is being dropped (its partition moved away, or the application is closing):
     * release what the writer holds. Errors are logged and ignored. Default: nothing.
     */
    default void close() {
    }
}
