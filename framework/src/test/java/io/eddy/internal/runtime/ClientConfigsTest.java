package io.eddy.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.ErrorHandler;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.kafka.ClientRole;
import io.eddy.kafka.KafkaClientFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;

/**
 * How the settings of each client role are layered (bootstrap servers, common overrides, Eddy's
 * own settings, role overrides) and how {@link KafkaClients} hands them to the factory.
 */
class ClientConfigsTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"eddy\" password=\"hunter2\";";

    private static AppOptions options(Map<String, Object> common, Map<String, Object> consumer,
                                      Map<String, Object> producer, Map<String, Object> admin,
                                      KafkaClientFactory factory) {
        return options(common, consumer, producer, admin, factory, io.eddy.FlowControl.none());
    }

    private static AppOptions options(Map<String, Object> common, Map<String, Object> consumer,
                                      Map<String, Object> producer, Map<String, Object> admin,
                                      KafkaClientFactory factory, io.eddy.FlowControl flow) {
        return new AppOptions("app", "broker:9092", 1, Guarantee.EXACTLY_ONCE, Trigger.every(Duration.ofMillis(100)),
                Integer.MAX_VALUE, Duration.ofSeconds(60), Duration.ofSeconds(20), null, ErrorHandler.fail(),
                List.of(), List.of(), consumer, producer, Clock.systemUTC(), System.out, null, Path.of("state"),
                64L << 20, 32L << 20, 2L << 20, List.of(), Duration.ofSeconds(10), common, admin, factory,
                Duration.ofSeconds(30), flow, null, 0);
    }

    @Test
    void aWorkerConsumerFetchesLongRunsOfEachPartitionUnlessFlowControlPausesInputOrTheUserOverrides() {
        KafkaClientFactory factory = KafkaClientFactory.defaultFactory();
        assertThat(ClientConfigs.consumer(options(Map.of(), Map.of(), Map.of(), Map.of(), factory), "app-0", null, null))
                .containsEntry("max.partition.fetch.bytes", 8 << 20)
                .containsEntry("fetch.max.bytes", 16 << 20);
        assertThat(ClientConfigs.consumer(options(Map.of(), Map.of("max.partition.fetch.bytes", 1 << 20), Map.of(),
                Map.of(), factory), "app-0", null, null))
                .containsEntry("max.partition.fetch.bytes", 1 << 20)
                .containsEntry("fetch.max.bytes", 16 << 20);
        // a partition held by a rate limit is rewound: its buffered records would be fetched again
        assertThat(ClientConfigs.consumer(options(Map.of(), Map.of(), Map.of(), Map.of(), factory,
                io.eddy.FlowControl.none().withMaxRecordsPerSecond(1_000)), "app-0", null, null))
                .doesNotContainKeys("max.partition.fetch.bytes", "fetch.max.bytes")
                .containsEntry("fetch.max.wait.ms", FlowController.FETCH_MAX_WAIT_MS);
    }

    @Test
    void theStoreRegistryReaderDoesNotWaitAtTheBrokerForRecordsItDoesNotExpect() {
        assertThat(ClientConfigs.storeRegistryConsumer(withCommon(Map.of()))).containsEntry("fetch.max.wait.ms", 10);
    }

    private static AppOptions withCommon(Map<String, Object> common) {
        return options(common, Map.of(), Map.of(), Map.of(), KafkaClientFactory.defaultFactory());
    }

    /** The settings of every role, as the runtime assembles them. */
    private static Map<ClientRole, Map<String, Object>> everyRole(AppOptions o) {
        Map<ClientRole, Map<String, Object>> configs = new EnumMap<>(ClientRole.class);
        configs.put(ClientRole.WORKER_CONSUMER, ClientConfigs.consumer(o, "app-0", null, null));
        configs.put(ClientRole.WORKER_PRODUCER, ClientConfigs.producer(o, "app-0", "app-x-0"));
        configs.put(ClientRole.RESTORE_CONSUMER, ClientConfigs.restoreConsumer(o, "app-0"));
        configs.put(ClientRole.STANDBY_CONSUMER, ClientConfigs.standbyConsumer(o, "app"));
        configs.put(ClientRole.GLOBAL_TABLE_CONSUMER, ClientConfigs.globalTableConsumer(o));
        configs.put(ClientRole.STORE_REGISTRY_CONSUMER, ClientConfigs.storeRegistryConsumer(o));
        configs.put(ClientRole.STORE_REGISTRY_PRODUCER, ClientConfigs.storeRegistryProducer(o));
        configs.put(ClientRole.END_OFFSETS_CONSUMER, ClientConfigs.endOffsetsConsumer(o));
        configs.put(ClientRole.ADMIN, ClientConfigs.admin(o));
        configs.put(ClientRole.SOURCE_CONSUMER, ClientConfigs.sourceConsumer(o, "app-source-files", "app-source-files-p1"));
        configs.put(ClientRole.SOURCE_PRODUCER, ClientConfigs.sourceProducer(o, "app-source-files-p1", "app-source-files"));
        return configs;
    }

    @Test
    void everyRoleHasSettingsAndEachGetsTheCommonOnes() {
        Map<ClientRole, Map<String, Object>> configs = everyRole(withCommon(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config", JAAS,
                "client.rack", "rack-a")));
        assertThat(configs.keySet()).containsExactlyInAnyOrder(ClientRole.values());
        configs.forEach((role, config) -> assertThat(config).as("%s", role)
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("client.rack", "rack-a"));
    }

    @Test
    void eddysOwnSettingsOfARoleWinOverACommonOne() {
        Map<ClientRole, Map<String, Object>> configs = everyRole(withCommon(Map.of(
                "client.id", "everyone", "max.poll.records", 7)));
        configs.forEach((role, config) -> assertThat(config.get("client.id")).as("%s", role)
                .isNotEqualTo("everyone").asString().startsWith("app-"));
        assertThat(configs.values()).extracting(c -> c.get("client.id")).doesNotHaveDuplicates();
        assertThat(configs.get(ClientRole.RESTORE_CONSUMER)).containsEntry("max.poll.records", 10_000);
        assertThat(configs.get(ClientRole.WORKER_CONSUMER)).containsEntry("max.poll.records", 7);
        assertThat(configs.get(ClientRole.GLOBAL_TABLE_CONSUMER)).containsEntry("max.poll.records", 7);
    }

    @Test
    void roleOverridesWinOverTheCommonSettingsAndOverEddysOwnAndStayInTheirRole() {
        AppOptions o = options(
                Map.of("client.rack", "rack-a", "max.poll.records", 7, "linger.ms", 1, "request.timeout.ms", 1_000),
                Map.of("client.rack", "rack-consumer", "max.poll.records", 500),
                Map.of("linger.ms", 50, "batch.size", 1024),
                Map.of("request.timeout.ms", 9_000),
                KafkaClientFactory.defaultFactory());
        Map<ClientRole, Map<String, Object>> configs = everyRole(o);
        assertThat(configs.get(ClientRole.WORKER_CONSUMER)).containsEntry("client.rack", "rack-consumer")
                .containsEntry("max.poll.records", 500);
        assertThat(configs.get(ClientRole.WORKER_PRODUCER)).containsEntry("client.rack", "rack-a")
                .containsEntry("linger.ms", 50).containsEntry("batch.size", 1024);
        assertThat(configs.get(ClientRole.ADMIN)).containsEntry("request.timeout.ms", 9_000)
                .containsEntry("client.rack", "rack-a");
        // the other roles see the common settings, not the role overrides
        assertThat(configs.get(ClientRole.RESTORE_CONSUMER)).containsEntry("client.rack", "rack-a");
        assertThat(configs.get(ClientRole.GLOBAL_TABLE_CONSUMER)).containsEntry("client.rack", "rack-a")
                .containsEntry("max.poll.records", 7);
        assertThat(configs.get(ClientRole.STORE_REGISTRY_PRODUCER)).containsEntry("linger.ms", 1)
                .doesNotContainKey("batch.size");
    }

    @Test
    void aWorkersPurgeAdminHasTheAdminSettingsAndItsOwnClientId() {
        AppOptions o = options(Map.of("client.rack", "rack-a"), Map.of(), Map.of(),
                Map.of("request.timeout.ms", 9_000), KafkaClientFactory.defaultFactory());
        assertThat(ClientConfigs.purgeAdmin(o, "app-1")).containsEntry("client.id", "app-1-purge")
                .containsEntry("client.rack", "rack-a").containsEntry("request.timeout.ms", 9_000)
                .containsEntry("bootstrap.servers", "broker:9092");
        AppOptions named = options(Map.of(), Map.of(), Map.of(), Map.of("client.id", "mine"),
                KafkaClientFactory.defaultFactory());
        assertThat(ClientConfigs.purgeAdmin(named, "app-1")).as("an admin override wins")
                .containsEntry("client.id", "mine");
    }

    @Test
    void theSettingsEddysGuaranteesDependOnStayEddys() {
        Map<ClientRole, Map<String, Object>> configs = everyRole(withCommon(Map.of("client.rack", "rack-a")));
        assertThat(configs.get(ClientRole.WORKER_CONSUMER)).containsEntry("group.id", "app")
                .containsEntry("isolation.level", "read_committed").containsEntry("enable.auto.commit", false);
        assertThat(configs.get(ClientRole.WORKER_PRODUCER)).containsEntry("transactional.id", "app-x-0")
                .containsEntry("acks", "all").containsEntry("enable.idempotence", true);
        for (ClientRole role : List.of(ClientRole.RESTORE_CONSUMER, ClientRole.GLOBAL_TABLE_CONSUMER,
                ClientRole.STORE_REGISTRY_CONSUMER, ClientRole.END_OFFSETS_CONSUMER)) {
            assertThat(configs.get(role)).as("%s", role).containsEntry("isolation.level", "read_committed")
                    .doesNotContainKey("group.id")
                    .containsEntry("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        }
        assertThat(configs.get(ClientRole.STORE_REGISTRY_PRODUCER)).containsEntry("acks", "all");
    }

    @Test
    void theFactoryGetsTheRoleAndTheSettingsFrozen() {
        Map<ClientRole, Map<String, Object>> received = new EnumMap<>(ClientRole.class);
        KafkaClientFactory recording = new KafkaClientFactory() {
            @Override
            public Consumer<byte[], byte[]> consumer(ClientRole role, Map<String, Object> config) {
                received.put(role, config);
                return new MockConsumer<>("earliest");
            }

            @Override
            public Producer<byte[], byte[]> producer(ClientRole role, Map<String, Object> config) {
                received.put(role, config);
                return new MockProducer<>();
            }

            @Override
            public Admin admin(ClientRole role, Map<String, Object> config) {
                throw new UnsupportedOperationException();
            }
        };
        AppOptions o = options(Map.of("client.rack", "rack-a"), Map.of(), Map.of(), Map.of(), recording);
        Map<String, Object> config = ClientConfigs.restoreConsumer(o, "app-0");
        try (Consumer<byte[], byte[]> c = KafkaClients.consumer(o, ClientRole.RESTORE_CONSUMER, config);
             Producer<byte[], byte[]> p = KafkaClients.workerProducer(o, ClientConfigs.producer(o, "app-0", "t"))) {
            assertThat(c).isInstanceOf(MockConsumer.class);
            assertThat(p).isInstanceOf(MockProducer.class);
        }
        assertThat(received.get(ClientRole.RESTORE_CONSUMER)).isEqualTo(config).isNotSameAs(config);
        assertThatThrownBy(() -> received.get(ClientRole.RESTORE_CONSUMER).put("client.rack", "x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(received.get(ClientRole.WORKER_PRODUCER)).containsEntry("client.rack", "rack-a");

        assertThatThrownBy(() -> KafkaClients.consumer(o, ClientRole.WORKER_PRODUCER, config))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WORKER_PRODUCER");
    }

    @Test
    void aFactoryReturningNoClientFailsNamingTheRole() {
        KafkaClientFactory empty = new KafkaClientFactory() {
            @Override
            public Consumer<byte[], byte[]> consumer(ClientRole role, Map<String, Object> config) {
                return null;
            }

            @Override
            public Producer<byte[], byte[]> producer(ClientRole role, Map<String, Object> config) {
                return null;
            }

            @Override
            public Admin admin(ClientRole role, Map<String, Object> config) {
                return null;
            }

            @Override
            public String toString() {
                return "empty factory";
            }
        };
        AppOptions o = options(Map.of(), Map.of(), Map.of(), Map.of(), empty);
        assertThatThrownBy(() -> KafkaClients.admin(o, ClientRole.ADMIN, ClientConfigs.admin(o)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("empty factory").hasMessageContaining("ADMIN");
    }

    @Test
    void optionsShowNoSecretValue() {
        AppOptions o = options(Map.of("sasl.jaas.config", JAAS, "security.protocol", "SASL_SSL"),
                Map.of("ssl.key.password", "keypass"), Map.of("ssl.keystore.password", "storepass"),
                Map.of("sasl.oauthbearer.client.credentials.client.secret", "oauth-secret"),
                KafkaClientFactory.defaultFactory());
        assertThat(o.toString()).contains("security.protocol=SASL_SSL").contains("sasl.jaas.config=[hidden]")
                .doesNotContain("hunter2").doesNotContain("keypass").doesNotContain("storepass")
                .doesNotContain("oauth-secret");
    }

    @Test
    void lowLatencyProducerDoesNotLingerUnlessOverridden() {
        AppOptions batch = withCommon(Map.of());
        AppOptions lowLatency = new AppOptions("app", "broker:9092", 1, Guarantee.AT_LEAST_ONCE,
                Trigger.lowLatency(Duration.ofMillis(100)), Integer.MAX_VALUE, Duration.ofSeconds(60),
                Duration.ofSeconds(20), null, ErrorHandler.fail(), List.of(), List.of(), Map.of(), Map.of(),
                Clock.systemUTC(), System.out, null, Path.of("state"), 64L << 20, 32L << 20, 2L << 20, List.of(),
                Duration.ofSeconds(10), Map.of(), Map.of(), KafkaClientFactory.defaultFactory(), Duration.ofSeconds(30));
        assertThat(ClientConfigs.producer(batch, "app-0", "t").get(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG)).isEqualTo(5);
        assertThat(ClientConfigs.producer(lowLatency, "app-0", "t").get(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG)).isEqualTo(0);
        assertThat(ClientConfigs.producer(lowLatency, "app-0", "t"))
                .doesNotContainKey(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }
}
