package io.eddy.testkit.kafka;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A single-node {@code apache/kafka} container started by Testcontainers, configured like {@link
 * BrokerNode}: the one-node defaults are passed as {@code KAFKA_*} environment variables, which the
 * image turns into broker settings. Chosen by {@code eddy.kafka=docker} or {@code auto}.
 */
final class ContainerKafka implements KafkaCluster {

    static final String IMAGE = "apache/kafka:4.4.0";

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    /** Whether a Docker engine answers; takes a fraction of a second the first time. */
    static boolean isDockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** Starts the container and returns once the broker accepts clients. */
    @SuppressWarnings("resource") // closed by close()
    static ContainerKafka start() {
        KafkaContainer container = new KafkaContainer(IMAGE);
        BrokerNode.ONE_NODE_DEFAULTS.forEach((key, value) -> container.withEnv(environmentName(key), value));
        container.start();
        ContainerKafka kafka = new ContainerKafka(container);
        try {
            ClusterAdmin.awaitReady(kafka.bootstrapServers(), Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
        return kafka;
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
        ClusterAdmin.createTopic(bootstrapServers(), name, partitions, topicConfigs);
    }

    @Override
    public void close() {
        container.stop();
    }

    @Override
    public String toString() {
        return "ContainerKafka[" + IMAGE + " at " + bootstrapServers() + "]";
    }

    /** {@code log.cleaner.dedupe.buffer.size} becomes {@code KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE}. */
    static String environmentName(String brokerProperty) {
        return "KAFKA_" + brokerProperty.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
