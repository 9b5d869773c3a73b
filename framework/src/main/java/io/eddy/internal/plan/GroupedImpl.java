package io.eddy.internal.plan;

import io.eddy.dsl.Aggregator;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.GroupedStream;
import io.eddy.dsl.Named;
import io.eddy.dsl.Table;
import io.eddy.internal.runtime.StatefulNodes;
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
        return aggregate(() -> 0L, (k, v, n) -> n + 1, Serdes.longs(), name, "count");
    }

    @Override
    public Table<K, Long> count() {
        return count(Named.as(builder.derivedName("count")));
    }

    @Override
    public Table<K, V> reduce(BinaryOperator<V> reducer, Named name) {
        Objects.requireNonNull(reducer, "reducer");
        return add(name, "reduce", grouped.valueSerde(), store -> StatefulNodes.reduce(store, reducer, maxKeys));
    }

    @Override
    public <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                     Serde<A> aggregateSerde, Named name) {
        return aggregate(initializer, aggregator, aggregateSerde, name, "aggregate");
    }

    private <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                      Serde<A> aggregateSerde, Named name, String kind) {
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(aggregator, "aggregator");
        Objects.requireNonNull(aggregateSerde, "aggregateSerde");
        return add(name, kind, aggregateSerde, store -> StatefulNodes.aggregate(store, initializer, aggregator, maxKeys));
    }

    private <A> Table<K, A> add(Named name, String kind, Serde<A> valueSerde,
                                java.util.function.Function<StoreSpec, io.eddy.internal.runtime.Nodes.Factory> factory) {
        Objects.requireNonNull(name, "name");
        StoreSpec store = builder.addStore(name.name(), StoreSpec.Kind.KEY_VALUE, grouped.keySerde(), valueSerde, 0, 0, kind);
        PlanNode table = builder.addNamed(List.of(node), kind, name.name(), factory.apply(store), false);
        return new TableImpl<>(builder, table, null, maxKeys);
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
