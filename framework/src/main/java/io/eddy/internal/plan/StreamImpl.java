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
import io.eddy.dsl.JoinWindows;
import io.eddy.dsl.StreamJoined;
import io.eddy.dsl.Table;
import io.eddy.processor.ProcessedStream;
import io.eddy.processor.RecordProcessor;
import io.eddy.processor.ValueProcessor;
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
class StreamImpl<K, V> implements RecordStream<K, V> {
    final PipelineBuilder builder;
    final PlanNode node;
    /** Whether an operator since the source may have changed the key (so the key no longer matches the partition). */
    final boolean keyChanged;
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

    private <K2, V2> RecordStream<K2, V2> then(String kind, OperatorSpec operator) {
        return new StreamImpl<>(builder, builder.add(node, kind, operator, false), keyChanged, eventTimeDelayMs);
    }

    private <K2, V2> RecordStream<K2, V2> rekeyed(String kind, OperatorSpec operator) {
        return new StreamImpl<>(builder, builder.add(node, kind, operator, false), true, eventTimeDelayMs);
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
        return groupByKeyAs(grouped, null);
    }

    @Override
    public GroupedStream<K, V> groupByKey(Grouped<K, V> grouped, Named name) {
        return groupByKeyAs(grouped, Objects.requireNonNull(name, "name"));
    }

    /** Groups by key under {@code name}, else the deprecated {@code Grouped} name, else a derived one. */
    @SuppressWarnings("deprecation")
    private GroupedStream<K, V> groupByKeyAs(Grouped<K, V> grouped, Named name) {
        Objects.requireNonNull(grouped, "grouped");
        if (!keyChanged) {
            return new GroupedImpl<>(builder, node, grouped, eventTimeDelayMs);
        }
        return repartition(grouped, builder.nameOf(name != null ? name : grouped.name(), "groupByKey", null,
                "groupByKey(grouped, Named.as(\"...\"))").name());
    }

    @Override
    public <K2> GroupedStream<K2, V> groupBy(BiFunction<? super K, ? super V, ? extends K2> keySelector,
                                             Grouped<K2, V> grouped) {
        return groupByAs(keySelector, grouped, null);
    }

    @Override
    public <K2> GroupedStream<K2, V> groupBy(BiFunction<? super K, ? super V, ? extends K2> keySelector,
                                             Grouped<K2, V> grouped, Named name) {
        return groupByAs(keySelector, grouped, Objects.requireNonNull(name, "name"));
    }

    /** Groups by the selected key under {@code name}, else the deprecated {@code Grouped} name, else a derived one. */
    @SuppressWarnings("deprecation")
    private <K2> GroupedStream<K2, V> groupByAs(BiFunction<? super K, ? super V, ? extends K2> keySelector,
                                                Grouped<K2, V> grouped, Named name) {
        Objects.requireNonNull(keySelector, "keySelector");
        Objects.requireNonNull(grouped, "grouped");
        String repartition = builder.nameOf(name != null ? name : grouped.name(), "groupBy", null,
                "groupBy(keySelector, grouped, Named.as(\"...\"))").name();
        StreamImpl<K2, V> selected = (StreamImpl<K2, V>) rekeyed("selectKey", new OperatorSpec.SelectKey(keySelector));
        return selected.repartition(grouped, repartition);
    }

    private GroupedStream<K, V> repartition(Grouped<K, V> grouped, String name) {
        String topic = builder.repartitionTopic(name);
        builder.addNamed(List.of(node), "repartition", name + "-sink",
                new OperatorSpec.RepartitionSink(topic, grouped.keySerde(), grouped.valueSerde()), false);
        PlanNode source = builder.addRepartitionSource(name, Consumed.with(grouped.keySerde(), grouped.valueSerde()));
        return new GroupedImpl<>(builder, source, grouped, eventTimeDelayMs);
    }

    @Override
    public Table<K, V> toTable(Serde<K> keySerde, Serde<V> valueSerde, Named name) {
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        Objects.requireNonNull(name, "name");
        requireKeyUnchanged("toTable");
        return materialize(name, "toTable", keySerde, valueSerde);
    }

    @Override
    public Table<K, V> toTable(Serde<K> keySerde, Serde<V> valueSerde) {
        return toTable(keySerde, valueSerde, builder.nameOf(null, "toTable", null,
                "toTable(keySerde, valueSerde, Named.as(\"...\"))"));
    }

    Table<K, V> materialize(Named name, String kind, Serde<K> keySerde, Serde<V> valueSerde) {
        StoreSpec store = builder.addStore(name.name(), StoreSpec.Kind.KEY_VALUE, keySerde, valueSerde, 0, 0, kind);
        PlanNode table = builder.addNamed(List.of(node), kind, name.name(), new OperatorSpec.Materialize(store), false);
        table.namedByArgument = true;
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
        return streamTableJoin(table, joiner, false, null);
    }

