package io.eddy.testkit.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Admin-client operations shared by every {@link KafkaCluster}: readiness and topic creation.
 *
 * <p>Each call opens a short-lived {@link Admin}. That costs a few milliseconds and avoids a cached
 * client whose connections went stale while its broker was killed or restarted.
 */
final class ClusterAdmin {

    /** How long {@link KafkaCluster#createTopic} may take. */
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private static final long POLL_MILLIS = 25;

    private ClusterAdmin() {}

    /** Opens an admin client with timeouts suited to a local broker. */
    static Admin open(String bootstrapServers) {
        return Admin.create(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.CLIENT_ID_CONFIG, "eddy-testkit-admin",
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
                        AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200));
    }

    /**
     * Blocks until the broker at {@code bootstrapServers} answers a describe-cluster request listing at
     * least one live (unfenced) broker.
     *
     * @throws IllegalStateException if that does not happen within {@code timeout}
     */
    static void awaitReady(String bootstrapServers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = open(bootstrapServers)) {
            while (true) {
                long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMillis <= 0) {
                    break;
                }
                try {
                    Collection<Node> nodes =
                            admin
                                    .describeCluster()
                                    .nodes()
                                    .get(Math.min(remainingMillis, 2_000), TimeUnit.MILLISECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrapServers, e);
        }
        throw new IllegalStateException(
                "Kafka at " + bootstrapServers + " not ready within " + timeout.toMillis() + " ms", last);
    }

    /** Creates a topic with replication factor 1 and waits until every partition has a leader. */
    static void createTopic(
            String bootstrapServers, String name, int partitions, Map<String, String> topicConfigs) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicConfigs, "topicConfigs");
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "partitions must be at least 1, was " + partitions + " for topic " + name);
        }
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(topicConfigs));
        try (Admin admin = open(bootstrapServers)) {
            try {
                admin.createTopics(List.of(topic)).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    throw new IllegalStateException("topic " + name + " already exists", e.getCause());
                }
                throw new IllegalStateException(
                        "cannot create topic " + name + " with " + partitions + " partitions and " + topicConfigs,
                        e.getCause());
            }
            String lastState = "not described yet";
            while (System.nanoTime() < deadline) {
                try {
                    TopicDescription description =
                            admin.describeTopics(List.of(name)).allTopicNames().get(5, TimeUnit.SECONDS).get(name);
                    if (description.partitions().size() == partitions
                            && description.partitions().stream().allMatch(ClusterAdmin::hasLeader)) {
                        return;
                    }
                    lastState = description.toString();
                } catch (ExecutionException | TimeoutException e) {
                    // Unknown until the broker's metadata catches up with the controller: try again.
                    lastState = e.toString();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
            }
            throw new IllegalStateException(
                    "topic "
                            + name
                            + " created but its partitions have no leader after "
                            + TOPIC_TIMEOUT.toMillis()
                            + " ms; last seen: "
                            + lastState);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "creating topic " + name + " timed out after " + TOPIC_TIMEOUT.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    private static boolean hasLeader(TopicPartitionInfo partition) {
        return partition.leader() != null && !partition.leader().isEmpty();
    }
}
