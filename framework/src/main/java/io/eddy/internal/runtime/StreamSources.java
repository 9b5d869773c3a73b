package io.eddy.internal.runtime;

import io.eddy.Guarantee;
import io.eddy.InvalidConfigException;
import io.eddy.Trigger;
import io.eddy.internal.plan.Plan;
import io.eddy.internal.plan.StreamSourceSpec;
import io.eddy.kafka.internal.TopicAdmin;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AclOperation;

/**
 * The checks and topics of the sources outside Kafka ({@code Pipeline.source}); see
 * {@link SourceRunner} for how they run. Stateless.
 */
public final class StreamSources {
    private StreamSources() {
    }

    /**
     * Refuses, at {@code build()}, what the sources of {@code plan} cannot do under the chosen
     * guarantee and trigger.
     *
     * @throws InvalidConfigException naming the option and the source
     */
    public static void check(Plan plan, Guarantee guarantee, Trigger trigger) {
        for (StreamSourceSpec s : plan.streamSources()) {
            if (guarantee == Guarantee.EXACTLY_ONCE && !s.source().replayable() && !s.source().atMostOnceAccepted()) {
                throw new InvalidConfigException("guarantee", guarantee, "source '" + s.name() + "' (" + s.source()
                        + ") cannot replay what it read, so it delivers at most once; accept that explicitly on the "
                        + "source (e.g. SocketSource.builder(...).acceptAtMostOnce()) or use Guarantee.AT_LEAST_ONCE");
            }
            if (trigger.isAvailableNow()) {
                throw new InvalidConfigException("trigger", trigger, "availableNow is not supported yet with a source "
                        + "outside Kafka ('" + s.name() + "'): use Trigger.every(...)");
            }
        }
    }

    /**
     * Creates (or checks) every source's records topic and position topic, and returns the
     * partition counts of {@code inputs} (which hold the records topics).
     */
    static Map<String, Integer> ensureTopics(AppOptions o, TopicAdmin topics, Set<String> inputs) {
        Plan plan = o.plan();
        Set<String> kafkaInputs = new TreeSet<>(inputs);
        plan.streamSources().forEach(s -> kafkaInputs.remove(s.recordsTopic()));
        Map<String, Integer> counts = new TreeMap<>(AccessErrors.during(o, AclOperation.READ,
                () -> topics.partitionCounts(kafkaInputs)));
        if (plan.streamSources().isEmpty()) {
            return counts;
        }
        int others = TopicAdmin.requireCoPartitioned(counts);
        for (StreamSourceSpec s : plan.streamSources()) {
            int partitions = s.source().partitions() > 0 ? s.source().partitions() : Math.max(1, others);
            Map<String, Map<String, String>> records = new HashMap<>();
            records.put(s.recordsTopic(), Map.of("cleanup.policy", "delete"));
            AccessErrors.during(o, AclOperation.CREATE, () -> topics.ensureInternalTopics(records, partitions, (short) -1));
            AccessErrors.during(o, AclOperation.CREATE, () -> topics.ensureInternalTopics(
                    Map.of(s.positionTopic(), Map.of("cleanup.policy", "compact")), 1, (short) -1));
            counts.put(s.recordsTopic(), partitions);
        }
        return counts;
    }
}
