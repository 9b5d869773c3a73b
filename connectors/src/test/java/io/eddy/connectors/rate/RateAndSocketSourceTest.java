package io.eddy.connectors.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.InvalidConfigException;
import io.eddy.Trigger;
import io.eddy.connectors.socket.SocketSource;
import io.eddy.dsl.Produced;
import io.eddy.kafka.ClientRole;
import io.eddy.kafka.KafkaClientFactory;
import io.eddy.serde.Serdes;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rate source (a deterministic sequence that continues across restarts) and the socket source
 * (lines from a local server; refused under exactly-once unless at-most-once is accepted), against
 * one real broker.
 */
class RateAndSocketSourceTest {
    private static EmbeddedKafka kafka;
    private static TopicIO io;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        io = TopicIO.of(kafka);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** The roles and client ids of the clients the applications asked for. */
    private static final Map<ClientRole, java.util.Set<Object>> clients = new java.util.concurrent.ConcurrentHashMap<>();

    private static final KafkaClientFactory RECORDING = new KafkaClientFactory() {
        private final KafkaClientFactory real = KafkaClientFactory.defaultFactory();

        private void record(ClientRole role, Map<String, Object> config) {
            assertThat(config).as("%s", role).containsEntry("client.rack", "rack-r");
            clients.computeIfAbsent(role, r -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(config.get("client.id"));
        }

        @Override
        public org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer(ClientRole role,
                                                                                  Map<String, Object> config) {
            record(role, config);
            return real.consumer(role, config);
        }

        @Override
        public org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer(ClientRole role,
                                                                                  Map<String, Object> config) {
            record(role, config);
            return real.producer(role, config);
        }

        @Override
        public org.apache.kafka.clients.admin.Admin admin(ClientRole role, Map<String, Object> config) {
            record(role, config);
            return real.admin(role, config);
        }
    };

    private static EddyApp rateApp(long perSecond) {
        return EddyApp.builder("rate-app")
                .bootstrapServers(kafka.bootstrapServers())
                .clientFactory(RECORDING)
                .clientOverride("client.rack", "rack-r")
                .guarantee(Guarantee.EXACTLY_ONCE)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .maxRecordsPerBatch(100)
                .pipeline(p -> p.source("gen", RateSource.perSecond(perSecond).withPartitions(2))
                        .toKafka("rate-out", Produced.with(Serdes.string(), Serdes.longs())))
                .build();
    }

    @Test
    void theRateSourceEmitsADeterministicSequenceThatContinuesAfterARestart() {
        kafka.createTopic("rate-out", 2, Map.of());
        try (EddyApp app = rateApp(500)) {
            app.start();
            io.readCommitted("rate-out", 600, DEADLINE);
        }
        long firstRun = io.readCommittedToEnd("rate-out", DEADLINE).size();
        try (EddyApp app = rateApp(500)) {
            app.start();
            io.readCommitted("rate-out", (int) firstRun + 300, DEADLINE);
        }
        List<TopicRecord> all = io.readCommittedToEnd("rate-out", DEADLINE);
        List<Long> sequence = all.stream().map(r -> Serdes.longs().deserialize("t", r.value())).sorted().toList();
        assertThat(sequence).as("every sequence number once, none missing")
                .isEqualTo(LongStream.range(0, sequence.size()).boxed().collect(Collectors.toList()));
        long start = all.stream().filter(r -> Serdes.longs().deserialize("t", r.value()) == 0).findFirst().orElseThrow()
                .timestamp();
        assertThat(all).allSatisfy(r -> assertThat(r.timestamp())
                .isEqualTo(start + Serdes.longs().deserialize("t", r.value()) * 2));   // 500/s: one every 2 ms
        assertThat(clients.get(ClientRole.SOURCE_PRODUCER)).as("the source's producers")
                .allSatisfy(id -> assertThat(id.toString()).startsWith("rate-app-source-gen-"));
        assertThat(clients).containsKey(ClientRole.SOURCE_CONSUMER);
    }

    @Test
    void theRateSourceRefusesABadRate() {
        assertThatThrownBy(() -> RateSource.perSecond(0)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("RateSource.recordsPerSecond");
    }

    @Test
    void theSocketSourceIsRefusedUnderExactlyOnceUnlessAtMostOnceIsAccepted() {
        assertThatThrownBy(() -> EddyApp.builder("socket-refused")
                .bootstrapServers(kafka.bootstrapServers())
                .guarantee(Guarantee.EXACTLY_ONCE)
                .pipeline(p -> p.source("typed", SocketSource.builder("localhost", 9).build())
                        .toKafka("x", Produced.with(Serdes.string(), Serdes.string())))
                .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("guarantee").hasMessageContaining("typed").hasMessageContaining("acceptAtMostOnce");
    }

    @Test
    void theSocketSourceReadsLinesFromALocalServer() throws Exception {
        kafka.createTopic("socket-out", 1, Map.of());
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket client = server.accept();
                     Writer out = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8)) {
                    for (int i = 0; i < 50; i++) {
                        out.write("line-" + i + "\n");
                    }
                    out.flush();
                    // keep the connection open until the test has read the output
                    client.getInputStream().read();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (EddyApp app = EddyApp.builder("socket-app")
                    .bootstrapServers(kafka.bootstrapServers())
                    .guarantee(Guarantee.EXACTLY_ONCE)
                    .trigger(Trigger.every(Duration.ofMillis(100)))
                    .pipeline(p -> p.source("typed", SocketSource.builder("localhost", server.getLocalPort())
                                    .acceptAtMostOnce().build())
                            .mapValues((String line) -> line.toUpperCase(java.util.Locale.ROOT))
                            .toKafka("socket-out", Produced.with(Serdes.string(), Serdes.string())))
                    .build()) {
                app.start();
                List<String> lines = io.readCommitted("socket-out", 50, DEADLINE).stream()
                        .map(TopicRecord::valueString).toList();
                assertThat(lines).containsExactlyElementsOf(
                        LongStream.range(0, 50).mapToObj(i -> "LINE-" + i).collect(Collectors.toList()));
            }
            served.get(30, TimeUnit.SECONDS);
        }
    }
}
