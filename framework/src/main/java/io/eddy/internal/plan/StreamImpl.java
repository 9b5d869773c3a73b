package io.eddy.internal.plan;

import io.eddy.dsl.Branches;
import io.eddy.dsl.ForeachWriter;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.TopicChooser;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.GlobalTable;
import io.eddy.dsl.GroupedStream;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Table;
import io.eddy.internal.runtime.Nodes;
import io.eddy.internal.runtime.StatefulNodes;
import io.eddy.serde.Serde;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;

/** The {@link RecordStream} the DSL hands out: a pointer to the plan node that produces it. */
final class StreamImpl<K, V> implements RecordStream<K, V> {
    private final PipelineBuilder builder;
    final PlanNode node;
    /** Whether an operator since the source may have changed the key (so the key no longer matches the partition). */
    private final boolean keyChanged;
    /** The allowed delay declared by withEventTime upstream, or null if none was. */
    final Long eventTimeDelayMs;

    StreamImpl(PipelineBuilder builder, PlanNode node) {
        this(builder, node, false, null);
    }

    StreamImpl(PipelineBuilder builder, PlanNode node, boolean keyChanged) {
        this(builder, node, keyChanged, null);
    }

    StreamImpl(PipelineBuilder builder, PlanNode node, boolean keyChanged, Long eventTimeDelayMs) {
        this.builder = builder;
        this.node = node;
        this.keyChanged = keyChanged;
        this.eventTimeDelayMs = eventTimeDelayMs;
    }

    private <K2, V2> RecordStream<K2, V2> then(String kind, Nodes.Factory factory) {
        return new StreamImpl<>(builder, builder.add(node, kind, factory, false), keyChanged, eventTimeDelayMs);
    }

    private <K2, V2> RecordStream<K2, V2> rekeyed(String kind, Nodes.Factory factory) {
        return new StreamImpl<>(builder, builder.add(node, kind, factory, false), true, eventTimeDelayMs);
    }

    /** The larger of two declared delays; null if neither stream declared one. */
    private static Long maxDelay(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Long.valueOf(Math.max(a, b));
    }

    /** The delay event-time operators on this stream use: the declared one, or 0 (record timestamps as they come). */
    long eventTimeDelayOrZero() {
        return eventTimeDelayMs == null ? 0 : eventTimeDelayMs;
    }

    // ---- stateful

    @Override
    public GroupedStream<K, V> groupByKey(Grouped<K, V> grouped) {
        Objects.requireNonNull(grouped, "grouped");
        if (!keyChanged) {
            return new GroupedImpl<>(builder, node, grouped, eventTimeDelayMs);
        }
        return repartition(grouped, grouped.name() != null ? grouped.name().name() : builder.derivedName("groupByKey"));
    }

    @Override
    public <K2> GroupedStream<K2, V> groupBy(BiFunction<? super K, ? super V, ? extends K2> keySelector,
                                             Grouped<K2, V> grouped) {
        Objects.requireNonNull(keySelector, "keySelector");
        Objects.requireNonNull(grouped, "grouped");
        String name = grouped.name() != null ? grouped.name().name() : builder.derivedName("groupBy");
        StreamImpl<K2, V> selected = (StreamImpl<K2, V>) rekeyed("selectKey", Nodes.selectKey(keySelector));
        return selected.repartition(grouped, name);
    }

    private GroupedStream<K, V> repartition(Grouped<K, V> grouped, String name) {
        String topic = builder.repartitionTopic(name);
        builder.addNamed(List.of(node), "repartition", name + "-sink",
                StatefulNodes.repartitionSink(topic, grouped.keySerde(), grouped.valueSerde()), false);
        PlanNode source = builder.addRepartitionSource(name, Consumed.with(grouped.keySerde(), grouped.valueSerde()));
        return new GroupedImpl<>(builder, source, grouped, eventTimeDelayMs);
    }

