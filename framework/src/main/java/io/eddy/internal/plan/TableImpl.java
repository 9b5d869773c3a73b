package io.eddy.internal.plan;

import io.eddy.dsl.Named;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.Table;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import io.eddy.dsl.GroupedTable;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;

/** The {@link Table} the DSL hands out: the plan node that holds (or computes) the table. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class TableImpl<K, V> implements Table<K, V> {
    final PipelineBuilder builder;
    final PlanNode node;
    /** Whether the table is a windowed aggregation (its node's operator is a {@link OperatorSpec.WindowAggregate}). */
    private final boolean window;
    /** The declared bound on keys (GroupedStream.boundedKeys), or 0. */
    private final long maxKeys;
    /** Whether the table's changes carry the row before the batch (false for table-table joins), so it can be regrouped. */
    private final boolean knowsOldRows;

    TableImpl(PipelineBuilder builder, PlanNode node) {
        this(builder, node, false, 0);
    }

    TableImpl(PipelineBuilder builder, PlanNode node, boolean window, long maxKeys) {
        this(builder, node, window, maxKeys, true);
    }

    private TableImpl(PipelineBuilder builder, PlanNode node, boolean window, long maxKeys, boolean knowsOldRows) {
        this.builder = builder;
        this.node = node;
        this.window = window;
        this.maxKeys = maxKeys;
        this.knowsOldRows = knowsOldRows;
    }

    // ---- transforming and regrouping

    @Override
    public <VR> Table<K, VR> mapValues(Function<? super V, ? extends VR> mapper) {
        return derived("tableMapValues", null, mapper, null, false);
    }

    @Override
    public <VR> Table<K, VR> mapValues(Function<? super V, ? extends VR> mapper, Named name) {
        return derived("tableMapValues", Objects.requireNonNull(name, "name"), mapper, null, false);
    }

    @Override
    public Table<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        return derived("tableFilter", null, null, predicate, false);
    }

    @Override
    public Table<K, V> filter(BiPredicate<? super K, ? super V> predicate, Named name) {
        return derived("tableFilter", Objects.requireNonNull(name, "name"), null, predicate, false);
    }

    @Override
    public Table<K, V> filterNot(BiPredicate<? super K, ? super V> predicate) {
        return derived("tableFilterNot", null, null, predicate, true);
    }

    @Override
    public Table<K, V> filterNot(BiPredicate<? super K, ? super V> predicate, Named name) {
        return derived("tableFilterNot", Objects.requireNonNull(name, "name"), null, predicate, true);
    }

    /** A stateless table computed from this one: mapped ({@code mapper}) or filtered ({@code predicate}). */
    private <R> Table<K, R> derived(String kind, Named name, Function<?, ?> mapper, BiPredicate<?, ?> predicate,
                                    boolean not) {
        if (mapper == null) {
            Objects.requireNonNull(predicate, "predicate");
        }
        if (window) {
            throw new IllegalArgumentException(kind + " on the windowed aggregation '" + node.name() + "': windowed "
                    + "tables cannot be transformed yet; emit them (Table.emit) and transform the stream");
        }
        OperatorSpec op;
        if (mapper != null) {
            Function<Object, Object> m = (Function<Object, Object>) mapper;
            op = new OperatorSpec.TableMapValues(node, (k, v) -> {
                Object out = m.apply(v);
                if (out == null) {
                    throw new NullPointerException("the table's mapValues mapper returned null");
                }
                return out;
            });
        } else {
            op = new OperatorSpec.TableFilter(node, predicate, not);
        }
        PlanNode out = name == null ? builder.add(node, kind, op, false)
                : builder.addNamed(List.of(node), kind, name.name(), op, false);
        return new TableImpl<>(builder, out, false, 0, knowsOldRows);
    }

    @Override
    public <K2, V2> GroupedTable<K2, V2> groupBy(BiFunction<? super K, ? super V, KeyValue<K2, V2>> selector,
                                                 Grouped<K2, V2> grouped, Named name) {
        return groupByAs(selector, grouped, Objects.requireNonNull(name, "name"));
    }

    @Override
    public <K2, V2> GroupedTable<K2, V2> groupBy(BiFunction<? super K, ? super V, KeyValue<K2, V2>> selector,
                                                 Grouped<K2, V2> grouped) {
        return groupByAs(selector, grouped, null);
    }

    private <K2, V2> GroupedTable<K2, V2> groupByAs(BiFunction<?, ?, ?> selector, Grouped<K2, V2> grouped, Named name) {
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(grouped, "grouped");
        if (window) {
            throw new IllegalArgumentException("groupBy on the windowed aggregation '" + node.name() + "': windowed "
                    + "tables cannot be regrouped yet; emit them (Table.emit) and group the stream");
        }
        if (!knowsOldRows) {
            throw new IllegalArgumentException("groupBy on '" + node.name() + "', which is computed from a table-table "
                    + "join: a join cannot tell a row's previous value, so the regrouping could not retract it. "
                    + "Materialize the join first: join(...).toStream().toTable(keySerde, valueSerde, Named.as(\"...\"))"
                    + ".groupBy(...)");
        }
        String repartition = builder.nameOf(name, "groupBy", null,
                "groupBy(selector, grouped, Named.as(\"...\"))").name();
        String topic = builder.repartitionTopic(repartition);
        PlanNode select = builder.addNamed(List.of(node), "tableGroupBy", repartition + "-select",
                new OperatorSpec.TableGroupBy(selector), false);
        TableChanges.ChangeSerde changes = new TableChanges.ChangeSerde(grouped.valueSerde());
        builder.addNamed(List.of(select), "repartition", repartition + "-sink",
                new OperatorSpec.RepartitionSink(topic, grouped.keySerde(), changes), false);
        PlanNode source = builder.addRepartitionSource(repartition,
                (io.eddy.dsl.Consumed) io.eddy.dsl.Consumed.with(grouped.keySerde(), changes));
        return new GroupedTableImpl<>(builder, source, grouped);
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
                if (node.operator instanceof OperatorSpec.InvertibleWindowReduce r) {
                    if (r.window().timerStore() == null) {
                        node.operator = new OperatorSpec.InvertibleWindowReduce(r.window().withTimerStore(builder.addStore(
                                r.window().store().name() + "-timers", StoreSpec.Kind.KEY_VALUE,
                                io.eddy.serde.Serdes.bytes(), io.eddy.serde.Serdes.bytes(), 0, 0, "window timers")),
                                r.reducer(), r.inverse(), r.running(), r.paneMs());
                    }
                } else {
                    OperatorSpec.WindowAggregate w = (OperatorSpec.WindowAggregate) node.operator;
                    WindowSpec spec = w.window();
                    if (spec.timerStore() == null) {
                        node.operator = new OperatorSpec.WindowAggregate(spec.withTimerStore(builder.addStore(
                                spec.store().name() + "-timers", StoreSpec.Kind.KEY_VALUE, io.eddy.serde.Serdes.bytes(),
                                io.eddy.serde.Serdes.bytes(), 0, 0, "window timers")), w.paneMs());
                    }
                }
            }
            case COMPLETE -> {
                if (node.operator instanceof OperatorSpec.InvertibleWindowReduce) {
                    throw new IllegalArgumentException("emit(COMPLETE) on '" + node.name() + "', an incremental "
                            + "(invertible) window reduce, which keeps panes rather than windows: use UPDATE or FINAL, or "
                            + "the plain reduce(reducer, name)");
                }
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
    public io.eddy.dsl.MemorySink<K, V> toMemory(String name) {
        return toMemory(name, io.eddy.dsl.OutputMode.UPDATE);
    }

    @Override
    public io.eddy.dsl.MemorySink<K, V> toMemory(String name, io.eddy.dsl.OutputMode mode) {
        MemoryTable.checkName(name);
        return ((StreamImpl<K, V>) emit(mode)).toMemory(name, mode);
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
        return new TableImpl<>(builder, join, false, 0, false);
    }
}