    @Override
    public <VT, R> RecordStream<K, R> join(Table<K, VT> table, BiFunction<? super V, ? super VT, ? extends R> joiner,
                                           Named name) {
        return streamTableJoin(table, joiner, false, Objects.requireNonNull(name, "name"));
    }

    @Override
    public <VT, R> RecordStream<K, R> leftJoin(Table<K, VT> table,
                                                BiFunction<? super V, ? super VT, ? extends R> joiner) {
        return streamTableJoin(table, joiner, true, null);
    }

    @Override
    public <VT, R> RecordStream<K, R> leftJoin(Table<K, VT> table,
                                                BiFunction<? super V, ? super VT, ? extends R> joiner, Named name) {
        return streamTableJoin(table, joiner, true, Objects.requireNonNull(name, "name"));
    }

    /** A stream-table join reads the table's state and owns none, so an unnamed one is not warned about. */
    private <VT, R> RecordStream<K, R> streamTableJoin(Table<K, VT> table, BiFunction<?, ?, ?> joiner, boolean left,
                                                       Named name) {
        Objects.requireNonNull(joiner, "joiner");
        if (!(table instanceof TableImpl<?, ?> t) || t.builder != builder) {
            throw new IllegalArgumentException("can only join a table of the same pipeline");
        }
        String kind = left ? "leftJoin" : "join";
        requireKeyUnchanged(kind);
        OperatorSpec join = new OperatorSpec.StreamTableJoin(t.node, joiner, left);
        PlanNode joined = name == null ? builder.add(node, kind, join, false)
                : builder.addNamed(List.of(node), kind, name.name(), join, false);
        return new StreamImpl<>(builder, joined, keyChanged, eventTimeDelayMs);
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
        return then(left ? "leftJoin" : "join", new OperatorSpec.GlobalJoin(g.spec().topic(), keyMapper, joiner, left));
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
        PlanNode assign = builder.add(node, "withEventTime", new OperatorSpec.AssignEventTime(eventTime), false);
        assign.eventTimeDelayMs = allowedDelay.toMillis();
        return new StreamImpl<>(builder, assign, keyChanged, allowedDelay.toMillis());
    }

