package io.eddy.internal.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A checked, immutable pipeline: its sources and their operator graphs. Built once by
 * {@link PipelineBuilder#build()}; instantiated once per task by the runtime.
 */
public final class Plan {
    private final List<SourceSpec> sources;

    Plan(List<SourceSpec> sources) {
        this.sources = List.copyOf(sources);
    }

    public List<SourceSpec> sources() {
        return sources;
    }

    /** The topics named explicitly by sources. */
    public Set<String> fixedTopics() {
        Set<String> topics = new TreeSet<>();
        sources.forEach(s -> topics.addAll(s.topics()));
        return topics;
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
