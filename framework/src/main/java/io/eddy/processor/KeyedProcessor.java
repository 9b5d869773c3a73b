package io.eddy.processor;

/**
 * Per-key logic with state and timers, run on a grouped stream by
 * {@link io.eddy.dsl.GroupedStream#process}. One instance exists per task (the supplier given to
 * {@code process} creates it); every method runs on that task's worker thread, so an instance
 * needs no synchronization.
 *
 * <p>Lifecycle: {@link #init} once, after the task's stores are restored; then, batch after
 * batch, {@link #process} for each record (the records of one key arrive in offset order, because
 * a key lives in one partition) and {@link #onTimer} for each timer that became due when the
 * batch commits; {@link #close} when the task is dropped (rebalance, shutdown). A batch that
 * aborts is processed again from its first record on state as of the last commit, so the
 * processor must keep everything that must survive in its state variables, not in fields.
 *
 * <p>The context's state variables and timers always refer to the key being processed (the
 * record's key, or the fired timer's key).
 *
 * <pre>{@code
 * static final ValueStateSpec<Long> TOTAL = StateSpec.value("total", Serdes.longs());
 *
 * grouped.process(() -> new KeyedProcessor<String, Long, String, Long>() {
 *     public void process(String key, Long amount, KeyedContext<String, String, Long> ctx) {
 *         ValueState<Long> total = ctx.state(TOTAL);
 *         total.update(total.exists() ? total.get() + amount : amount);
 *         ctx.timers().registerEventTime(ctx.timestamp() + 30_000);   // 30 s of silence
 *     }
 *     public void onTimer(String key, Timer timer, KeyedContext<String, String, Long> ctx) {
 *         ctx.forward(key, ctx.state(TOTAL).get());
 *         ctx.state(TOTAL).clear();
 *     }
 * }, List.of(TOTAL), Named.as("totals"));
 * }</pre>
 *
 * @param <K>  key type of the grouped stream
 * @param <V>  value type of the grouped stream
 * @param <KO> key type of the output
 * @param <VO> value type of the output
 */
public interface KeyedProcessor<K, V, KO, VO> {

    /** Called once per task before any record or timer; the context is the one later calls get. */
    default void init(KeyedContext<K, KO, VO> context) {
    }

    /**
     * Handles one record. Throwing fails the record: the application's error handler decides
     * (skip the record or fail the batch), as for any operator. When it skips, what the processor
     * wrote to state and emitted for that record before throwing stays part of the batch: write
     * state after the checks that may throw.
     *
     * @param key   the record's key (never null: grouping refuses null keys)
     * @param value the record's value, possibly null
     */
    void process(K key, V value, KeyedContext<K, KO, VO> context);

    /**
     * Handles a timer of {@code key} that became due: an event-time timer once the task's
     * watermark reached its time, a processing-time timer once the clock did. A timer fires once;
     * to fire again, register it again. Called while the batch commits, after the batch's records.
     * Default: nothing.
     */
    default void onTimer(K key, Timer timer, KeyedContext<K, KO, VO> context) {
    }

    /** Called when the task is dropped; release resources here. Default: nothing. */
    default void close() {
    }
}
