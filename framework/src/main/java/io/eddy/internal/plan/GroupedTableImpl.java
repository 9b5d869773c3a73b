package io.eddy.internal.plan;

import io.eddy.dsl.Aggregator;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.GroupedTable;
import io.eddy.dsl.Named;
import io.eddy.dsl.Table;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import java.util.List;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/** The {@link GroupedTable} the DSL hands out: the source of the regrouping's repartition topic, and its serdes. */
final class GroupedTableImpl<K, V> implements GroupedTable<K, V> {
    private final PipelineBuilder builder;
    private final PlanNode source;
    private final Grouped<K, V> grouped;

    GroupedTableImpl(PipelineBuilder builder, PlanNode source, Grouped<K, V> grouped) {
        this.builder = builder;
        this.source = source;
        this.grouped = grouped;
    }

    @Override
    public Table<K, Long> count(Named name) {
        Objects.requireNonNull(name, "name");
        return add(name, "tableCount", () -> 0L, (k, v, n) -> (Long) n + 1, (k, v, n) -> (Long) n - 1, Serdes.longs());
    }

    @Override
    public Table<K, Long> count() {
        return count(builder.nameOf(null, "count", null, "groupBy(...).count(Named.as(\"...\"))"));
    }

    @Override
    public Table<K, V> reduce(BinaryOperator<V> adder, BinaryOperator<V> subtractor, Named name) {
        Objects.requireNonNull(adder, "adder");
        Objects.requireNonNull(subtractor, "subtractor");
        Objects.requireNonNull(name, "name");
        Aggregator<K, V, V> add = (k, v, a) -> adder.apply(a, v);
        Aggregator<K, V, V> subtract = (k, v, a) -> subtractor.apply(a, v);
        return add(name, "tableReduce", null, add, subtract, grouped.valueSerde());
    }

    @Override
    public Table<K, V> reduce(BinaryOperator<V> adder, BinaryOperator<V> subtractor) {
        return reduce(adder, subtractor, builder.nameOf(null, "reduce", null,
                "groupBy(...).reduce(adder, subtractor, Named.as(\"...\"))"));
    }

    @Override
    public <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> adder,
                                     Aggregator<? super K, ? super V, A> subtractor, Serde<A> aggregateSerde,
                                     Named name) {
        return add(Objects.requireNonNull(name, "name"), "tableAggregate", Objects.requireNonNull(initializer,
                        "initializer"), Objects.requireNonNull(adder, "adder"),
                Objects.requireNonNull(subtractor, "subtractor"), Objects.requireNonNull(aggregateSerde, "aggregateSerde"));
    }

    @Override
    public <A> Table<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> adder,
                                     Aggregator<? super K, ? super V, A> subtractor, Serde<A> aggregateSerde) {
        return aggregate(initializer, adder, subtractor, aggregateSerde, builder.nameOf(null, "aggregate", null,
                "groupBy(...).aggregate(initializer, adder, subtractor, serde, Named.as(\"...\"))"));
    }

    private <A> Table<K, A> add(Named name, String kind, Supplier<?> initializer, Aggregator<?, ?, ?> adder,
                                Aggregator<?, ?, ?> subtractor, Serde<?> aggregateSerde) {
        StoreSpec store = builder.addStore(name.name(), StoreSpec.Kind.KEY_VALUE, grouped.keySerde(),
                new TableChanges.CountedSerde(aggregateSerde), 0, 0, kind);
        PlanNode table = builder.addNamed(List.of(source), kind, name.name(),
                new OperatorSpec.TableAggregate(store, initializer, adder, subtractor, 0), false);
        table.namedByArgument = true;
        return new TableImpl<>(builder, table);
    }
}
