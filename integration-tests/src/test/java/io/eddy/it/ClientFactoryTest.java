package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.GlobalTable;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.kafka.ClientRole;
import io.eddy.kafka.KafkaClientFactory;
import io.eddy.serde.Serdes;
import io.eddy.testkit.kafka.KeyValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Kafka client of an application comes from its {@link KafkaClientFactory}, and a setting
 * given once with {@code clientOverride} reaches every one of them. The pipeline makes Eddy create
 * a client of every {@link ClientRole}: a global table (global-table consumer), a changelogged
 * count (store registry, restore consumer), a Kafka sink (worker producer), an
 * {@code availableNow} trigger (end-offset lookup), and the admin client and worker consumer every
 * application has. A recording factory wraps the default one, so the clients are real and the
 * pipeline's output is checked against the broker.
 */
class ClientFactoryTest extends BrokerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int CUSTOMERS = 30;
    private static final int KNOWN_CUSTOMERS = 20;
    private static final int ORDERS = 3_000;

    @TempDir
    Path tmp;

    /** Records the role and settings of every client Eddy asks for, then has {@code delegate} create it. */
    static final class RecordingFactory implements KafkaClientFactory {
        final Map<ClientRole, List<Map<String, Object>>> received = new ConcurrentHashMap<>();
        private final KafkaClientFactory delegate = KafkaClientFactory.defaultFactory();
        private final UnaryOperator<Map<String, Object>> adapt;

        RecordingFactory(UnaryOperator<Map<String, Object>> adapt) {
            this.adapt = adapt;
        }

        private Map<String, Object> record(ClientRole role, Map<String, Object> config) {
            received.computeIfAbsent(role, r -> new CopyOnWriteArrayList<>()).add(config);
            return adapt.apply(config);
        }

        @Override
        public Consumer<byte[], byte[]> consumer(ClientRole role, Map<String, Object> config) {
            return delegate.consumer(role, record(role, config));
        }

        @Override
        public Producer<byte[], byte[]> producer(ClientRole role, Map<String, Object> config) {
            return delegate.producer(role, record(role, config));
        }

        @Override
        public Admin admin(ClientRole role, Map<String, Object> config) {
            return delegate.admin(role, record(role, config));
        }
    }

    private void createAndFillTopics(String prefix) {
        kafka.createTopic(prefix + "-regions", 2);
        kafka.createTopic(prefix + "-orders", 3);
        kafka.createTopic(prefix + "-out", 3);
        List<KeyValue> regions = new ArrayList<>();
        for (int c = 0; c < KNOWN_CUSTOMERS; c++) {
            regions.add(KeyValue.of("customer-" + c, c % 2 == 0 ? "north" : "south"));
        }
        io.produce(prefix + "-regions", regions);
        List<KeyValue> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            orders.add(KeyValue.of("customer-" + i % CUSTOMERS, "order-" + i));
        }
        io.produce(prefix + "-orders", orders);
    }

    /** Orders per customer, counting only the customers the global table knows. */
    /** Every role but those a single availableNow instance without sources or standbys never creates. */
    private static final Set<ClientRole> ROLES_OF_THIS_RUN = EnumSet.complementOf(EnumSet.of(ClientRole.SOURCE_CONSUMER,
            ClientRole.SOURCE_PRODUCER, ClientRole.STANDBY_CONSUMER));

    private static Map<String, Long> expectedCounts() {
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < ORDERS; i++) {
            if (i % CUSTOMERS < KNOWN_CUSTOMERS) {
                counts.merge("customer-" + i % CUSTOMERS, 1L, Long::sum);
            }
        }
        return counts;
    }

    private EddyApp.Builder app(String prefix, KafkaClientFactory factory) {
        return EddyApp.builder(prefix)
                .bootstrapServers(kafka.bootstrapServers())
                .trigger(Trigger.availableNow())
                .stateDir(tmp.resolve(prefix))
                .clientFactory(factory)
                .pipeline(p -> {
                    GlobalTable<String, String> regions = p.globalTable(prefix + "-regions",
                            Consumed.with(Serdes.string(), Serdes.string()));
                    p.kafka(prefix + "-orders", Consumed.with(Serdes.string(), Serdes.string()))
                            .join(regions, (customer, order) -> customer, (order, region) -> region)
                            .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                            .count(Named.as("orders-per-customer"))
                            .toStream()
                            .toKafka(prefix + "-out", Produced.with(Serdes.string(), Serdes.longs()));
                });
    }

    private static void runToTheEnd(EddyApp app) {
        try {
            app.start();
            assertThat(app.awaitTermination(DEADLINE))
                    .as("the availableNow run stops by itself; state %s, failure %s", app.state(), app.failure())
                    .isTrue();
            assertThat(app.failure()).isEmpty();
            assertThat(app.state()).isEqualTo(AppState.STOPPED);
        } finally {
            app.close(Duration.ofSeconds(30));
        }
    }

    private void assertCounts(String output) {
        Map<String, List<Long>> updates = CommittedOutput.readCountUpdates(kafka.bootstrapServers(), output, DEADLINE);
        CommittedOutput.assertCountUpdates(expectedCounts(), updates, output);
    }

    @Test
    void aCommonSettingReachesTheClientOfEveryRoleAndThePipelineRuns() {
        createAndFillTopics("cf-plain");
        RecordingFactory factory = new RecordingFactory(UnaryOperator.identity());
        EddyApp app = app("cf-plain", factory)
                .clientOverride("client.rack", "rack-a")
                .clientOverride("security.protocol", "PLAINTEXT")
                .consumerOverride("max.poll.records", 400)
                .build();

        runToTheEnd(app);

        assertCounts("cf-plain-out");
        // the source roles need a source outside Kafka, which cannot run availableNow: the connectors'
        // RateAndSocketSourceTest checks that they too come from the factory with the common settings;
        // the standby consumer needs a second instance holding standby tasks (ClientConfigsTest checks
        // its settings, StandbyFailoverTest runs it)
        assertThat(factory.received.keySet()).as("roles of the clients created")
                .isEqualTo(ROLES_OF_THIS_RUN);
        factory.received.forEach((role, configs) -> configs.forEach(config -> assertThat(config).as("%s", role)
                .containsEntry("bootstrap.servers", kafka.bootstrapServers())
                .containsEntry("client.rack", "rack-a")
                .containsEntry("security.protocol", "PLAINTEXT")));
        // the role override went to the worker consumer only
        factory.received.forEach((role, configs) -> configs.forEach(config -> {
            if (role == ClientRole.WORKER_CONSUMER) {
                assertThat(config).containsEntry("max.poll.records", 400).containsEntry("group.id", "cf-plain");
            } else {
                assertThat(config).as("%s", role).doesNotContainEntry("max.poll.records", 400);
            }
        }));
    }

    /**
     * A SASL setting given once reaches every role. The embedded broker has no SASL listener, so
     * once the settings are recorded the factory connects with PLAINTEXT and without the SASL
     * settings: what is under test is what Eddy hands the factory, for every role, not SASL itself.
     */
    @Test
    void saslSettingsGivenOnceReachEveryRole() {
        createAndFillTopics("cf-sasl");
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"eddy\" password=\"eddy-secret\";";
        RecordingFactory factory = new RecordingFactory(config -> {
            Map<String, Object> plaintext = new HashMap<>(config);
            plaintext.keySet().removeIf(k -> k.startsWith("sasl."));
            plaintext.put("security.protocol", "PLAINTEXT");
            return plaintext;
        });
        EddyApp app = app("cf-sasl", factory)
                .clientOverride("security.protocol", "SASL_PLAINTEXT")
                .clientOverride("sasl.mechanism", "PLAIN")
                .clientOverride("sasl.jaas.config", jaas)
                .build();

        runToTheEnd(app);

        assertCounts("cf-sasl-out");
        Set<ClientRole> roles = factory.received.keySet();
        assertThat(roles).as("roles of the clients created (the source and standby roles: see the test above)")
                .isEqualTo(ROLES_OF_THIS_RUN);
        factory.received.forEach((role, configs) -> configs.forEach(config -> assertThat(config).as("%s", role)
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", jaas)));
    }
}
