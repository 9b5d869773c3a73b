package io.eddy.dsl;

import io.eddy.serde.Serde;
import io.eddy.state.Windowed;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A grouped stream cut into event-time windows, ready to be aggregated per key and window. The
 * aggregates live in a window (or session) store named after the operator; windows are removed
 * from it once closed, so the state stays bounded by the windows still open. The result is a
 * {@link Table} keyed by {@link Windowed}; choose what it emits with {@link Table#emit}.
 *
 * <p>Event time is the record timestamp as set by {@link RecordStream#withEventTime}, or the
 * Kafka record timestamp with no allowed delay if the stream declared none.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface WindowedStream<K, V> {

    /** Counts records per key and window, in the store {@code name}. */
    Table<Windowed<K>, Long> count(Named name);

    /**
     * Counts records per key and window, in a store with a derived name ({@code window-count-<n>}),
     * logged as unnamed when the pipeline is built; prefer {@link #count(Named)}.
     */
    Table<Windowed<K>, Long> count();

    /** Combines the values of each key and window, in the store {@code name}; sessions merge with the same reducer. */
    Table<Windowed<K>, V> reduce(BinaryOperator<V> reducer, Named name);

    /**
     * Like {@link #reduce(BinaryOperator, Named)}, for tumbling and hopping windows, maintained
     * incrementally with an inverse function (Spark DStream's {@code reduceByKeyAndWindow(func,
     * invFunc)}): a record updates one <em>pane</em> (a slice of {@code gcd(size, advance)}) instead
     * of every window it falls in, and a closing window is computed from the previous one by adding
     * the panes that enter and subtracting, with {@code inverseReducer(aggregate, value)}, those that
     * leave. Worth it for hopping windows with many slides per window ({@code size / advance}),
     * above all with {@link OutputMode#FINAL} output, where a window costs the same whatever the
     * overlap; with {@link OutputMode#UPDATE} every window a record falls in is still emitted.
     * {@link OutputMode#COMPLETE} is refused.
     *
     * <p>The output (values, order, timestamps, late records) is identical to
     * {@link #reduce(BinaryOperator, Named)}'s, provided {@code reducer} is associative and
     * commutative and {@code inverseReducer} undoes it exactly: {@code inverseReducer(reducer(a, b), b)}
     * must equal {@code a}, as for integer sums and counts or multisets. Floating-point sums differ
     * by rounding; minimum and maximum have no inverse; an order-sensitive reducer (string
     * concatenation) differs because panes are combined in time order, not in arrival order. Late
     * records are handled by the same rule as the plain form (a record is late when every window
     * containing it has closed) and never touch a pane, so they cannot make the forms differ. Null
     * values are ignored; neither function may return null.
     *
     * <pre>{@code
     * clicks.groupByKey(grouped)
     *     .window(HoppingWindows.of(Duration.ofMinutes(10), Duration.ofSeconds(10)))
     *     .reduce(Long::sum, (total, leaving) -> total - leaving, Named.as("clicks-10min"))
     *     .emit(OutputMode.FINAL)
     * }</pre>
     *
     * @throws IllegalArgumentException for sliding or session windows
     */
    Table<Windowed<K>, V> reduce(BinaryOperator<V> reducer, BinaryOperator<V> inverseReducer, Named name);

    /**
     * Like {@link #reduce(BinaryOperator, Named)}, in a store with a derived name
     * ({@code window-reduce-<n>}), logged as unnamed when the pipeline is built.
     */
    Table<Windowed<K>, V> reduce(BinaryOperator<V> reducer);

    /**
     * Folds the values of each key and window into an aggregate. Not for session windows, whose
     * aggregates must be mergeable: use {@link #aggregate(Supplier, Aggregator, Merger, Serde, Named)}.
     *
     * @throws IllegalArgumentException for session windows
     */
    <A> Table<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                        Serde<A> aggregateSerde, Named name);

    /**
     * Like {@link #aggregate(Supplier, Aggregator, Serde, Named)}, in a store with a derived name
     * ({@code window-aggregate-<n>}), logged as unnamed when the pipeline is built.
     *
     * @throws IllegalArgumentException for session windows
     */
    <A> Table<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                        Serde<A> aggregateSerde);

    /** Folds the values of each key and window; {@code merger} combines sessions a record joins. */
    <A> Table<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                        Merger<? super K, A> merger, Serde<A> aggregateSerde, Named name);

    /**
     * Like {@link #aggregate(Supplier, Aggregator, Merger, Serde, Named)}, in a store with a derived
     * name ({@code window-aggregate-<n>}), logged as unnamed when the pipeline is built.
     */
    <A> Table<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                        Merger<? super K, A> merger, Serde<A> aggregateSerde);

    /**
     * Routes late records, those that fall only into closed windows, to a stream instead of
     * dropping them: {@code lateStream} receives that stream once, when the pipeline is defined,
     * and attaches whatever it likes to it (a topic, a log). Without it, late records are dropped
     * and counted in {@link io.eddy.AppMetrics#lateRecords()}.
     */
    WindowedStream<K, V> onLateRecords(Consumer<? super RecordStream<K, V>> lateStream);

    /**
     * Opts in to panes for a mergeable aggregation over hopping windows: the time axis is cut into
     * panes of {@code gcd(size, advance)}, a record updates its one pane (one store read and write
     * instead of one per window, {@code size / advance}), and a window's value is the merger's fold
     * of its panes, in time order, computed when the window is emitted ({@code UPDATE},
     * {@code FINAL} or {@code COMPLETE} as usual; emitting costs {@code size / gcd} pane reads).
     *
     * <p>Applies to {@code aggregate(initializer, aggregator, merger, serde, …)} and {@code count};
     * on tumbling, sliding and session windows it changes nothing. The output equals the plain
     * form's when merging two aggregates gives the aggregate of all their records regardless of
     * order (counts, integer sums, sets, count-min sketches); a sketch whose merge changes its
     * estimator (HyperLogLog) gives an estimate within the same bound. The store holds panes, not
     * windows: switching a running application to or from panes needs a new operator name.
     *
     * @return a copy of this windowed stream that keeps panes; this one is unchanged
     * @throws IllegalArgumentException later, from {@code aggregate} without a merger over hopping windows
     */
    WindowedStream<K, V> mergePanes();
}
