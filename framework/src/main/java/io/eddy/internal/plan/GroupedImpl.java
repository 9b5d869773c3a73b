package io.eddy.internal.plan;

import io.eddy.dsl.RecordStream;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.ProcessedStream;
import io.eddy.processor.StateMapper;
import io.eddy.processor.StateSpec;
import io.eddy.processor.StateTimeout;
import io.eddy.processor.StateUpdater;

import io.eddy.dsl.Aggregator;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.GroupedStream;
import io.eddy.dsl.Named;
import io.eddy.dsl.Table;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import java.util.List;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/** The {@link GroupedStream} the DSL hands out: the node whose records are grouped, and their serdes. */
final class GroupedImpl<K, V> implements GroupedStream<K, V> {
    private final PipelineBuilder builder;
    private final PlanNode node;
    private final Grouped<K, V> grouped;
    private final Long eventTimeDelayMs;
    private final long maxKeys;

    GroupedImpl(PipelineBuilder builder, PlanNode node, Grouped<K, V> grouped, Long eventTimeDelayMs) {
        this(builder, node, grouped, eventTimeDelayMs, 0);
    }

    private GroupedImpl(PipelineBuilder builder, PlanNode node, Grouped<K, V> grouped, Long eventTimeDelayMs,
                        long maxKeys) {
        this.builder = builder;
        this.node = node;
        this.grouped = grouped;
        this.eventTimeDelayMs = eventTimeDelayMs;
        this.maxKeys = maxKeys;
    }

    @Override
    public Table<K, Long> count(Named name) {
        return aggregate(() -> 0L, (k, v, n) -> n + 1, Serdes.longs(), Objects.requireNonNull(name, "name"), "count");
    }

    @Override
    public Table<K, Long> count() {
        return count(builder.nameOf(null, "count", null, "count(Named.as(\"...\"))"));
    }

    @Override
    public Table<K, V> reduce(BinaryOperator<V> reducer, Named name) {
        Objects.requireNonNull(reducer, "reducer");
        Objects.requireNonNull(name, "name");
        return add(name, "reduce", grouped.valueSerde(), store -> new OperatorSpec.Reduce(store, reducer, maxKeys));
    }

    @Override
    public Table<K, V> reduce(BinaryOperator<V> reducer) {
        return reduce(reducer, builder.nameOf(null, "reduce", null, "reduce(reducer, Named.as(\"...\"))"));
    }

