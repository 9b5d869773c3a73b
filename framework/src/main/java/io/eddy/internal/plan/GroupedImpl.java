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

    GroupedImpl(PipelineBuilder builder, PlanNode node, Grouped<K, V> grouped) {
        this.builder = builder;
        this.node = node;
        this.grouped = grouped;
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
        return add(name, "reduce", grouped.valueSerde(), store -> StatefulNodes.reduce(store, reducer));
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
        return add(name, kind, aggregateSerde, store -> StatefulNodes.aggregate(store, initializer, aggregator));
    }

    private <A> Table<K, A> add(Named name, String kind, Serde<A> valueSerde,
                                java.util.function.Function<StoreSpec, io.eddy.internal.runtime.Nodes.Factory> factory) {
        Objects.requireNonNull(name, "name");
        StoreSpec store = builder.addStore(name.name(), StoreSpec.Kind.KEY_VALUE, grouped.keySerde(), valueSerde, 0, 0, kind);
        PlanNode table = builder.addNamed(List.of(node), kind, name.name(), factory.apply(store), false);
        return new TableImpl<>(builder, table);
    }
}
