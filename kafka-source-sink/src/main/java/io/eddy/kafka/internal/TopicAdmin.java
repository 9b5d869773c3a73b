package io.eddy.kafka.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Start-time checks of an application's topics: the inputs exist and are co-partitioned (task
 * {@code p} needs partition {@code p} of every input), and the internal topics (changelogs,
 * repartition topics, the store registry) exist with the right partition count and cleanup policy,
 * created if missing. Every call is bounded by the timeout given at construction, so an
 * unreachable broker gives a clear error instead of a hang.
 *
 * <p>Several instances of an application may start at the same moment, each creating the same
 * internal topics: creation is idempotent (a topic that exists is success) and a topic another
 * instance has just created is waited for until the broker describes it
 * ({@link #ensureInternalTopics}). Only input topics can be reported missing.
 */
public final class TopicAdmin {

    private final Admin admin;
    private final Duration timeout;

    public TopicAdmin(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** The names of the existing non-internal topics that fully match {@code pattern}. */
    public List<String> topicsMatching(Pattern pattern) {
        Set<String> names = await(admin.listTopics(new ListTopicsOptions().listInternal(false)).names(),
                "list topics matching " + pattern, List.of());
        List<String> matching = new ArrayList<>();
        for (String name : names) {
            if (pattern.matcher(name).matches()) {
                matching.add(name);
            }
        }
        matching.sort(null);
        return matching;
    }

    /**
     * The partition count of each input topic, failing with a message naming the missing topics.
     * Not for internal topics, which {@link #ensureInternalTopics} creates and waits for.
     */
    public Map<String, Integer> partitionCounts(Collection<String> topics) {
        Map<String, Integer> counts = new TreeMap<>();
        if (topics.isEmpty()) {
            return counts;
        }
        Map<String, TopicDescription> descriptions;
        DescribeTopicsResult described = admin.describeTopics(topics);
        try {
            descriptions = await(described.allTopicNames(), "describe topics " + topics, topics);
        } catch (TopicException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                List<String> missing = new ArrayList<>();
                described.topicNameValues().forEach((name, f) -> {
                    if (f.isCompletedExceptionally()) {
                        missing.add(name);
                    }
                });
                missing.sort(null);
                List<String> named = missing.isEmpty() ? List.copyOf(topics) : missing;
                String which = missing.isEmpty() ? "one of " + topics + " does"
                        : missing.size() == 1 ? "'" + missing.get(0) + "' does" : missing + " do";
                throw new TopicException(Kind.MISSING, named, "input topic missing: " + which + " not exist ("
                        + e.getCause().getMessage() + ")", e.getCause());
            }
            throw e;
        }
        descriptions.forEach((name, d) -> counts.put(name, d.partitions().size()));
        return counts;
    }

    /**
     * Checks that all topics have the same number of partitions.
     *
     * @return that number (0 when there are no topics)
     * @throws TopicException naming every topic and its count when they differ
     */
    public static int requireCoPartitioned(Map<String, Integer> counts) {
        if (counts.values().stream().distinct().count() > 1) {
            throw new TopicException(Kind.NOT_CO_PARTITIONED, List.copyOf(counts.keySet()),
                    "input topics are not co-partitioned: task p reads partition p of every input, "
                    + "so all inputs need the same partition count, but got " + counts, null);
        }
        return counts.values().stream().findFirst().orElse(0);
    }

    /**
     * Creates each missing internal topic with {@code partitions} partitions and its configs, and
     * checks existing ones: a wrong partition count or cleanup policy is refused, because using
     * such a topic would lose or mix state; so is a time or size retention where the required
     * configs say {@code retention.ms=-1} or {@code retention.bytes=-1}, because the broker would
     * delete records not read yet.
     *
     * <p>Idempotent and safe when several instances of the application start at once: a create
     * refused because the topic exists is success (another instance created it first), and a topic
     * the broker does not describe yet (its metadata is still propagating after another instance's
     * create) is asked for again until the timeout given at construction, never reported missing.
     *
     * @param topics topic name to required configs ({@code cleanup.policy} at least)
     * @param replication the replication factor of created topics, or -1 for the broker's default
     * @throws TopicException naming the topic, what it has and what it needs; {@link Kind#NO_ANSWER}
     *         if the broker did not answer, or did not describe a topic, within the timeout
     */
    public void ensureInternalTopics(Map<String, Map<String, String>> topics, int partitions, short replication) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> existing = await(admin.listTopics(new ListTopicsOptions().listInternal(false)).names(), "list topics",
                topics.keySet());
        List<NewTopic> missing = new ArrayList<>();
        topics.forEach((name, configs) -> {
            if (!existing.contains(name)) {
                missing.add(new NewTopic(name, Optional.of(partitions),
                        replication < 0 ? Optional.empty() : Optional.of(replication)).configs(configs));
            }
        });
        if (!missing.isEmpty()) {
            create(missing, deadline);
        }
        List<String> names = List.copyOf(new TreeSet<>(topics.keySet()));
        Map<String, TopicDescription> described = untilKnown(() -> admin.describeTopics(names).allTopicNames(),
                "describe internal topics " + names, names, deadline);
        List<ConfigResource> resources = names.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<ConfigResource, Config> configs = untilKnown(() -> admin.describeConfigs(resources).all(),
                "describe the configs of internal topics " + names, names, deadline);
        for (String t : names) {
            int count = described.get(t).partitions().size();
            if (count != partitions) {
                throw new TopicException(Kind.WRONG_PARTITION_COUNT, List.of(t), "internal topic '" + t + "' has "
                        + count + " partitions but the "
                        + "application's inputs have " + partitions + "; state would be mixed between tasks. Delete "
                        + "the topic (and reset the application) or restore the inputs' partition count", null);
            }
            String wanted = topics.get(t).get("cleanup.policy");
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t));
            ConfigEntry policy = config.get("cleanup.policy");
            String actual = policy == null ? "delete" : policy.value();
            if (wanted != null && !normalize(wanted).equals(normalize(actual))) {
                throw new TopicException(Kind.WRONG_CLEANUP_POLICY, List.of(t), "internal topic '" + t + "' has cleanup.policy=" + actual + " but needs "
                        + wanted + "; with the wrong policy state is lost or grows without bound. Fix: "
                        + alterCommand(t, policyFix(normalize(wanted), topics.get(t))), null);
            }
            checkUnlimitedRetention(t, topics.get(t), config);
        }
    }

    /**
     * Where an internal topic must keep its records until the application deletes them (a
     * repartition topic: {@code retention.ms=-1} and {@code retention.bytes=-1} among its required
     * configs), refuses an existing topic whose retention would let the broker delete records the
     * application has not read yet.
     */
    private static void checkUnlimitedRetention(String topic, Map<String, String> required, Config config) {
        for (String key : List.of("retention.ms", "retention.bytes")) {
            if (!"-1".equals(required.get(key))) {
                continue;
            }
            ConfigEntry entry = config.get(key);
            String actual = entry == null ? null : entry.value();
            long value;
            try {
                value = actual == null ? -1 : Long.parseLong(actual.trim());
            } catch (NumberFormatException e) {
                value = 0;
            }
            if (value >= 0) {
                String why = key.equals("retention.ms")
                        ? "its records carry event times, which can be older than that, so the broker would delete "
                          + "records before the application reads them"
                        : "once a partition holds more than that the broker would delete records before the "
                          + "application reads them";
                throw new TopicException(Kind.WRONG_RETENTION, List.of(topic), "internal topic '" + topic + "' has "
                        + key + "=" + actual + " but needs -1 (no limit): " + why + ". The application deletes "
                        + "the records it has consumed itself. Fix: " + alterCommand(topic, Map.of(key, "-1")), null);
            }
        }
    }

    /**
     * Creates {@code topics}, one result per topic: a topic that exists already (another instance
     * of the application created it between our listing and our create) counts as created.
     */
    private void create(List<NewTopic> topics, long deadline) {
        CreateTopicsResult result = admin.createTopics(topics);
        for (Map.Entry<String, KafkaFuture<Void>> created : new TreeMap<>(result.values()).entrySet()) {
            String name = created.getKey();
            try {
                await(created.getValue(), "create internal topic '" + name + "'", List.of(name), remaining(deadline));
            } catch (TopicException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // created by another instance at the same moment: checked below like any existing topic
            }
        }
    }

    /**
     * The answer of {@code call}, asked again while the broker answers that a topic is unknown: an
     * internal topic that exists (its create was refused as existing, or it was just created) may
     * not be in the answering broker's metadata yet.
     *
     * @throws TopicException {@link Kind#NO_ANSWER} if a topic is still unknown at the deadline
     */
    private <T> T untilKnown(Supplier<KafkaFuture<T>> call, String what, Collection<String> topics, long deadline) {
        long backoffMs = 20;
        while (true) {
            try {
                return await(call.get(), what, topics, remaining(deadline));
            } catch (TopicException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new TopicException(Kind.NO_ANSWER, List.copyOf(topics), "internal topics " + topics
                            + " exist (created by this or another instance of the application) but the broker did "
                            + "not describe them within " + timeout + " (" + e.getCause().getMessage() + ")",
                            e.getCause());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(backoffMs, remaining(deadline).toMillis())));
                backoffMs = Math.min(backoffMs * 2, 500);
            }
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The policy, and the unlimited retentions the topic requires too, so that one command fixes both. */
    private static Map<String, String> policyFix(String policy, Map<String, String> required) {
        Map<String, String> fix = new java.util.LinkedHashMap<>();
        fix.put("cleanup.policy", policy);
        for (String key : List.of("retention.ms", "retention.bytes")) {
            if ("-1".equals(required.get(key))) {
                fix.put(key, "-1");
            }
        }
        return fix;
    }

    private static String alterCommand(String topic, Map<String, String> settings) {
        List<String> pairs = new ArrayList<>();
        settings.forEach((key, value) -> pairs.add(key + "=" + (value.contains(",") ? "[" + value + "]" : value)));
        return "kafka-configs.sh --bootstrap-server <servers> --alter --entity-type topics --entity-name " + topic
                + " --add-config " + String.join(",", pairs);
    }

    private static String normalize(String policy) {
        return String.join(",", new java.util.TreeSet<>(List.of(policy.replace(" ", "").split(","))));
    }

    private <T> T await(KafkaFuture<T> future, String what, Collection<String> topics) {
        return await(future, what, topics, timeout);
    }

    private <T> T await(KafkaFuture<T> future, String what, Collection<String> topics, Duration wait) {
        try {
            return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unanswered(what, topics, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                // the admin client's own deadline (the same timeout) can expire before ours does
                throw unanswered(what, topics, e.getCause());
            }
            throw new TopicException(Kind.REQUEST_FAILED, List.copyOf(topics),
                    "could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicException(Kind.REQUEST_FAILED, List.copyOf(topics), "interrupted while trying to " + what, e);
        }
    }

    private TopicException unanswered(String what, Collection<String> topics, Throwable cause) {
        return new TopicException(Kind.NO_ANSWER, List.copyOf(topics), "could not " + what + " within " + timeout
                + ": is the broker reachable at the configured bootstrap servers?", cause);
    }

    /**
     * A topic is missing, mis-partitioned, or the broker did not answer in time. The framework
     * turns it into the public {@code io.eddy.TopicCheckException}; {@link #kind()} and
     * {@link #topics()} say which problem and which topics.
     */
    public static final class TopicException extends RuntimeException {
        private final Kind kind;
        private final List<String> topics;

        TopicException(Kind kind, List<String> topics, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
            this.topics = topics;
        }

        /** Which check failed. */
        public Kind kind() {
            return kind;
        }

        /** The topics concerned (sorted), empty when no topic in particular is. */
        public List<String> topics() {
            return topics;
        }
    }

    /** The checks a {@link TopicException} reports. */
    public enum Kind {
        /** A topic does not exist. */
        MISSING,
        /** Inputs have different partition counts. */
        NOT_CO_PARTITIONED,
        /** An existing internal topic has a partition count other than the inputs'. */
        WRONG_PARTITION_COUNT,
        /** An existing internal topic has the wrong {@code cleanup.policy}. */
        WRONG_CLEANUP_POLICY,
        /** An existing internal topic that must keep unread records has a time or size retention. */
        WRONG_RETENTION,
        /** The broker did not answer within the timeout. */
        NO_ANSWER,
        /** The broker refused or failed a request (for example an authorization error), or the call was interrupted. */
        REQUEST_FAILED
    }
}
