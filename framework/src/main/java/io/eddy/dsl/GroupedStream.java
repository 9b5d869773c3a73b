package io.eddy.dsl;

import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.ProcessedStream;
import io.eddy.processor.StateMapper;
import io.eddy.processor.StateSpec;
import io.eddy.processor.StateTimeout;
import io.eddy.processor.StateUpdater;

import io.eddy.serde.Serde;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * A stream whose records are grouped by key, each key owned by exactly one task, ready to be
 * aggregated. Aggregations keep one value per key in a state store named after the operator
 * (see {@link Named}) and produce a {@link Table}: at each commit, every key whose aggregate
 * changed in the batch is emitted once, with its new value.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface GroupedStream<K, V> {

    /** Counts records per key, in the store {@code name}. */
    Table<K, Long> count(Named name);

    /**
     * Counts records per key, in a store with a derived name ({@code count-<n>}), logged as unnamed
     * when the pipeline is built; prefer {@link #count(Named)}.
     */
    Table<K, Long> count();

    /**
     * Combines the values of each key with {@code reducer}, in the store {@code name}; the first
     * value is the initial aggregate. Null values are ignored; the reducer must not return null.
     */
    Table<K, V> reduce(BinaryOperator<V> reducer, Named name);

    /**
     * Like {@link #reduce(BinaryOperator, Named)}, in a store with a derived name
     * ({@code reduce-<n>}), logged as unnamed when the pipeline is built.
     */
    Table<K, V> reduce(BinaryOperator<V> reducer);

    /**
     * Folds the values of each key into an aggregate that starts as {@code initializer.get()}.
     *
     * @param aggregateSerde serializes aggregates for the store and its changelog
     */
    <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                              Serde<A> aggregateSerde, Named name);

    /**
     * Like {@link #aggregate(Supplier, Aggregator, Serde, Named)}, in a store with a derived name
     * ({@code aggregate-<n>}), logged as unnamed when the pipeline is built.
     */
    <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                              Serde<A> aggregateSerde);

    /**
     * Runs a keyed processor with state variables and timers (see {@link KeyedProcessor}): one
     * processor instance per task, records in offset order, state and timers in changelogged
     * stores named after the operator ({@code <name>} and {@code <name>-timers}) and written in the
     * batch's transaction. The result is the processor's main output; its side outputs are read
     * with {@link ProcessedStream#sideOutput}. Event time is the stream's (see
     * {@link RecordStream#withEventTime}); without it, record timestamps with no allowed delay.
     *
     * @param processor creates the processor of each task
     * @param states    the state variables the processor uses, with distinct names
     * @param name      names the operator, its stores and their changelogs
     * @throws IllegalArgumentException if two state variables share a name
     */
    <KO, VO> ProcessedStream<KO, VO> process(Supplier<? extends KeyedProcessor<K, V, KO, VO>> processor,
                                             List<? extends StateSpec> states, Named name);

    /**
     * Maps each record with one state value per key and an optional timeout (Spark's
     * {@code mapWithState} / {@code mapGroupsWithState}): {@code function} gets the key, the
     * value and the key's {@link GroupState}; what it returns (unless null) is emitted under the
     * key. When the key's timeout passes, {@code function} is called once more with a null value
     * and {@link GroupState#hasTimedOut()} true. Built on {@link #process}: the state is a value
     * state named {@code state}, changelogged like any other.
     */
    <S, R> RecordStream<K, R> mapWithState(StateMapper<? super K, ? super V, S, ? extends R> function,
                                           Serde<S> stateSerde, StateTimeout timeout, Named name);

    /**
     * Like {@link #mapWithState}, but {@code function} returns zero or more outputs (null for none).
     */
    <S, R> RecordStream<K, R> flatMapWithState(
            StateMapper<? super K, ? super V, S, ? extends Iterable<? extends R>> function,
            Serde<S> stateSerde, StateTimeout timeout, Named name);

    /**
     * Folds each record into its key's state (Spark's {@code updateStateByKey}) like
     * {@link #aggregate}, except that {@code updater} may return null to remove the key: the
     * table then emits a deletion (a null value) for it.
     */
    <S> Table<K, S> updateStateByKey(StateUpdater<? super K, ? super V, S> updater, Serde<S> stateSerde, Named name);

    /**
     * Cuts the grouped stream into event-time windows; see {@link Windows} for the kinds and
     * {@link RecordStream#withEventTime} for where event time comes from.
     */
    WindowedStream<K, V> window(Windows windows);

    /**
     * Declares that at most {@code maxKeys} distinct keys are grouped, per task, which
     * {@link OutputMode#COMPLETE} requires. A batch that would hold more fails the application
     * with an error naming the bound.
     *
     * @throws IllegalArgumentException if {@code maxKeys} is not positive
     */
    GroupedStream<K, V> boundedKeys(long maxKeys);
}
