package io.eddy.internal.plan;

import io.eddy.dsl.Named;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.Table;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/** The {@link Table} the DSL hands out: the plan node that holds (or computes) the table. */
final class TableImpl<K, V> implements Table<K, V> {
    final PipelineBuilder builder;
    final PlanNode node;
    /** Whether the table is a windowed aggregation (its node's operator is a {@link OperatorSpec.WindowAggregate}). */
    private final boolean window;
    /** The declared bound on keys (GroupedStream.boundedKeys), or 0. */
    private final long maxKeys;

    TableImpl(PipelineBuilder builder, PlanNode node) {
        this(builder, node, false, 0);
    }

    TableImpl(PipelineBuilder builder, PlanNode node, boolean window, long maxKeys) {
        this.builder = builder;
        this.node = node;
        this.window = window;
        this.maxKeys = maxKeys;
    }

    @Override
    public RecordStream<K, V> toStream() {
        if (window) {
            return emit(io.eddy.dsl.OutputMode.UPDATE);
        }
        return new StreamImpl<>(builder, node);
    }

    @Override
    public RecordStream<K, V> emit(io.eddy.dsl.OutputMode mode) {
        Objects.requireNonNull(mode, "mode");
        switch (mode) {
            case UPDATE -> {
                if (!window) {
                    return toStream();
                }
            }
            case FINAL -> {
                if (!window) {
                    throw new IllegalArgumentException("emit(FINAL) on '" + node.name() + "', which is not a windowed "
                            + "aggregation: a plain aggregation never closes, so it has no final value; use UPDATE, or "
                            + "window the grouped stream first (GroupedStream.window)");
                }
                WindowSpec spec = ((OperatorSpec.WindowAggregate) node.operator).window();
                if (spec.timerStore() == null) {
                    node.operator = new OperatorSpec.WindowAggregate(spec.withTimerStore(builder.addStore(
                            spec.store().name() + "-timers", StoreSpec.Kind.KEY_VALUE, io.eddy.serde.Serdes.bytes(),
                            io.eddy.serde.Serdes.bytes(), 0, 0, "window timers")));
                }
            }
            case COMPLETE -> {
                if (maxKeys <= 0) {
                    throw new IllegalArgumentException("emit(COMPLETE) on '" + node.name() + "' needs a bounded key "
                            + "space: the whole result is emitted at every commit. Declare it with "
                            + "GroupedStream.boundedKeys(maxKeys) before aggregating");
                }
                if (!(node.kind.equals("count") || node.kind.equals("reduce") || node.kind.equals("aggregate"))
                        && !window) {
                    throw new IllegalArgumentException("emit(COMPLETE) needs an aggregation; '" + node.name() + "' is a "
                            + node.kind);
                }
            }
        }
        PlanNode out = builder.add(node, "emit" + mode.name().charAt(0) + mode.name().substring(1).toLowerCase(
                java.util.Locale.ROOT), new OperatorSpec.PassThrough(), false);
        if (mode != io.eddy.dsl.OutputMode.UPDATE) {
            node.childModes.put(out, mode);
        }
        return new StreamImpl<>(builder, out);
    }

    @Override
    public <VO, R> Table<K, R> join(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner) {
        return join(other, joiner, JoinType.INNER, null);
    }

    @Override
    public <VO, R> Table<K, R> join(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner,
                                    Named name) {
        return join(other, joiner, JoinType.INNER, Objects.requireNonNull(name, "name"));
    }

    @Override
    public <VO, R> Table<K, R> leftJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner) {
        return join(other, joiner, JoinType.LEFT, null);
    }

    @Override
    public <VO, R> Table<K, R> leftJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner,
                                        Named name) {
        return join(other, joiner, JoinType.LEFT, Objects.requireNonNull(name, "name"));
    }

    @Override
    public <VO, R> Table<K, R> outerJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner) {
        return join(other, joiner, JoinType.OUTER, null);
    }

    @Override
    public <VO, R> Table<K, R> outerJoin(Table<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner,
                                         Named name) {
        return join(other, joiner, JoinType.OUTER, Objects.requireNonNull(name, "name"));
    }

    /** A table-table join keeps no state of its own, so an unnamed one gets a derived name without a warning. */
    private <R> Table<K, R> join(Table<?, ?> other, BiFunction<?, ?, ?> joiner, JoinType type, Named name) {
        Objects.requireNonNull(joiner, "joiner");
        if (!(other instanceof TableImpl<?, ?> o) || o.builder != builder) {
            throw new IllegalArgumentException("can only join a table of the same pipeline");
        }
        if (window || o.window) {
            throw new IllegalArgumentException("windowed tables cannot be joined yet; emit them (Table.emit) and "
                    + "join the resulting streams");
        }
        String kind = switch (type) {
            case INNER -> "tableJoin";
            case LEFT -> "tableLeftJoin";
            case OUTER -> "tableOuterJoin";
        };
        PlanNode join = builder.addNamed(List.of(node, o.node), kind,
                name != null ? name.name() : builder.derivedName(kind),
                new OperatorSpec.TableJoin(node, o.node, joiner, type), false);
        return new TableImpl<>(builder, join);
    }
}
