package io.eddy.testkit.kafka;

import java.util.Locale;
import java.util.Map;

/**
 * A Kafka cluster for tests: a bootstrap address and topic creation, whatever runs behind it.
 *
 * <p>{@link #start()} chooses the implementation from the {@code eddy.kafka} system property, or the
 * {@code EDDY_KAFKA} environment variable when the property is absent:
 *
 * <table>
 *   <caption>Values of {@code eddy.kafka}</caption>
 *   <tr><th>value</th><th>cluster</th></tr>
 *   <tr><td>{@code embedded}</td><td>{@link EmbeddedKafka}: a KRaft broker in this JVM</td></tr>
 *   <tr><td>{@code process}</td><td>{@link KafkaProcess}: the same broker in a child JVM</td></tr>
 *   <tr><td>{@code docker}</td><td>an {@code apache/kafka} container started by Testcontainers</td></tr>
 *   <tr><td>{@code auto} (default)</td><td>a container if a Docker engine answers, otherwise embedded</td></tr>
 * </table>
 *
 * <p>The default probes for a Docker engine once (about 0.2 s where there is none) and falls back to
 * the embedded broker, so the same tests pass with and without Docker. Eddy's own suite uses
 * {@link EmbeddedKafka} directly.
 *
 * <pre>{@code
 * try (KafkaCluster kafka = KafkaCluster.start()) {
 *   kafka.createTopic("orders", 4);
 *   TopicIO.of(kafka).produce("orders", List.of(KeyValue.of("k", "v")));
 * }
 * }</pre>
 *
 * <p>Every cluster has one broker, so topics have replication factor 1, and automatic topic
 * creation is off: tests create their topics. Implementations are thread-safe.
 */
public interface KafkaCluster extends AutoCloseable {

    /** The system property that chooses the implementation returned by {@link #start()}. */
    String KIND_PROPERTY = "eddy.kafka";

    /** The environment variable read when {@link #KIND_PROPERTY} is not set. */
    String KIND_ENVIRONMENT_VARIABLE = "EDDY_KAFKA";

    /**
     * Starts a cluster of the kind chosen by {@code eddy.kafka} / {@code EDDY_KAFKA} (see the class
     * comment) and returns once it accepts clients. Blocks for a few seconds.
     *
     * @return a started cluster; the caller must close it
     * @throws IllegalArgumentException if the property or variable holds an unknown value
     * @throws IllegalStateException if the cluster does not become ready
     */
    static KafkaCluster start() {
        String kind = System.getProperty(KIND_PROPERTY);
        String source = "system property " + KIND_PROPERTY;
        if (kind == null || kind.isBlank()) {
            kind = System.getenv(KIND_ENVIRONMENT_VARIABLE);
            source = "environment variable " + KIND_ENVIRONMENT_VARIABLE;
        }
        if (kind == null || kind.isBlank()) {
            kind = "auto";
        }
        switch (kind.trim().toLowerCase(Locale.ROOT)) {
            case "embedded":
                return EmbeddedKafka.start();
            case "process":
                return KafkaProcess.start();
            case "docker":
                return ContainerKafka.start();
            case "auto":
                return ContainerKafka.isDockerAvailable() ? ContainerKafka.start() : EmbeddedKafka.start();
            default:
                throw new IllegalArgumentException(
                        source + " is '" + kind + "'; expected one of embedded, process, docker, auto");
        }
    }

    /**
     * The address clients connect to, in the form of the {@code bootstrap.servers} client setting.
     * It stays the same across restarts of the cluster.
     *
     * @return {@code host:port[,host:port...]}; never null
     */
    String bootstrapServers();

    /**
     * Creates a topic with default configuration; see {@link #createTopic(String, int, Map)}.
     *
     * @param name the topic name; not null
     * @param partitions the number of partitions; at least 1
     */
    default void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic with replication factor 1 and returns once every partition has a leader, so a
     * producer or an assigned consumer can use it at once.
     *
     * @param name the topic name; not null
     * @param partitions the number of partitions; at least 1
     * @param topicConfigs topic-level settings such as {@code cleanup.policy=compact}; not null, may be
     *     empty
     * @throws IllegalStateException if the topic already exists, the broker rejects the request, or
     *     the partitions have no leader within 30 s
     */
    void createTopic(String name, int partitions, Map<String, String> topicConfigs);

    /**
     * Stops the cluster and deletes its data. Blocks until it is down. Idempotent; after it, no other
     * method may be called.
     */
    @Override
    void close();
}
