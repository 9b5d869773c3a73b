package io.eddy.internal.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A checked, immutable pipeline: its sources and their operator graphs, the state stores and
 * internal topics it needs, and its global tables. Built once by {@link PipelineBuilder}; each
 * task instantiates its operators from it.
 */
public final class Plan {
    private final String applicationId;
    private final List<SourceSpec> sources;
    private final List<StoreSpec> stores;
    private final List<GlobalTableSpec> globalTables;
    private final List<PlanNode> flushOrder;
    private final java.util.Map<SourceSpec, Long> eventTimeDelays;
    private final List<UnnamedState> unnamedState;
    /** Set once by {@link PipelineBuilder#build()}, right after construction. */
    List<StreamSourceSpec> streamSources = List.of();

    Plan(String applicationId, List<SourceSpec> sources, List<StoreSpec> stores, List<GlobalTableSpec> globalTables,
         List<PlanNode> flushOrder, java.util.Map<SourceSpec, Long> eventTimeDelays, List<UnnamedState> unnamedState) {
        this.unnamedState = List.copyOf(unnamedState);
        this.eventTimeDelays = java.util.Collections.unmodifiableMap(new java.util.IdentityHashMap<>(eventTimeDelays));
        this.applicationId = applicationId;
        this.sources = List.copyOf(sources);
        this.stores = List.copyOf(stores);
        this.globalTables = List.copyOf(globalTables);
        this.flushOrder = List.copyOf(flushOrder);
    }

    /** The sources outside Kafka, in definition order; their records topics are among {@link #fixedTopics()}. */
    public List<StreamSourceSpec> streamSources() {
        return streamSources;
    }

    public String applicationId() {
        return applicationId;
    }

    public List<SourceSpec> sources() {
        return sources;
    }

    /** The state stores every task has, in definition order. */
    public List<StoreSpec> stores() {
        return stores;
    }

    public List<GlobalTableSpec> globalTables() {
        return globalTables;
    }

    /** Every operator, parents before children: the order in which operators flush at commit. */
    public List<PlanNode> flushOrder() {
        return flushOrder;
    }

    /** The readable, stable description of this plan (see {@link io.eddy.PipelineDescription}). */
    public io.eddy.PipelineDescription describe() {
        return PlanDescriber.describe(this);
    }

    /** The stateful operators defined without a name, in definition order (see {@link PipelineBuilder}). */
    public List<UnnamedState> unnamedState() {
        return unnamedState;
    }

    /** Whether any source feeds an event-time operator, so tasks keep a watermark. */
    public boolean eventTime() {
        return !eventTimeDelays.isEmpty();
    }

    /**
     * The allowed delay (ms) of the event time of {@code source}'s records, or null if no
     * event-time operator reads them.
     */
    public Long eventTimeDelay(SourceSpec source) {
        return eventTimeDelays.get(source);
    }

    /** Whether any task keeps state (and so needs a state directory and changelog topics). */
    public boolean stateful() {
        return !stores.isEmpty();
    }

    /** The topics named explicitly by sources, repartition topics included. */
    public Set<String> fixedTopics() {
        Set<String> topics = new TreeSet<>();
        sources.forEach(s -> topics.addAll(s.topics()));
        return topics;
    }

    /** The repartition topics the application writes and reads. */
    public Set<String> repartitionTopics() {
        Set<String> topics = new TreeSet<>();
        sources.stream().filter(SourceSpec::internal).forEach(s -> topics.addAll(s.topics()));
        return topics;
    }

    /** The changelog topics of the stores. */
    public Set<String> changelogTopics() {
        return stores.stream().map(StoreSpec::changelogTopic).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The source patterns. */
    public List<Pattern> patterns() {
        List<Pattern> patterns = new ArrayList<>();
        sources.forEach(s -> {
            if (s.pattern() != null) {
                patterns.add(s.pattern());
            }
        });
        return patterns;
    }

    /**
     * One pattern matching every input topic, for a consumer subscription when a source uses a
     * pattern (a consumer subscribes to a list or to a pattern, not both).
     */
    public Pattern subscriptionPattern() {
        String alternatives = sources.stream()
                .flatMap(s -> s.pattern() != null ? java.util.stream.Stream.of(s.pattern().pattern())
                        : s.topics().stream().map(Pattern::quote))
                .map(p -> "(?:" + p + ")")
                .collect(Collectors.joining("|"));
        return Pattern.compile(alternatives);
    }

    /** The source that reads {@code topic}. */
    public Optional<SourceSpec> sourceFor(String topic) {
        for (SourceSpec s : sources) {
            if (s.reads(topic)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
