package io.eddy.internal.plan;

import io.eddy.dsl.RecordStream;
import io.eddy.dsl.Table;
import io.eddy.internal.runtime.StatefulNodes;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/** The {@link Table} the DSL hands out: the plan node that holds (or computes) the table. */
final class TableImpl<K, V> implements Table<K, V> {
    final PipelineBuilder builder;
    final PlanNode node;

    TableImpl(PipelineBuilder builder, PlanNode node) {
        this.builder = builder;
        this.node = node;
    }

    @Override
    public RecordStream<K, V> toStream() {
        return new StreamImpl<>(builder, node);
    }

    @Override
    public <VO, R> Table<K, R> join(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner) {
        return join(other, joiner, StatefulNodes.JoinType.INNER);
    }

    @Override
    public <VO, R> Table<K, R> leftJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner) {
        return join(other, joiner, StatefulNodes.JoinType.LEFT);
    }

    @Override
    public <VO, R> Table<K, R> outerJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner) {
        return join(other, joiner, StatefulNodes.JoinType.OUTER);
    }

    private <R> Table<K, R> join(Table<?, ?> other, BiFunction<?, ?, ?> joiner, StatefulNodes.JoinType type) {
        Objects.requireNonNull(joiner, "joiner");
        if (!(other instanceof TableImpl<?, ?> o) || o.builder != builder) {
            throw new IllegalArgumentException("can only join a table of the same pipeline");
        }
        String kind = switch (type) {
            case INNER -> "tableJoin";
            case LEFT -> "tableLeftJoin";
            case OUTER -> "tableOuterJoin";
        };
        PlanNode join = builder.addNamed(List.of(node, o.node), kind, builder.derivedName(kind),
                StatefulNodes.tableJoin(node, o.node, joiner, type), false);
        return new TableImpl<>(builder, join);
    }
}
