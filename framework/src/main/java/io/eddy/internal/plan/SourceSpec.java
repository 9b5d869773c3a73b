package io.eddy.internal.plan;

import io.eddy.dsl.Consumed;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Kafka source of the plan: fixed topics or a pattern, how to read them, and its operators.
 *
 * @param topics the fixed topics (empty for a pattern source)
 * @param pattern the subscription pattern, or null
 * @param internal whether the topic is a repartition topic the application writes itself
 */
public record SourceSpec(PlanNode root, List<String> topics, Pattern pattern, Consumed<?, ?> consumed,
                         boolean internal) {

    public String name() {
        return root.name;
    }

    boolean reads(String topic) {
        return pattern == null ? topics.contains(topic) : pattern.matcher(topic).matches();
    }
}