    @Override
    public Table<K, V> toTable(Named name, Serde<K> keySerde, Serde<V> valueSerde) {
        Objects.requireNonNull(name, "name");
        requireKeyUnchanged("toTable");
        return materialize(name, "toTable", Objects.requireNonNull(keySerde, "keySerde"),
                Objects.requireNonNull(valueSerde, "valueSerde"));
    }

    Table<K, V> materialize(Named name, String kind, Serde<K> keySerde, Serde<V> valueSerde) {
        StoreSpec store = builder.addStore(name.name(), StoreSpec.Kind.KEY_VALUE, keySerde, valueSerde, 0, 0, kind);
        PlanNode table = builder.addNamed(List.of(node), kind, name.name(), StatefulNodes.materialize(store), false);
        return new TableImpl<>(builder, table);
    }

    private void requireKeyUnchanged(String operator) {
        if (keyChanged) {
            throw new IllegalArgumentException(operator + " after an operator that changes the key (map, selectKey, "
                    + "flatMap): the records are no longer in the partition of their key; group them first, e.g. "
                    + "groupByKey(...) or groupBy(...), or join before changing the key");
        }
    }

    @Override
    public <VT, R> RecordStream<K, R> join(Table<K, VT> table, BiFunction<? super V, ? super VT, ? extends R> joiner) {
        return streamTableJoin(table, joiner, false);
    }

    @Override
    public <VT, R> RecordStream<K, R> leftJoin(Table<K, VT> table,
                                                BiFunction<? super V, ? super VT, ? extends R> joiner) {
        return streamTableJoin(table, joiner, true);
    }

    private <VT, R> RecordStream<K, R> streamTableJoin(Table<K, VT> table, BiFunction<?, ?, ?> joiner, boolean left) {
        Objects.requireNonNull(joiner, "joiner");
        if (!(table instanceof TableImpl<?, ?> t) || t.builder != builder) {
            throw new IllegalArgumentException("can only join a table of the same pipeline");
        }
        requireKeyUnchanged(left ? "leftJoin" : "join");
        return then(left ? "leftJoin" : "join", StatefulNodes.streamTableJoin(t.node, joiner, left));
    }

    @Override
    public <KG, VG, R> RecordStream<K, R> join(GlobalTable<KG, VG> table,
                                                BiFunction<? super K, ? super V, ? extends KG> keyMapper,
                                                BiFunction<? super V, ? super VG, ? extends R> joiner) {
        return globalJoin(table, keyMapper, joiner, false);
    }

    @Override
    public <KG, VG, R> RecordStream<K, R> leftJoin(GlobalTable<KG, VG> table,
                                                    BiFunction<? super K, ? super V, ? extends KG> keyMapper,
                                                    BiFunction<? super V, ? super VG, ? extends R> joiner) {
        return globalJoin(table, keyMapper, joiner, true);
    }

    private <R> RecordStream<K, R> globalJoin(GlobalTable<?, ?> table, BiFunction<?, ?, ?> keyMapper,
                                              BiFunction<?, ?, ?> joiner, boolean left) {
        Objects.requireNonNull(keyMapper, "keyMapper");
        Objects.requireNonNull(joiner, "joiner");
        if (!(table instanceof PipelineBuilder.GlobalTableImpl<?, ?> g)) {
            throw new IllegalArgumentException("can only join a global table of the same pipeline");
        }
        return then(left ? "leftJoin" : "join", StatefulNodes.globalJoin(g.spec().topic(), keyMapper, joiner, left));
    }

    // ---- event time

    @Override
    public RecordStream<K, V> withEventTime(java.time.Duration allowedDelay) {
        return assignEventTime(null, allowedDelay);
    }

    @Override
    public RecordStream<K, V> withEventTime(java.util.function.ToLongFunction<? super V> eventTime,
                                            java.time.Duration allowedDelay) {
        return assignEventTime(Objects.requireNonNull(eventTime, "eventTime"), allowedDelay);
    }