    @Override
    public <D> RecordStream<K, V> dropDuplicates(BiFunction<? super K, ? super V, ? extends D> id, Serde<D> idSerde) {
        return dropDuplicates(id, idSerde, builder.nameOf(null, "dropDuplicates", null,
                "dropDuplicates(id, idSerde, Named.as(\"...\"))"));
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
                new OperatorSpec.DropDuplicates(store, id, idSerde), false);
        dedup.namedByArgument = true;
        dedup.eventTimeDelayMs = eventTimeDelayOrZero();
        return new StreamImpl<>(builder, dedup, keyChanged, eventTimeDelayMs);
    }

    @Override
    public <VO, R> RecordStream<K, R> join(RecordStream<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner,
                                           JoinWindows windows, StreamJoined<K, V, VO> serdes) {
        return streamJoin(other, joiner, windows, serdes, JoinType.INNER, null);
    }

    @Override
    public <VO, R> RecordStream<K, R> join(RecordStream<K, VO> other, BiFunction<? super V, ? super VO, ? extends R> joiner,
                                           JoinWindows windows, StreamJoined<K, V, VO> serdes, Named name) {
        return streamJoin(other, joiner, windows, serdes, JoinType.INNER, Objects.requireNonNull(name, "name"));
    }

    @Override
    public <VO, R> RecordStream<K, R> leftJoin(RecordStream<K, VO> other,
                                               BiFunction<? super V, ? super VO, ? extends R> joiner,
                                               JoinWindows windows, StreamJoined<K, V, VO> serdes) {
        return streamJoin(other, joiner, windows, serdes, JoinType.LEFT, null);
    }

    @Override
    public <VO, R> RecordStream<K, R> leftJoin(RecordStream<K, VO> other,
                                               BiFunction<? super V, ? super VO, ? extends R> joiner,
                                               JoinWindows windows, StreamJoined<K, V, VO> serdes, Named name) {
        return streamJoin(other, joiner, windows, serdes, JoinType.LEFT, Objects.requireNonNull(name, "name"));
    }

    @Override
    public <VO, R> RecordStream<K, R> outerJoin(RecordStream<K, VO> other,
                                                BiFunction<? super V, ? super VO, ? extends R> joiner,
                                                JoinWindows windows, StreamJoined<K, V, VO> serdes) {
        return streamJoin(other, joiner, windows, serdes, JoinType.OUTER, null);
    }

    @Override
    public <VO, R> RecordStream<K, R> outerJoin(RecordStream<K, VO> other,
                                                BiFunction<? super V, ? super VO, ? extends R> joiner,
                                                JoinWindows windows, StreamJoined<K, V, VO> serdes, Named name) {
        return streamJoin(other, joiner, windows, serdes, JoinType.OUTER, Objects.requireNonNull(name, "name"));
    }

    private <VO, R> RecordStream<K, R> streamJoin(RecordStream<K, VO> other, BiFunction<?, ?, ?> joiner,
                                                  JoinWindows windows, StreamJoined<K, V, VO> serdes, JoinType type,
                                                  Named given) {
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
        String method = switch (type) {
            case INNER -> "join";
            case LEFT -> "leftJoin";
            case OUTER -> "outerJoin";
        };
        String name = builder.nameOf(given, "join", null,
                method + "(other, joiner, windows, streamJoined, Named.as(\"...\"))").name();
        long d = windows.maxDifference().toMillis();
        long graceMs = windows.grace().toMillis();
        long retention = d + 1 + graceMs;
        String what = type.name().toLowerCase(java.util.Locale.ROOT) + " join";
        StoreSpec leftStore = builder.addStore(name + "-left", StoreSpec.Kind.WINDOW, serdes.keySerde(),
                io.eddy.serde.Serdes.bytes(), retention, 0, what);
        StoreSpec rightStore = builder.addStore(name + "-right", StoreSpec.Kind.WINDOW, serdes.keySerde(),
                io.eddy.serde.Serdes.bytes(), retention, 0, what);
        StoreSpec leftTimers = type == JoinType.INNER ? null : builder.addStore(name + "-left-timers",
                StoreSpec.Kind.KEY_VALUE, io.eddy.serde.Serdes.bytes(), io.eddy.serde.Serdes.bytes(), 0, 0, "join timers");
        StoreSpec rightTimers = type != JoinType.OUTER ? null : builder.addStore(name + "-right-timers",
                StoreSpec.Kind.KEY_VALUE, io.eddy.serde.Serdes.bytes(), io.eddy.serde.Serdes.bytes(), 0, 0, "join timers");
        StreamJoinSpec spec = new StreamJoinSpec(type, d, graceMs, leftStore, rightStore, leftTimers, rightTimers,
                serdes.keySerde(), serdes.valueSerde(), serdes.otherValueSerde(), joiner);
        PlanNode left = builder.addNamed(List.of(node), "joinThis", name + "-this",
                new OperatorSpec.StreamJoinSide(spec, true), false);
        left.eventTimeDelayMs = eventTimeDelayOrZero();
        PlanNode right = builder.addNamed(List.of(o.node), "joinOther", name + "-other",
                new OperatorSpec.StreamJoinSide(spec, false), false);
        right.eventTimeDelayMs = o.eventTimeDelayOrZero();
        PlanNode merged = builder.addNamed(List.of(left, right), "join", name, new OperatorSpec.PassThrough(), false);
        merged.namedByArgument = true;
        Long delay = maxDelay(eventTimeDelayMs, o.eventTimeDelayMs);
        return new StreamImpl<>(builder, merged, false, delay);
    }

    @Override
    public RecordStream<K, V> named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an operator name must not be blank, got '" + name + "'");
        }
        if (node.namedByArgument) {
            throw new IllegalArgumentException("named(\"" + name + "\") on '" + node.name + "', a " + node.kind
                    + " operator: a stateful operator is named by the Named argument of the method that creates it, "
                    + "e.g. count(Named.as(\"" + name + "\")), so that its state and internal topics get the name too");
        }
        node.name = name;
        return this;
    }

    @Override
    public <K2, V2> RecordStream<K2, V2> map(BiFunction<? super K, ? super V, KeyValue<K2, V2>> mapper) {
        return rekeyed("map", new OperatorSpec.Map(Objects.requireNonNull(mapper, "mapper")));
    }

    @Override
    public <V2> RecordStream<K, V2> mapValues(Function<? super V, ? extends V2> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        BiFunction<K, V, V2> withKey = (k, v) -> mapper.apply(v);
        return then("mapValues", new OperatorSpec.MapValues(withKey));
    }

    @Override
    public <V2> RecordStream<K, V2> mapValues(BiFunction<? super K, ? super V, ? extends V2> mapper) {
        return then("mapValues", new OperatorSpec.MapValues(Objects.requireNonNull(mapper, "mapper")));
    }

    @Override
    public <K2, V2> RecordStream<K2, V2> flatMap(
            BiFunction<? super K, ? super V, ? extends Iterable<KeyValue<K2, V2>>> mapper) {
        return rekeyed("flatMap", new OperatorSpec.FlatMap(Objects.requireNonNull(mapper, "mapper")));
    }

    @Override
    public <V2> RecordStream<K, V2> flatMapValues(Function<? super V, ? extends Iterable<? extends V2>> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        BiFunction<K, V, Iterable<? extends V2>> withKey = (k, v) -> mapper.apply(v);
        return then("flatMapValues", new OperatorSpec.FlatMapValues(withKey));
    }

    @Override
    public <V2> RecordStream<K, V2> flatMapValues(
            BiFunction<? super K, ? super V, ? extends Iterable<? extends V2>> mapper) {
        return then("flatMapValues", new OperatorSpec.FlatMapValues(Objects.requireNonNull(mapper, "mapper")));
    }

    @Override
    public <KO, VO> ProcessedStream<KO, VO> process(Supplier<? extends RecordProcessor<K, V, KO, VO>> processor,
                                                    Named name) {
        return processRecords(Objects.requireNonNull(processor, "processor"), false, name);
    }

    @Override
    public <VO> ProcessedStream<K, VO> processValues(Supplier<? extends ValueProcessor<K, V, VO>> processor,
                                                     Named name) {
        return processRecords(Objects.requireNonNull(processor, "processor"), true, name);
    }

    private <KO, VO> ProcessedStream<KO, VO> processRecords(Supplier<?> processor, boolean fixedKey, Named name) {
        Objects.requireNonNull(name, "name");
        PlanNode node = builder.addNamed(List.of(this.node), fixedKey ? "processValues" : "process", name.name(),
                new OperatorSpec.RecordProcess(processor, fixedKey, List.of()), false);
        return new ProcessedStreamImpl<>(builder, node, keyChanged || !fixedKey, eventTimeDelayMs);
    }

    @Override
    public RecordStream<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        return then("filter", new OperatorSpec.Filter(Objects.requireNonNull(predicate, "predicate")));
    }

    @Override
    public <K2> RecordStream<K2, V> selectKey(BiFunction<? super K, ? super V, ? extends K2> keySelector) {
        return rekeyed("selectKey", new OperatorSpec.SelectKey(Objects.requireNonNull(keySelector, "keySelector")));
    }

    @Override
    public RecordStream<K, V> peek(BiConsumer<? super K, ? super V> action) {
        return then("peek", new OperatorSpec.Peek(Objects.requireNonNull(action, "action")));
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
        builder.add(node, "toKafka", new OperatorSpec.KafkaSink(topic, null, produced.keySerde(), produced.valueSerde()), true);
    }

    @Override
    public void toKafka(TopicChooser<K, V> chooser, Produced<K, V> produced) {
        Objects.requireNonNull(chooser, "chooser");
        builder.add(node, "toKafka", new OperatorSpec.KafkaSink(null, chooser, produced.keySerde(), produced.valueSerde()), true);
    }

    @Override
    public void foreach(Supplier<? extends ForeachWriter<K, V>> writerPerTask) {
        builder.add(node, "foreach", new OperatorSpec.Foreach(Objects.requireNonNull(writerPerTask, "writerPerTask")), true);
    }

    @Override
    public void foreachBatch(Supplier<? extends io.eddy.dsl.BatchWriter<K, V>> writerPerTask) {
        builder.add(node, "foreachBatch", new OperatorSpec.ForeachBatch(Objects.requireNonNull(writerPerTask,
                "writerPerTask")), true);
    }

    @Override
    public io.eddy.dsl.MemorySink<K, V> toMemory(String name) {
        return toMemory(name, io.eddy.dsl.OutputMode.UPDATE);
    }

    /** A memory sink under this stream; {@code mode} says how the table takes the records. */
    io.eddy.dsl.MemorySink<K, V> toMemory(String name, io.eddy.dsl.OutputMode mode) {
        MemoryTable.checkName(name);
        MemoryTable<K, V> table = new MemoryTable<>(name, mode);
        builder.addNamed(List.of(node), "toMemory", "toMemory-" + name, new OperatorSpec.ToMemory(table), true);
        return table;
    }

    @Override
    public void console() {
        builder.add(node, "console", new OperatorSpec.Console(), true);
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
            List<BiPredicate> predicates = new ArrayList<>(branches.values());
            PlanNode split = builder.add(node, "split", new OperatorSpec.Split(predicates, defaultName != null), false);
            if (defaultName != null) {
                names.add(defaultName);
            }
            Map<String, RecordStream<K, V>> result = new LinkedHashMap<>();
            for (String branchName : names) {
                PlanNode branch = builder.add(split, "branch", new OperatorSpec.PassThrough(), false);
                branch.name = split.name + "-" + branchName;
                result.put(branchName, new StreamImpl<>(builder, branch, keyChanged, eventTimeDelayMs));
            }
            return result;
        }
    }
}
