package io.eddy.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.EddyApp;
import io.eddy.InvalidConfigException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint's answers and refusals, for an application that is not started (no broker needed). */
class MonitoringServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private EddyApp app;
    private MonitoringServer server;

    @BeforeEach
    void start() {
        app = EddyMeterBinderTest.app();
        server = MonitoringServer.builder(app).build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnLoopbackByDefault() {
        assertThat(server.url().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void servesStatusTopologyProgressAndHealth() throws Exception {
        HttpResponse<String> status = get("/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode s = JSON.readTree(status.body());
        assertThat(s.get("applicationId").asText()).isEqualTo("shop");
        assertThat(s.get("state").asText()).isEqualTo("CREATED");

        JsonNode topology = JSON.readTree(get("/topology").body());
        assertThat(topology.get("text").asText()).contains("kafka-orders");

        assertThat(JSON.readTree(get("/progress").body()).isArray()).isTrue();
        assertThat(JSON.readTree(get("/tasks").body()).isArray()).isTrue();
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);   // not RUNNING
        assertThat(JSON.readTree(ready.body()).get("state").asText()).isEqualTo("CREATED");
        assertThat(get("/metrics").body()).contains("eddy_app_running{application=\"shop\"} 0.0");
    }

    @Test
    void servesTheUiAndTheVendoredChartLibrary() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("/ui/vendor/uplot/uPlot.iife.min.js");
        assertThat(get("/ui/vendor/uplot/uPlot.iife.min.js").body()).contains("uPlot");
        assertThat(get("/ui/app.js").headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
    }

    @Test
    void badRequestsGetClearClientErrorsWithoutStackTraces() throws Exception {
        HttpResponse<String> missing = get("/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("error").asText()).contains("/nope").contains("/status");
        HttpResponse<String> badLimit = get("/progress?limit=abc");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.body()).contains("limit must be a positive integer, got 'abc'");
        assertThat(get("/progress?since=yesterday").body()).contains("ISO-8601");
        assertThat(get("/progress?foo=1").body()).contains("unknown parameter 'foo'");
        assertThat(get("/ui/../MonitoringServer.class").statusCode()).isIn(400, 404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.url().resolve("/status"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        for (HttpResponse<String> r : java.util.List.of(missing, badLimit, post)) {
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void aBearerTokenIsRequiredWhenSetAndNeverShown() throws Exception {
        try (MonitoringServer secured = MonitoringServer.builder(app).bearerToken("s3cret-token").build().start()) {
            URI status = secured.url().resolve("/status");
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(status).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(status)
                    .header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            HttpResponse<String> right = http.send(HttpRequest.newBuilder(status)
                    .header("Authorization", "Bearer s3cret-token").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(secured.toString()).doesNotContain("s3cret");
            assertThat(wrong.body()).doesNotContain("s3cret");
        }
    }

    @Test
    void badOptionsFailAtBuildNamingTheOption() {
        assertThatThrownBy(() -> MonitoringServer.builder(app).port(70_000).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("port").hasMessageContaining("70000");
        assertThatThrownBy(() -> MonitoringServer.builder(app).bindAddress(" ").build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("bindAddress");
        assertThatThrownBy(() -> MonitoringServer.builder(app).bearerToken("  ").build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("bearerToken");
        assertThatThrownBy(() -> MonitoringServer.builder(app).readyRestoreBacklog(-1).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("readyRestoreBacklog");
    }
}
