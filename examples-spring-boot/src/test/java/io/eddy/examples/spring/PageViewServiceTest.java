package io.eddy.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.spring.boot.EddyLifecycle;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample service on an embedded broker: page views posted over HTTP are counted per URL (health
 * checks left out) and the counts committed to {@code views-per-url}; the stats endpoint, readiness,
 * {@code /actuator/eddy} and {@code /actuator/prometheus} answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "page-views.partitions=2")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PageViewServiceTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    EddyLifecycle lifecycle;

    @DynamicPropertySource
    static void broker(DynamicPropertyRegistry properties) throws IOException {
        kafka = EmbeddedKafka.start();
        String stateDir = Files.createTempDirectory("page-view-service-test").toString();
        properties.add("eddy.bootstrap-servers", kafka::bootstrapServers);
        properties.add("eddy.state-dir", () -> stateDir);
    }

    /** The application leaves the group before the broker stops; Spring closes the context after the class. */
    @AfterAll
    void stopBroker() {
        if (lifecycle != null) {
            lifecycle.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)));
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Long> latestCounts() {
        Map<String, Long> latest = new HashMap<>();
        for (TopicRecord r : TopicIO.of(kafka).readCommittedToEnd(PageViewService.VIEWS_PER_URL, DEADLINE)) {
            latest.put(r.keyString(), ByteBuffer.wrap(r.value()).getLong());
        }
        return latest;
    }

    @Test
    void pageViewsPostedOverHttpAreCountedPerUrlAndCommitted() {
        String[] urls = {"/home", "/cart", "/home", "/health", "/home", "/cart", "/about"};
        for (int i = 0; i < urls.length; i++) {
            HttpResponse<String> posted = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/page-views?user=user-" + (i % 3) + "&url=" + urls[i])).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        }
        Await.until(DEADLINE, () -> latestCounts().equals(Map.of("/home", 3L, "/cart", 2L, "/about", 1L)),
                () -> "counts committed: " + latestCounts());

        JsonNode stats = json(get("/page-views/stats"));
        assertThat(stats.get("state").asText()).isEqualTo("RUNNING");
        // the 7 page views, and the 6 that are not health checks once more from the repartition topic
        assertThat(stats.get("processedRecords").asLong()).isEqualTo(urls.length + 6);
        assertThat(stats.get("committedBatches").asLong()).isPositive();

        Await.until(DEADLINE, () -> get("/actuator/health/readiness").statusCode() == 200,
                () -> get("/actuator/health/readiness").body());
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(json(get("/actuator/eddy")).get("applicationId").asText()).isEqualTo("page-view-service");
        assertThat(get("/actuator/prometheus").body())
                .contains("eddy_records_processed_total{application=\"page-view-service\"} 13.0");
    }
}
