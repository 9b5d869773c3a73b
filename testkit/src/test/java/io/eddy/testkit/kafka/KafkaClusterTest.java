package io.eddy.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaClusterTest {

    @AfterEach
    void clearKind() {
        System.clearProperty(KafkaCluster.KIND_PROPERTY);
    }

    @Test
    void withoutConfigurationAndWithoutDockerTheClusterIsEmbedded() {
        System.clearProperty(KafkaCluster.KIND_PROPERTY);
        assumeTrue(System.getenv(KafkaCluster.KIND_ENVIRONMENT_VARIABLE) == null, "needs EDDY_KAFKA unset");
        assumeTrue(!ContainerKafka.isDockerAvailable(), "with a Docker engine the default is a container");

        try (KafkaCluster kafka = KafkaCluster.start()) {
            assertThat(kafka).isInstanceOf(EmbeddedKafka.class);
            kafka.createTopic("t", 1);
            TopicIO.of(kafka).produce("t", List.of(KeyValue.of("k", "v")));
            assertThat(TopicIO.of(kafka).endOffsets("t")).containsEntry(0, 1L);
        }
    }

    @Test
    void anUnknownKindIsRejectedWithItsSource() {
        System.setProperty(KafkaCluster.KIND_PROPERTY, "kubernetes");

        assertThatThrownBy(KafkaCluster::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("system property eddy.kafka")
                .hasMessageContaining("kubernetes");
    }

    @Test
    void brokerPropertiesMapToContainerEnvironmentNames() {
        assertThat(ContainerKafka.environmentName("log.cleaner.dedupe.buffer.size"))
                .isEqualTo("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE");
    }
}
