package io.eddy.internal.plan;

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