    @Override
    public <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                     Serde<A> aggregateSerde, Named name) {
        return aggregate(initializer, aggregator, aggregateSerde, Objects.requireNonNull(name, "name"), "aggregate");
    }

    @Override
    public <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                     Serde<A> aggregateSerde) {
        return aggregate(initializer, aggregator, aggregateSerde, builder.nameOf(null, "aggregate", null,
                "aggregate(initializer, aggregator, serde, Named.as(\"...\"))"));
    }

    private <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                      Serde<A> aggregateSerde, Named name, String kind) {
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(aggregator, "aggregator");
        Objects.requireNonNull(aggregateSerde, "aggregateSerde");
        return add(name, kind, aggregateSerde, store -> new OperatorSpec.Aggregate(store, initializer, aggregator, maxKeys));
    }

    private <A> Table<K, A> add(Named name, String kind, Serde<A> valueSerde,
                                java.util.function.Function<StoreSpec, OperatorSpec> operator) {
        StoreSpec store = builder.addStore(name.name(), StoreSpec.Kind.KEY_VALUE, grouped.keySerde(), valueSerde, 0, 0, kind);
        PlanNode table = builder.addNamed(List.of(node), kind, name.name(), operator.apply(store), false);
        table.namedByArgument = true;
        return new TableImpl<>(builder, table, false, maxKeys);
    }

    @Override
    public <KO, VO> ProcessedStream<KO, VO> process(Supplier<? extends KeyedProcessor<K, V, KO, VO>> processor,
                                                    List<? extends StateSpec> states, Named name) {
        return keyedProcess(processor, states, name, "process", true);
    }

    private <KO, VO> ProcessedStream<KO, VO> keyedProcess(Supplier<?> processor, List<? extends StateSpec> states,
                                                          Named name, String kind, boolean keyChanged) {
        Objects.requireNonNull(processor, "processor");
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(name, "name");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (StateSpec s : states) {
            if (!names.add(Objects.requireNonNull(s, "a state declaration").name())) {
                throw new IllegalArgumentException("state variable '" + s.name() + "' is declared twice for operator '"
                        + name.name() + "'; state names must be unique per operator");
            }
        }
        StoreSpec state = builder.addStore(name.name(), StoreSpec.Kind.KEY_VALUE, Serdes.bytes(), Serdes.bytes(), 0, 0,
                kind);
        StoreSpec timers = builder.addStore(name.name() + "-timers", StoreSpec.Kind.KEY_VALUE, Serdes.bytes(),
                Serdes.bytes(), 0, 0, kind + " timers");
        PlanNode node = builder.addNamed(List.of(this.node), kind, name.name(), new OperatorSpec.KeyedProcess(state,
                timers, processor, List.copyOf(states), grouped.keySerde(), List.of()), false);
        node.namedByArgument = true;
        // timers follow the stream's event time: record timestamps with no allowed delay unless declared
        node.eventTimeDelayMs = eventTimeDelayMs == null ? 0L : eventTimeDelayMs;
        return new ProcessedStreamImpl<>(builder, node, keyChanged, eventTimeDelayMs);
    }

    @Override
    public <S, R> RecordStream<K, R> mapWithState(StateMapper<? super K, ? super V, S, ? extends R> function,
                                                  Serde<S> stateSerde, StateTimeout timeout, Named name) {
        return withState(function, stateSerde, timeout, name, false, "mapWithState");
    }

    @Override
    public <S, R> RecordStream<K, R> flatMapWithState(
            StateMapper<? super K, ? super V, S, ? extends Iterable<? extends R>> function, Serde<S> stateSerde,
            StateTimeout timeout, Named name) {
        return withState(function, stateSerde, timeout, name, true, "flatMapWithState");
    }

    private <S, R> RecordStream<K, R> withState(StateMapper<? super K, ? super V, S, ?> function, Serde<S> stateSerde,
                                                StateTimeout timeout, Named name, boolean flat, String kind) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(stateSerde, "stateSerde");
        Objects.requireNonNull(timeout, "timeout");
        io.eddy.processor.ValueStateSpec<S> state = GroupStateProcessor.stateSpec(stateSerde);
        Supplier<KeyedProcessor<K, V, K, R>> processor = () -> new GroupStateProcessor<>(state, function, timeout, flat);
        return keyedProcess(processor, List.of(state, GroupStateProcessor.TIMEOUT), name, kind, false);
    }

    @Override
    public <S> Table<K, S> updateStateByKey(StateUpdater<? super K, ? super V, S> updater, Serde<S> stateSerde,
                                            Named name) {
        Objects.requireNonNull(updater, "updater");
        Objects.requireNonNull(stateSerde, "stateSerde");
        return add(Objects.requireNonNull(name, "name"), "updateStateByKey", stateSerde,
                store -> new OperatorSpec.UpdateState(store, updater));
    }

    @Override
    public io.eddy.dsl.WindowedStream<K, V> window(io.eddy.dsl.Windows windows) {
        Objects.requireNonNull(windows, "windows");
        return new WindowedStreamImpl<>(builder, node, grouped, windows, eventTimeDelayMs, maxKeys, null);
    }

    @Override
    public GroupedStream<K, V> boundedKeys(long maxKeys) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("boundedKeys must be positive, was " + maxKeys);
        }
        return new GroupedImpl<>(builder, node, grouped, eventTimeDelayMs, maxKeys);
    }
}
