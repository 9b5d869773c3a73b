package io.eddy.internal.plan;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.RecordStream;
import io.eddy.internal.runtime.Nodes;
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

/**
 * Records what a pipeline definition declares and turns it into a {@link Plan}, checking what the
 * types cannot: topics consumed twice, duplicate operator names, a pipeline without sink.
 */
public final class PipelineBuilder implements Pipeline {
    private final List<SourceSpec> sources = new ArrayList<>();
    private final List<PlanNode> nodes = new ArrayList<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /** Runs {@code definition} on a fresh builder and returns the checked plan. */
    public static Plan define(Consumer<? super Pipeline> definition) {
        PipelineBuilder builder = new PipelineBuilder();
        definition.accept(builder);
        return builder.build();
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
    public <K, V> RecordStream<K, V> kafka(Pattern pattern, Consumed<K, V> consumed) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(consumed, "consumed");
        return addSource(List.of(), pattern, consumed, "kafka-/" + pattern.pattern() + "/");
    }

    private <K, V> RecordStream<K, V> addSource(List<String> topics, Pattern pattern, Consumed<K, V> consumed,
                                                String name) {
        PlanNode root = new PlanNode(name, "source", null, false);
        nodes.add(root);
        sources.add(new SourceSpec(root, topics, pattern, consumed));
        return new StreamImpl<>(this, root);
    }

    PlanNode add(PlanNode parent, String kind, Nodes.Factory factory, boolean sink) {
        PlanNode node = new PlanNode(nextName(kind), kind, factory, sink);
        parent.children.add(node);
        nodes.add(node);
        return node;
    }

    PlanNode addMerged(List<PlanNode> parents, String kind) {
        PlanNode node = new PlanNode(nextName(kind), kind, Nodes.passThrough(), false);
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
            throw new IllegalArgumentException("the pipeline has no sink: end a stream with toKafka, foreach or console");
        }
        return new Plan(sources);
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
