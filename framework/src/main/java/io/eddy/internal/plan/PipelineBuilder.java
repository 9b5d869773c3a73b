package io.eddy.internal.plan;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.GlobalTable;
import io.eddy.dsl.Named;
import io.eddy.dsl.Table;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.RecordStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what a pipeline definition declares and turns it into a {@link Plan}, checking what the
 * types cannot: topics consumed twice, duplicate operator names, a pipeline without sink.
 *
 * <h2>Names of stateful operators</h2>
 * An operator that owns a state store or an internal topic (aggregations, tables, windowed
 * joins, deduplication, repartitioning) is named by the trailing {@link Named} argument of the
 * DSL method that creates it. Without one, it gets a name derived from its kind and position
 * ({@code count-2}), which changes when an unnamed stateful operator is added before it, and so
 * silently moves its state to a new store. Such operators are listed by {@link Plan#unnamedState()}
 * and logged at WARN when the plan is built, or refused when names are required.
 */
public final class PipelineBuilder implements Pipeline {
    private static final Logger log = LoggerFactory.getLogger(PipelineBuilder.class);

    private final String applicationId;
    private final boolean requireNamedState;
    private final List<UnnamedState> unnamed = new ArrayList<>();
    private final List<SourceSpec> sources = new ArrayList<>();
    private final List<PlanNode> nodes = new ArrayList<>();
    private final List<StoreSpec> stores = new ArrayList<>();
    private final List<GlobalTableSpec> globalTables = new ArrayList<>();
    private final List<StreamSourceSpec> streamSources = new ArrayList<>();
    private final Map<String, Integer> counters = new HashMap<>();

    private PipelineBuilder(String applicationId, boolean requireNamedState) {
        this.applicationId = applicationId;
        this.requireNamedState = requireNamedState;
    }

    /**
     * Runs {@code definition} on a fresh builder and returns the checked plan; internal topic names
     * start with {@code applicationId}. Unnamed stateful operators are logged at WARN.
     */
    public static Plan define(String applicationId, Consumer<? super Pipeline> definition) {
        return define(applicationId, definition, false);
    }

    /**
     * Like {@link #define(String, Consumer)}; with {@code requireNamedState}, an unnamed stateful
     * operator is refused instead of logged.
     *
     * @throws IllegalArgumentException if the pipeline is invalid, or if {@code requireNamedState}
     *         and a stateful operator has no name (the message names its kind and derived name)
     */
    public static Plan define(String applicationId, Consumer<? super Pipeline> definition, boolean requireNamedState) {
        PipelineBuilder builder = new PipelineBuilder(applicationId, requireNamedState);
        definition.accept(builder);
        return builder.build();
    }

    /**
     * The name of a stateful operator the user named, or else a derived one ({@code <kind>-<n>}
     * unless {@code derived} is given), noted as unnamed.
     *
     * @param operator the DSL method, for messages ({@code "count"})
     * @param howToName how to name it, for messages ({@code "count(Named.as(\"...\"))"})
     */
    Named nameOf(Named given, String operator, String derived, String howToName) {
        if (given != null) {
            return given;
        }
        Named name = Named.as(derived != null ? derived : derivedName(operator));
        unnamed.add(new UnnamedState(operator, name.name(), howToName));
        return name;
    }

    @Override
    public <K, V> RecordStream<K, V> kafka(String topic, Consumed<K, V> consumed) {
        return kafka(List.of(Objects.requireNonNull(topic, "topic")), consumed);
    }

    @Override
    public <K, V> RecordStream<K, V> kafka(Collection<String> topics, Consumed<K, V> consumed) {
        Objects.requireNonNull(consumed, "consumed");
        List<String> list = List.copyOf(new LinkedHashSet<>(topics));
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a Kafka source needs at least one topic");
        }
        return addSource(list, null, consumed, "kafka-" + String.join(",", list));
    }

    @Override
    public <K, V> Table<K, V> table(String topic, Consumed<K, V> consumed) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(consumed, "consumed");
        return table(topic, consumed, nameOf(null, "table", "table-" + topic,
                "table(\"" + topic + "\", consumed, Named.as(\"...\"))"));
    }

    @Override
    public <K, V> Table<K, V> table(String topic, Consumed<K, V> consumed, Named name) {
        Objects.requireNonNull(name, "name");
        StreamImpl<K, V> stream = (StreamImpl<K, V>) kafka(topic, consumed);
        return stream.materialize(name, "table", consumed.keySerde(), consumed.valueSerde());
    }

    @Override
    public <K, V> GlobalTable<K, V> globalTable(String topic, Consumed<K, V> consumed) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(consumed, "consumed");
        if (globalTables.stream().anyMatch(g -> g.topic().equals(topic))) {
            throw new IllegalArgumentException("topic '" + topic + "' is read by two global tables; read it once");
        }
        GlobalTableSpec spec = new GlobalTableSpec(topic, consumed);
        globalTables.add(spec);
        return new GlobalTableImpl<>(spec);
    }

    @Override
    public <K, V> RecordStream<K, V> source(String name, io.eddy.source.StreamSource<K, V> source) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a source name may hold letters, digits, '.', '_' and '-' only, got '"
                    + name + "'");
        }
        if (streamSources.stream().anyMatch(s -> s.name().equals(name))) {
            throw new IllegalArgumentException("source name '" + name + "' is used twice; names must be unique");
        }
        StreamSourceSpec spec = new StreamSourceSpec(name, source, applicationId);
        streamSources.add(spec);
        return kafka(spec.recordsTopic(), Consumed.with(source.keySerde(), source.valueSerde()));
    }

    /** A global table handle: the spec it stands for. */
    record GlobalTableImpl<K, V>(GlobalTableSpec spec) implements GlobalTable<K, V> {
    }

    /**
     * Adds a source reading the repartition topic {@code <application id>-<name>-repartition},
     * which a sink of this pipeline writes.
     */
    <K, V> PlanNode addRepartitionSource(String name, Consumed<K, V> consumed) {
        String topic = repartitionTopic(name);
        PlanNode root = new PlanNode(name + "-source", "source",
                new OperatorSpec.Source(consumed.keySerde(), consumed.valueSerde()), false);
        root.namedByArgument = true;
        nodes.add(root);
        sources.add(new SourceSpec(root, List.of(topic), null, consumed, true));
        return root;
    }

    String repartitionTopic(String name) {
        return applicationId + "-" + name + "-repartition";
    }

    /** A fresh derived name, {@code <kind>-<n>}. */
    String derivedName(String kind) {
        return nextName(kind);
    }

    /** Registers a store; its changelog is {@code <application id>-<name>-changelog}. */
    StoreSpec addStore(String name, StoreSpec.Kind kind, io.eddy.serde.Serde<?> keySerde,
                       io.eddy.serde.Serde<?> valueSerde, long retentionMs, long windowSizeMs, String operator) {
        if (stores.stream().anyMatch(s -> s.name().equals(name))) {
            throw new IllegalArgumentException("state name '" + name + "' is used twice; state names must be unique");
        }
        StoreSpec spec = new StoreSpec(name, kind, keySerde, valueSerde, applicationId + "-" + name + "-changelog",
                retentionMs, windowSizeMs, operator);
        stores.add(spec);
        return spec;
    }

    /** Adds a node with a given name under one or more parents. */
    PlanNode addNamed(List<PlanNode> parents, String kind, String name, OperatorSpec operator, boolean sink) {
        PlanNode node = new PlanNode(name, kind, operator, sink);
        parents.forEach(p -> p.children.add(node));
        nodes.add(node);
        return node;
    }

    @Override
    public <K, V> RecordStream<K, V> kafka(Pattern pattern, Consumed<K, V> consumed) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(consumed, "consumed");
        return addSource(List.of(), pattern, consumed, "kafka-/" + pattern.pattern() + "/");
    }

    private <K, V> RecordStream<K, V> addSource(List<String> topics, Pattern pattern, Consumed<K, V> consumed,
                                                String name) {
        PlanNode root = new PlanNode(name, "source", new OperatorSpec.Source(consumed.keySerde(),
                consumed.valueSerde()), false);
        nodes.add(root);
        sources.add(new SourceSpec(root, topics, pattern, consumed, false));
        return new StreamImpl<>(this, root);
    }

    PlanNode add(PlanNode parent, String kind, OperatorSpec operator, boolean sink) {
        PlanNode node = new PlanNode(nextName(kind), kind, operator, sink);
        parent.children.add(node);
        nodes.add(node);
        return node;
    }

    PlanNode addMerged(List<PlanNode> parents, String kind) {
        PlanNode node = new PlanNode(nextName(kind), kind, new OperatorSpec.PassThrough(), false);
        parents.forEach(p -> p.children.add(node));
        nodes.add(node);
        return node;
    }

    private String nextName(String kind) {
        return kind + "-" + counters.merge(kind, 1, Integer::sum);
    }

    Plan build() {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("the pipeline has no source: call kafka(...) on the Pipeline");
        }
        for (String t : plan0Topics()) {
            if (globalTables.stream().anyMatch(g -> g.topic().equals(t))) {
                throw new IllegalArgumentException("topic '" + t + "' is read both as a global table and as an input");
            }
        }
        Set<String> seenTopics = new HashSet<>();
        for (SourceSpec s : sources) {
            for (String t : s.topics()) {
                if (!seenTopics.add(t)) {
                    throw new IllegalArgumentException("topic '" + t + "' is read by two sources; read it once and "
                            + "use the stream twice");
                }
            }
        }
        Set<String> names = new HashSet<>();
        for (PlanNode n : nodes) {
            if (!names.add(n.name)) {
                throw new IllegalArgumentException("operator name '" + n.name + "' is used twice; names must be unique");
            }
        }
        if (!reachesSink()) {
            throw new IllegalArgumentException("the pipeline has no sink: end a stream with toKafka, foreach, foreachBatch, toMemory or console");
        }
        checkNamedState();
        Plan plan = new Plan(applicationId, sources, stores, globalTables, flushOrder(), eventTimeDelays(), unnamed);
        plan.streamSources = List.copyOf(streamSources);
        return plan;
    }

    /** Refuses or logs the stateful operators that got a derived name. */
    private void checkNamedState() {
        for (UnnamedState u : unnamed) {
            if (requireNamedState) {
                throw new IllegalArgumentException("the " + u.operator() + " operator has no name and would be named '"
                        + u.derivedName() + "' after its position in the pipeline, but named state is required "
                        + "(requireNamedState): name it, e.g. " + u.howToName());
            }
            log.warn("Unnamed stateful operator: {} was given the derived name '{}', which names its state and "
                    + "internal topics and changes when an unnamed stateful operator is added before it, losing "
                    + "that state. Name it, e.g. {}", u.operator(), u.derivedName(), u.howToName());
        }
    }

    /**
     * Per source, the largest allowed delay among the first event-time nodes on its paths (the
     * watermark of a task follows the most patient of them); sources without any are absent.
     */
    private Map<SourceSpec, Long> eventTimeDelays() {
        Map<SourceSpec, Long> delays = new IdentityHashMap<>();
        for (SourceSpec s : sources) {
            Deque<PlanNode> todo = new ArrayDeque<>(List.of(s.root()));
            Set<PlanNode> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            while (!todo.isEmpty()) {
                PlanNode n = todo.poll();
                if (!seen.add(n)) {
                    continue;
                }
                if (n.eventTimeDelayMs != null) {
                    delays.merge(s, n.eventTimeDelayMs, Math::max);
                } else {
                    todo.addAll(n.children);
                }
            }
        }
        return delays;
    }

    private Set<String> plan0Topics() {
        Set<String> topics = new HashSet<>();
        sources.forEach(s -> topics.addAll(s.topics()));
        return topics;
    }

    /** Parents before children (Kahn's algorithm over the operator graph). */
    private List<PlanNode> flushOrder() {
        Map<PlanNode, Integer> inDegree = new IdentityHashMap<>();
        nodes.forEach(n -> inDegree.putIfAbsent(n, 0));
        nodes.forEach(n -> n.children.forEach(c -> inDegree.merge(c, 1, Integer::sum)));
        Deque<PlanNode> ready = new ArrayDeque<>();
        nodes.forEach(n -> {
            if (inDegree.get(n) == 0) {
                ready.add(n);
            }
        });
        List<PlanNode> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            PlanNode n = ready.poll();
            order.add(n);
            for (PlanNode c : n.children) {
                if (inDegree.merge(c, -1, Integer::sum) == 0) {
                    ready.add(c);
                }
            }
        }
        return order;
    }

    private boolean reachesSink() {
        Deque<PlanNode> todo = new ArrayDeque<>();
        sources.forEach(s -> todo.add(s.root()));
        Set<PlanNode> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        while (!todo.isEmpty()) {
            PlanNode n = todo.poll();
            if (n.sink) {
                return true;
            }
            if (seen.add(n)) {
                todo.addAll(n.children);
            }
        }
        return false;
    }
}