    private RecordStream<K, V> assignEventTime(java.util.function.ToLongFunction<? super V> eventTime,
                                               java.time.Duration allowedDelay) {
        Objects.requireNonNull(allowedDelay, "allowedDelay");
        if (allowedDelay.isNegative()) {
            throw new IllegalArgumentException("allowedDelay must be >= 0, was " + allowedDelay);
        }
        PlanNode assign = builder.add(node, "withEventTime", io.eddy.internal.runtime.EventTimeNodes.assign(eventTime), false);
        assign.eventTimeDelayMs = allowedDelay.toMillis();
        return new StreamImpl<>(builder, assign, keyChanged, allowedDelay.toMillis());
    }

    @Override
    public <D> RecordStream<K, V> dropDuplicates(BiFunction<? super K, ? super V, ? extends D> id, Serde<D> idSerde) {
        return dropDuplicates(id, idSerde, Named.as(builder.derivedName("dropDuplicates")));
    }

    @Override
    public <D> RecordStream<K, V> dropDuplicates(BiFunction<? super K, ? super V, ? extends D> id, Serde<D> idSerde,
                                                 Named name) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(idSerde, "idSerde");
        Objects.requireNonNull(name, "name");
        requireKeyUnchanged("dropDuplicates");
        StoreSpec store = builder.addStore(name.name(), StoreSpec.Kind.WINDOW, idSerde, io.eddy.serde.Serdes.bytes(),
                0, 0, "dropDuplicates");
        PlanNode dedup = builder.addNamed(List.of(node), "dropDuplicates", name.name(),
                io.eddy.internal.runtime.EventTimeNodes.dedup(store, id, idSerde), false);
        dedup.eventTimeDelayMs = eventTimeDelayOrZero();
        return new StreamImpl<>(builder, dedup, keyChanged, eventTimeDelayMs);
    }

    @Override
    public <VO, R> RecordStream<K, R> join(RecordStream<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner,
                                           io.eddy.dsl.JoinWindows windows, io.eddy.dsl.StreamJoined<K, V, VO> serdes) {
        return streamJoin(other, joiner, windows, serdes, io.eddy.internal.runtime.EventTimeNodes.JoinType.INNER);
    }

    @Override
    public <VO, R> RecordStream<K, R> leftJoin(RecordStream<K, VO> other,
                                               BiFunction<? super V, ? super VO, ? extends R> joiner,
                                               io.eddy.dsl.JoinWindows windows, io.eddy.dsl.StreamJoined<K, V, VO> serdes) {
        return streamJoin(other, joiner, windows, serdes, io.eddy.internal.runtime.EventTimeNodes.JoinType.LEFT);
    }

    @Override
    public <VO, R> RecordStream<K, R> outerJoin(RecordStream<K, VO> other,
                                                BiFunction<? super V, ? super VO, ? extends R> joiner,
                                                io.eddy.dsl.JoinWindows windows, io.eddy.dsl.StreamJoined<K, V, VO> serdes) {
        return streamJoin(other, joiner, windows, serdes, io.eddy.internal.runtime.EventTimeNodes.JoinType.OUTER);
    }

    private <VO, R> RecordStream<K, R> streamJoin(RecordStream<K, VO> other, BiFunction<?, ?, ?> joiner,
                                                  io.eddy.dsl.JoinWindows windows,
                                                  io.eddy.dsl.StreamJoined<K, V, VO> serdes,
                                                  io.eddy.internal.runtime.EventTimeNodes.JoinType type) {
        Objects.requireNonNull(joiner, "joiner");
        Objects.requireNonNull(windows, "windows");
        Objects.requireNonNull(serdes, "serdes");
        if (!(other instanceof StreamImpl<?, ?> o) || o.builder != builder) {
            throw new IllegalArgumentException("can only join a stream of the same pipeline");
        }
        if (o == this || o.node == node) {
            throw new IllegalArgumentException("a stream cannot be joined with itself; branch it first");
        }
        requireKeyUnchanged("join");
        o.requireKeyUnchanged("join (other stream)");
        String name = serdes.name() != null ? serdes.name() : builder.derivedName("join");
        long d = windows.maxDifference().toMillis();
        long retention = d + 1 + windows.grace().toMillis();
        var spec = new io.eddy.internal.runtime.EventTimeNodes.JoinSpec();
        spec.type = type;
        spec.maxDifferenceMs = d;
        spec.graceMs = windows.grace().toMillis();
        spec.keySerde = serdes.keySerde();
        spec.leftSerde = serdes.valueSerde();
        spec.rightSerde = serdes.otherValueSerde();
        spec.joiner = joiner;
        spec.leftStore = builder.addStore(name + "-left", StoreSpec.Kind.WINDOW, serdes.keySerde(),
                io.eddy.serde.Serdes.bytes(), retention, 0, type.name().toLowerCase(java.util.Locale.ROOT) + " join");
        spec.rightStore = builder.addStore(name + "-right", StoreSpec.Kind.WINDOW, serdes.keySerde(),
                io.eddy.serde.Serdes.bytes(), retention, 0, type.name().toLowerCase(java.util.Locale.ROOT) + " join");
        if (type != io.eddy.internal.runtime.EventTimeNodes.JoinType.INNER) {
            spec.leftTimers = builder.addStore(name + "-left-timers", StoreSpec.Kind.KEY_VALUE, io.eddy.serde.Serdes.bytes(),
                    io.eddy.serde.Serdes.bytes(), 0, 0, "join timers");
        }
        if (type == io.eddy.internal.runtime.EventTimeNodes.JoinType.OUTER) {
            spec.rightTimers = builder.addStore(name + "-right-timers", StoreSpec.Kind.KEY_VALUE, io.eddy.serde.Serdes.bytes(),
                    io.eddy.serde.Serdes.bytes(), 0, 0, "join timers");
        }
        PlanNode left = builder.addNamed(List.of(node), "joinThis", name + "-this",
                io.eddy.internal.runtime.EventTimeNodes.joinSide(spec, true), false);
        left.eventTimeDelayMs = eventTimeDelayOrZero();
        PlanNode right = builder.addNamed(List.of(o.node), "joinOther", name + "-other",
                io.eddy.internal.runtime.EventTimeNodes.joinSide(spec, false), false);
        right.eventTimeDelayMs = o.eventTimeDelayOrZero();
        PlanNode merged = builder.addNamed(List.of(left, right), "join", name, Nodes.passThrough(), false);
        Long delay = maxDelay(eventTimeDelayMs, o.eventTimeDelayMs);
        return new StreamImpl<>(builder, merged, false, delay);
    }

    @Override
    public RecordStream<K, V> named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an operator name must not be blank, got '" + name + "'");
        }
        node.name = name;
        return this;
    }

    @Override
    public <K2, V2> RecordStream<K2, V2> map(BiFunction<? super K, ? super V, KeyValue<K2, V2>> mapper) {
        return rekeyed("map", Nodes.map(Objects.requireNonNull(mapper, "mapper")));
    }

    @Override
    public <V2> RecordStream<K, V2> mapValues(Function<? super V, ? extends V2> mapper) {
        return then("mapValues", Nodes.mapValues(Objects.requireNonNull(mapper, "mapper")));
    }

    @Override
    public <K2, V2> RecordStream<K2, V2> flatMap(
            BiFunction<? super K, ? super V, ? extends Iterable<KeyValue<K2, V2>>> mapper) {
        return rekeyed("flatMap", Nodes.flatMap(Objects.requireNonNull(mapper, "mapper")));
    }

    @Override
    public <V2> RecordStream<K, V2> flatMapValues(Function<? super V, ? extends Iterable<? extends V2>> mapper) {
        return then("flatMapValues", Nodes.flatMapValues(Objects.requireNonNull(mapper, "mapper")));
    }

    @Override
    public RecordStream<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        return then("filter", Nodes.filter(Objects.requireNonNull(predicate, "predicate")));
    }

    @Override
    public <K2> RecordStream<K2, V> selectKey(BiFunction<? super K, ? super V, ? extends K2> keySelector) {
        return rekeyed("selectKey", Nodes.selectKey(Objects.requireNonNull(keySelector, "keySelector")));
    }

    @Override
    public RecordStream<K, V> peek(BiConsumer<? super K, ? super V> action) {
        return then("peek", Nodes.peek(Objects.requireNonNull(action, "action")));
    }

    @Override
    public Branches<K, V> split() {
        return new BranchesImpl();
    }

    @Override
    public RecordStream<K, V> merge(RecordStream<K, V> other) {
        if (!(other instanceof StreamImpl<?, ?> o) || o.builder != builder) {
            throw new IllegalArgumentException("can only merge streams of the same pipeline");
        }
        Long delay = maxDelay(eventTimeDelayMs, o.eventTimeDelayMs);
        return new StreamImpl<>(builder, builder.addMerged(List.of(node, o.node), "merge"), keyChanged || o.keyChanged,
                delay);
    }

    @Override
    public void toKafka(String topic, Produced<K, V> produced) {
        Objects.requireNonNull(topic, "topic");
        builder.add(node, "toKafka", Nodes.kafkaSink(topic, null, produced.keySerde(), produced.valueSerde()), true);
    }

    @Override
    public void toKafka(TopicChooser<K, V> chooser, Produced<K, V> produced) {
        Objects.requireNonNull(chooser, "chooser");
        builder.add(node, "toKafka", Nodes.kafkaSink(null, chooser, produced.keySerde(), produced.valueSerde()), true);
    }

    @Override
    public void foreach(Supplier<? extends ForeachWriter<K, V>> writerPerTask) {
        builder.add(node, "foreach", Nodes.foreach(Objects.requireNonNull(writerPerTask, "writerPerTask")), true);
    }

    @Override
    public void console() {
        builder.add(node, "console", Nodes.console(), true);
    }

    private final class BranchesImpl implements Branches<K, V> {
        private final Map<String, BiPredicate<? super K, ? super V>> branches = new LinkedHashMap<>();
        private boolean ended;

        @Override
        public Branches<K, V> branch(String name, BiPredicate<? super K, ? super V> predicate) {
            checkOpen();
            Objects.requireNonNull(predicate, "predicate");
            if (branches.putIfAbsent(Objects.requireNonNull(name, "name"), predicate) != null) {
                throw new IllegalArgumentException("branch name '" + name + "' is used twice in one split");
            }
            return this;
        }

        @Override
        public Map<String, RecordStream<K, V>> defaultBranch(String name) {
            Objects.requireNonNull(name, "name");
            if (branches.containsKey(name)) {
                throw new IllegalArgumentException("branch name '" + name + "' is used twice in one split");
            }
            return end(name);
        }

        @Override
        public Map<String, RecordStream<K, V>> noDefaultBranch() {
            return end(null);
        }

        private void checkOpen() {
            if (ended) {
                throw new IllegalStateException("this split is already ended");
            }
        }

        private Map<String, RecordStream<K, V>> end(String defaultName) {
            checkOpen();
            ended = true;
            List<String> names = new ArrayList<>(branches.keySet());
            BiPredicate<?, ?>[] predicates = branches.values().toArray(BiPredicate[]::new);
            PlanNode split = builder.add(node, "split", Nodes.split(predicates, defaultName != null), false);
            if (defaultName != null) {
                names.add(defaultName);
            }
            Map<String, RecordStream<K, V>> result = new LinkedHashMap<>();
            for (String branchName : names) {
                PlanNode branch = builder.add(split, "branch", Nodes.passThrough(), false);
                branch.name = split.name + "-" + branchName;
                result.put(branchName, new StreamImpl<>(builder, branch, keyChanged, eventTimeDelayMs));
            }
            return result;
        }
    }
}
