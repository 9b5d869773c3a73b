package io.eddy.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.RestoreProgress;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter against one embedded broker: the context starts the application and its output is
 * committed, health, the {@code eddy} endpoint and the meters answer; readiness is OUT_OF_SERVICE (503)
 * while a new instance restores its store from the changelog and UP after; closing the context
 * commits the open batch.
 *
 * <p>The class's own context ({@code @SpringBootTest}) runs the counting service; the restore and
 * shutdown tests start further contexts of the same service with {@link SpringApplicationBuilder}
 * (other application ids and topics) on the same broker.
 */
@SpringBootTest(classes = TestService.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "eddy.application-id=sb-words", "eddy.trigger-interval=100ms", "test.input=sb-words", "test.output=sb-words-counts",
    "management.endpoints.web.exposure.include=health,eddy,metrics,env,configprops",
    "management.endpoint.health.show-details=always",
    // a secret (ignored by the plaintext broker's clients) that /env and /configprops must not show even so
    "management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
    "eddy.client.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cr3t-pw\";"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class EddyStarterBrokerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;
    private static TopicIO io;
    private static Path stateRoot;

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    EddyApp app;
    @Autowired
    EddyLifecycle lifecycle;
    @Autowired
    MeterRegistry registry;
    @LocalServerPort
    int port;

    /** Starts the broker and creates the main context's topics before that context starts. */
    @DynamicPropertySource
    static void broker(DynamicPropertyRegistry properties) throws IOException {
        kafka = EmbeddedKafka.start();
        io = TopicIO.of(kafka);
        stateRoot = Files.createTempDirectory("eddy-spring-boot-test");
        kafka.createTopic("sb-words", 2, Map.of());
        kafka.createTopic("sb-words-counts", 2, Map.of());
        properties.add("eddy.bootstrap-servers", kafka::bootstrapServers);
        properties.add("eddy.state-dir", () -> stateRoot.resolve("words").toString());
    }

    /**
     * Stops the class's application before the broker, so it leaves the group while the broker runs;
     * Spring closes the context itself after the class (stopping again is a no-op).
     */
    @AfterAll
    void stopBroker() {
        if (lifecycle != null) {
            lifecycle.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void produce(String topic, int count, int keys) {
        List<KeyValue> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(KeyValue.of("key-" + (i % keys), "v" + i));
        }
        io.produce(topic, records);
    }

    private static Map<String, Long> latestCounts(String topic) {
        Map<String, Long> latest = new HashMap<>();
        for (TopicRecord r : io.readCommittedToEnd(topic, DEADLINE)) {
            latest.put(r.keyString(), ByteBuffer.wrap(r.value()).getLong());
        }
        return latest;
    }

    private static SpringApplicationBuilder service(String appId, String pipeline, String stateDir, String... more) {
        List<String> properties = new ArrayList<>(List.of("eddy.application-id=" + appId,
                "eddy.bootstrap-servers=" + kafka.bootstrapServers(), "eddy.state-dir=" + stateRoot.resolve(stateDir),
                "test.pipeline=" + pipeline, "test.input=" + appId + "-in", "test.output=" + appId + "-out"));
        properties.addAll(List.of(more));
        return new SpringApplicationBuilder(TestService.class).properties(properties.toArray(String[]::new));
    }

    @Test
    void theContextRunsTheApplicationAndServesHealthTheEndpointAndMeters() {
        assertThat(lifecycle.isRunning()).isTrue();
        produce("sb-words", 200, 20);
        Await.until(DEADLINE, () -> {
            Map<String, Long> counts = latestCounts("sb-words-counts");
            return counts.size() == 20 && counts.values().stream().allMatch(c -> c == 10);
        }, () -> "latest counts: " + latestCounts("sb-words-counts"));

        Await.until(DEADLINE, () -> get(port, "/actuator/health/readiness").statusCode() == 200,
                () -> get(port, "/actuator/health/readiness").body());
        JsonNode readiness = json(get(port, "/actuator/health/readiness"));
        assertThat(readiness.get("status").asText()).isEqualTo("UP");
        assertThat(readiness.at("/components/eddy/details/state").asText()).isEqualTo("RUNNING");
        assertThat(readiness.at("/components/readinessState/status").asText()).isEqualTo("UP");
        JsonNode liveness = json(get(port, "/actuator/health/liveness"));
        assertThat(liveness.get("status").asText()).isEqualTo("UP");
        assertThat(liveness.at("/components/eddyLiveness/status").asText()).isEqualTo("UP");
        assertThat(liveness.at("/components/eddy").isMissingNode()).as("liveness does not wait for restores").isTrue();

        HttpResponse<String> status = get(port, "/actuator/eddy");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(json(status).get("state").asText()).isEqualTo("RUNNING");
        assertThat(json(status).get("applicationId").asText()).isEqualTo("sb-words");
        JsonNode progress = json(get(port, "/actuator/eddy/progress"));
        assertThat(progress.isArray()).isTrue();
        long records = 0;
        for (JsonNode batch : progress) {
            records += batch.get("records").asLong();
        }
        assertThat(records).isEqualTo(200);
        assertThat(json(get(port, "/actuator/eddy/topology")).get("text").asText()).contains("counts");
        assertThat(get(port, "/actuator/eddy/nothing").statusCode()).isEqualTo(404);

        assertThat(registry.get("eddy.records.processed").functionCounter().count()).isEqualTo(200);
        Await.until(DEADLINE, () -> registry.getMeters().stream().anyMatch(m -> m.getId().getName().startsWith("kafka.consumer")),
                () -> "no Kafka consumer meters");
        assertThat(get(port, "/actuator/metrics/eddy.records.processed").statusCode()).isEqualTo(200);

        HttpResponse<String> env = get(port, "/actuator/env");
        HttpResponse<String> configprops = get(port, "/actuator/configprops");
        assertThat(env.body()).contains("eddy.client.sasl.jaas.config").contains("sb-words").doesNotContain("s3cr3t");
        assertThat(configprops.body()).contains("sasl.jaas.config").contains("sb-words").doesNotContain("s3cr3t");
    }

    @Test
    void readinessIsOutOfServiceWhileTheStoreRestoresAndUpAfter() throws Exception {
        kafka.createTopic("sb-restore-in", 2, Map.of());
        kafka.createTopic("sb-restore-out", 2, Map.of());
        produce("sb-restore-in", 1_000, 500);
        // a first instance counts and so writes the changelog, then stops
        try (ConfigurableApplicationContext first = service("sb-restore", "count", "restore-first")
                .web(WebApplicationType.NONE).run()) {
            EddyApp firstApp = first.getBean(EddyApp.class);
            Await.until(DEADLINE, () -> firstApp.metrics().processedRecords() >= 1_000, () -> firstApp.metrics().toString());
        }

        // a second instance with an empty state directory restores the 500 counts; its restore listener
        // holds the first restore at its end, so the test sees readiness while it restores
        CountDownLatch atEnd = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        EddyAppCustomizer holdRestore = builder -> builder.addRestoreListener(r -> {
            if (r.phase() == RestoreProgress.Phase.DONE && held.compareAndSet(false, true)) {
                atEnd.countDown();
                try {
                    release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try (ConfigurableApplicationContext second = service("sb-restore", "count", "restore-second",
                "server.port=0", "management.endpoint.health.show-details=always", "eddy.monitoring.port=0")
                .initializers(c -> c.getBeanFactory().registerSingleton("holdRestore", holdRestore)).run()) {
            int secondPort = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
            assertThat(atEnd.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("a restore reached its end").isTrue();
            HttpResponse<String> during = get(secondPort, "/actuator/health/readiness");
            assertThat(during.statusCode()).isEqualTo(503);
            assertThat(json(during).get("status").asText()).isEqualTo("OUT_OF_SERVICE");
            assertThat(json(during).at("/components/eddy/details/restoring").asBoolean()).isTrue();
            assertThat(get(secondPort, "/actuator/health/liveness").statusCode()).as("alive while restoring").isEqualTo(200);
            // the monitoring module's own server (eddy.monitoring.port) says the same
            int monitoringPort = second.getBean(EddyLifecycle.class).monitoringServer().orElseThrow().url().getPort();
            assertThat(get(monitoringPort, "/health/ready").statusCode()).isEqualTo(503);

            release.countDown();
            Await.until(DEADLINE, () -> get(secondPort, "/actuator/health/readiness").statusCode() == 200,
                    () -> get(secondPort, "/actuator/health/readiness").body());
            JsonNode ready = json(get(secondPort, "/actuator/health/readiness"));
            assertThat(ready.get("status").asText()).isEqualTo("UP");
            assertThat(ready.at("/components/eddy/details/state").asText()).isEqualTo("RUNNING");
            assertThat(get(monitoringPort, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(monitoringPort, "/metrics").body()).contains("eddy_records_processed_total");
            long restored = second.getBean(EddyApp.class).status().restores().stream()
                    .mapToLong(RestoreProgress::restored).sum();
            assertThat(restored).isGreaterThanOrEqualTo(500);   // every key's count, maybe several updates of some
        } finally {
            release.countDown();
        }
    }

    @Test
    void closingTheContextCommitsTheOpenBatch() {
        kafka.createTopic("sb-close-in", 2, Map.of());
        kafka.createTopic("sb-close-out", 2, Map.of());
        // a trigger far away: the only commit of this run is the one the close makes
        ConfigurableApplicationContext service = service("sb-close", "copy", "close", "eddy.trigger-interval=10m",
                "eddy.shutdown-timeout=30s").web(WebApplicationType.NONE).run();
        EddyApp closing = service.getBean(EddyApp.class);
        EddyLifecycle closingLifecycle = service.getBean(EddyLifecycle.class);
        try {
            AtomicLong seen = service.getBean("seen", AtomicLong.class);
            produce("sb-close-in", 50, 50);
            Await.until(DEADLINE, () -> seen.get() >= 50, () -> "records seen by the pipeline: " + seen.get());
            assertThat(io.readCommittedToEnd("sb-close-out", DEADLINE)).as("nothing committed before the close").isEmpty();
        } finally {
            service.close();
        }
        assertThat(closingLifecycle.closedInTime()).contains(true);
        assertThat(closingLifecycle.isRunning()).isFalse();
        assertThat(closing.state()).isEqualTo(AppState.STOPPED);
        List<TopicRecord> out = io.readCommitted("sb-close-out", 50, DEADLINE);
        assertThat(out).hasSize(50);
        assertThat(out.stream().map(TopicRecord::valueString).distinct()).hasSize(50);
    }
}
