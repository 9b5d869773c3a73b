package io.eddy.kafka.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Start-time checks of an application's input topics: they exist, and they are co-partitioned
 * (task {@code p} needs partition {@code p} of every input). Every call is bounded by the timeout
 * given at construction, so an unreachable broker gives a clear error instead of a hang.
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
        Set<String> names = await(admin.listTopics(new ListTopicsOptions().listInternal(false)).names(), "list topics");
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
     * The partition count of each topic, failing with a message naming the first missing topic.
     */
    public Map<String, Integer> partitionCounts(Collection<String> topics) {
        Map<String, Integer> counts = new TreeMap<>();
        if (topics.isEmpty()) {
            return counts;
        }
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = await(admin.describeTopics(topics).allTopicNames(), "describe topics " + topics);
        } catch (TopicException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new TopicException("input topic missing: one of " + topics + " does not exist ("
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
            throw new TopicException("input topics are not co-partitioned: task p reads partition p of every input, "
                    + "so all inputs need the same partition count, but got " + counts, null);
        }
        return counts.values().stream().findFirst().orElse(0);
    }

    private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unanswered(what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                // the admin client's own deadline (the same timeout) can expire before ours does
                throw unanswered(what, e.getCause());
            }
            throw new TopicException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicException("interrupted while trying to " + what, e);
        }
    }

    private TopicException unanswered(String what, Throwable cause) {
        return new TopicException("could not " + what + " within " + timeout
                + ": is the broker reachable at the configured bootstrap servers?", cause);
    }

    /** A topic is missing, mis-partitioned, or the broker did not answer in time. */
    public static final class TopicException extends RuntimeException {
        TopicException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
