package io.eddy.dsl;

import java.util.Map;

/**
 * An in-process, queryable table of a pipeline's latest results, for tests and notebooks; created
 * by {@link RecordStream#toMemory(String)} or {@link Table#toMemory(String, OutputMode)}.
 *
 * <p>It holds what <em>committed</em> batches produced: a batch's records become visible, all
 * of a task's records of that batch at once, after the batch's Kafka commit; an aborted batch
 * leaves no trace. How records change the table depends on the {@link #mode()}:
 * <ul>
 *   <li>{@link OutputMode#UPDATE} (and {@code FINAL}): the latest value per key; a null value (a
 *       tombstone) removes the key.</li>
 *   <li>{@link OutputMode#COMPLETE}: the whole result as of the last committed batch: each
 *       task's rows are replaced by the rows its latest batch emitted (a COMPLETE aggregation
 *       emits all its rows at every commit in which something changed).</li>
 * </ul>
 *
 * <p>Thread-safe: read it from any thread while the application runs. Each read sees, for every
 * task, the state after one of its committed batches (never part of a batch). The table lives in
 * this JVM and holds only what this instance's tasks produced; rows of a task that moved to
 * another instance stay as they were. Everything is held on the heap: keep it for small results.
 *
 * <pre>{@code
 * AtomicReference<MemorySink<String, Long>> clicks = new AtomicReference<>();
 * EddyApp app = EddyApp.builder("clicks").bootstrapServers(servers)
 *         .pipeline(p -> clicks.set(p.kafka("clicks", consumed).groupByKey(grouped).count(Named.as("clicks"))
 *                 .toMemory("clicks-per-user")))
 *         .build();
 * app.start();
 * Long n = clicks.get().get("user-1");   // from any thread
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface MemorySink<K, V> {

    /** The name given when the sink was declared. */
    String name();

    /** How records change the table: {@link OutputMode#UPDATE}, {@code FINAL} or {@code COMPLETE}. */
    OutputMode mode();

    /**
     * A copy of the table as of the committed batches so far: an immutable map (insertion order is
     * not meaningful). Costs a copy of every row; never null.
     */
    Map<K, V> snapshot();

    /** The value of {@code key} as of the committed batches so far, or null if absent. */
    V get(K key);

    /** The number of rows. */
    int size();

    /**
     * How many task batches have been published into the table so far: grows by one each time a
     * task's committed batch changed it. Useful to wait for progress in a test.
     */
    long version();
}
