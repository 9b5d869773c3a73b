package io.eddy.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.EddyApp;
import io.eddy.RestoreProgress;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.kafka.KafkaClientFactory;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.kafka.TopicIO;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The endpoint of running applications on one embedded broker: {@code /metrics} (Eddy's and the
 * Kafka clients' meters), {@code /progress}, {@code /tasks}, {@code /health/ready} during a restore
 * (not ready) and after it (ready); and the web UI in headless Chromium.
 */
class MonitoringBrokerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static EmbeddedKafka kafka;
    private static TopicIO io;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        io = TopicIO.of(kafka);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void produce(String topic, int from, int count, int keys) {
        List<KeyValue> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            records.add(KeyValue.of("key-" + (i % keys), "v" + i));
        }
        io.produce(topic, records);
    }

    private static EddyApp.Builder counting(String appId, String topic, Path stateDir) {
        return EddyApp.builder(appId).bootstrapServers(kafka.bootstrapServers()).stateDir(stateDir)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> p.kafka(topic, Consumed.with(Serdes.string(), Serdes.string()))
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string())).count(Named.as("counts"))
                        .toStream().toKafka(topic + "-counts", Produced.with(Serdes.string(), Serdes.longs())));
    }

    private HttpResponse<String> get(URI base, String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode json(URI base, String path) {
        try {
            return JSON.readTree(get(base, path).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void metricsProgressTasksAndReadinessAcrossARestore() throws Exception {
        kafka.createTopic("words", 2, Map.of());
        kafka.createTopic("words-counts", 2, Map.of());
        produce("words", 0, 2_000, 500);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MeteredClientFactory clients = MeteredClientFactory.wrap(KafkaClientFactory.defaultFactory(), registry, "words-app");
        EddyApp first = counting("words-app", "words", temp.resolve("first")).clientFactory(clients).build();
        try (EddyMeterBinder binder = EddyMeterBinder.of(first);
             MonitoringServer server = MonitoringServer.builder(first).registry(registry).build()) {
            binder.bindTo(registry);
            server.start();
            URI base = server.url();
            first.start();
            Await.until(DEADLINE, () -> first.metrics().processedRecords() >= 2_000, () -> first.metrics().toString());
            Await.until(DEADLINE, () -> get(base, "/health/ready").statusCode() == 200, () -> get(base, "/health/ready").body());

            JsonNode progress = json(base, "/progress");
            assertThat(progress.size()).isPositive();
            long records = 0;
            for (JsonNode b : progress) {
                records += b.get("records").asLong();
                assertThat(b.get("runId").asText()).isEqualTo(first.status().runId());
                assertThat(b.get("durationMs").has("commit")).isTrue();
            }
            assertThat(records).isEqualTo(2_000);
            JsonNode last = progress.get(progress.size() - 1);
            assertThat(last.get("partitions").size()).isEqualTo(2);
            assertThat(last.get("stores").get(0).get("store").asText()).isEqualTo("counts");
            assertThat(last.get("stores").get(0).get("memoryBytes").asLong()).isPositive();   // RocksDB memtables at least
            assertThat(json(base, "/progress?limit=1").size()).isEqualTo(1);

            JsonNode tasks = json(base, "/tasks");
            assertThat(tasks.findValuesAsText("task")).containsExactlyInAnyOrder("0", "1");

            Await.until(DEADLINE, () -> get(base, "/metrics").body().contains("kafka_consumer_fetch_manager_records_consumed_total"),
                    () -> "no Kafka consumer metrics in the scrape");
            String scrape = get(base, "/metrics").body();
            assertThat(scrape).contains("eddy_records_processed_total{application=\"words-app\"} 2000.0")
                    .contains("eddy_partition_lag_records{application=\"words-app\",partition=\"1\",task=\"1\","
                            + "topic=\"words\",worker=\"words-app-0\"} 0.0")
                    .contains("eddy_store_rows{application=\"words-app\",operator=\"counts\",worker=\"words-app-0\"}")
                    .contains("kafka_producer_");
        } finally {
            first.close();
            clients.close();
        }

        // a second instance with an empty state directory restores the 500 counts from the changelog;
        // its restore listener holds the restore at its end so the test sees it in progress
        CountDownLatch atEnd = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        EddyApp second = counting("words-app", "words", temp.resolve("second"))
                .addRestoreListener(r -> {
                    if (r.phase() == RestoreProgress.Phase.DONE && held.compareAndSet(false, true)) {
                        atEnd.countDown();
                        try {
                            release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).build();
        try (MonitoringServer server = MonitoringServer.builder(second).build()) {
            server.start();
            URI base = server.url();
            second.start();
            assertThat(atEnd.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("a restore reached its end").isTrue();
            HttpResponse<String> during = get(base, "/health/ready");
            assertThat(during.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(during.body()).get("restoring").asBoolean()).isTrue();
            JsonNode status = json(base, "/status");
            assertThat(status.get("restoring").asBoolean()).isTrue();
            assertThat(status.get("restores").size()).isPositive();
            assertThat(json(base, "/tasks").findValuesAsText("phase")).contains("RESTORING");
            release.countDown();
            Await.until(DEADLINE, () -> get(base, "/health/ready").statusCode() == 200,
                    () -> get(base, "/health/ready").body());
            long restored = 0;
            for (JsonNode r : json(base, "/status").get("restores")) {
                assertThat(r.get("phase").asText()).isEqualTo("DONE");
                restored += r.get("restored").asLong();
            }
            assertThat(restored).isGreaterThanOrEqualTo(500);   // every key's count, maybe several updates of some
        } finally {
            release.countDown();
            second.close();
        }
    }

    /** Headless Chromium, as NOTES-kafka.md says to start it here; null (test skipped) if not installed. */
    private ChromeDriver chromium() throws IOException {
        Path binary = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        assumeTrue(Files.isExecutable(binary) && Files.isExecutable(driver),
                "headless browser tests need Debian's chromium and chromium-driver (.ci/run installs them)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,2200",
                "--user-data-dir=" + Files.createTempDirectory(temp, "chromium-profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build();
        return new ChromeDriver(service, options);
    }

    private static long number(JavascriptExecutor js, String expression) {
        Object value = js.executeScript("return " + expression + ";");
        return value == null ? -1 : ((Number) value).longValue();
    }

    @Test
    void theWebUiDrawsLiveChartsAndTheTasksInHeadlessChromium() throws Exception {
        kafka.createTopic("clicks", 2, Map.of());
        kafka.createTopic("clicks-counts", 2, Map.of());
        EddyApp app = counting("clicks-app", "clicks", temp.resolve("ui")).build();
        ChromeDriver browser = chromium();
        try (MonitoringServer server = MonitoringServer.builder(app).build()) {
            server.start();
            app.start();
            produce("clicks", 0, 500, 50);
            Await.until(DEADLINE, () -> app.metrics().processedRecords() >= 500, () -> app.metrics().toString());
            browser.get(server.url().toString());
            JavascriptExecutor js = browser;
            Await.until(DEADLINE, () -> number(js, "window.eddyUi && window.eddyUi.batchesSeen") > 0,
                    () -> "the UI saw no batch; errors: " + js.executeScript("return window.eddyUi && window.eddyUi.errors;"));
            for (String chart : List.of("chart-rate", "chart-scheduling", "chart-processing", "chart-total",
                    "chart-lag", "chart-watermark", "chart-state")) {
                assertThat(number(js, "window.eddyUi.charts['" + chart + "'].points")).as(chart).isPositive();
            }
            // more batches commit: the charts get the new points and redraw
            long redraws = number(js, "window.eddyUi.redraws");
            long seen = number(js, "window.eddyUi.batchesSeen");
            produce("clicks", 500, 500, 50);
            Await.until(DEADLINE, () -> number(js, "window.eddyUi.batchesSeen") > seen
                    && number(js, "window.eddyUi.redraws") > redraws, () -> "no redraw after new batches");
            Await.until(DEADLINE, () -> browser.findElements(org.openqa.selenium.By.cssSelector("#tasks tbody tr")).size() == 2,
                    () -> browser.findElement(org.openqa.selenium.By.id("tasks")).getText());
            assertThat(browser.findElement(org.openqa.selenium.By.id("tasks")).getText())
                    .contains("clicks-app-0").contains("RUNNING");
            assertThat(browser.findElements(org.openqa.selenium.By.cssSelector("#topology svg g.node"))).isNotEmpty();
            assertThat(browser.findElement(org.openqa.selenium.By.id("stores")).getText()).contains("counts");
            assertThat(browser.findElement(org.openqa.selenium.By.id("app-state")).getText()).startsWith("RUNNING");
            // the page as the application drew it, for the note
            Path shot = Path.of("target", "monitoring-ui.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            // 5 s of history at 100 batches/s: 500 more batches (copies of the last, 10 ms apart, with
            // 8 partitions each) drawn at once; the page keeps them all and stays free of errors
            Object redrawMs = js.executeAsyncScript(String.join("\n",
                    "const done = arguments[arguments.length - 1];",
                    "fetch('/progress?limit=1').then(r => r.json()).then(list => {",
                    "  const last = list[0]; const t0 = Date.parse(last.committedAt); const many = [];",
                    "  for (let i = 1; i <= 500; i++) {",
                    "    const b = JSON.parse(JSON.stringify(last)); b.batchId = 1000000 + i;",
                    "    b.committedAt = new Date(t0 + 10 * i).toISOString();",
                    "    b.partitions = [...Array(8).keys()].map(p => ({topic: 'synthetic', partition: p, lag: i + p}));",
                    "    many.push(b);",
                    "  }",
                    "  window.eddyUi.ingest(many); done(window.eddyUi.lastRedrawMs);",
                    "});"));
            System.out.println("UI redraw with 500 more batches (8 synthetic partitions): " + redrawMs + " ms");
            assertThat(number(js, "window.eddyUi.charts['chart-lag'].points")).isGreaterThanOrEqualTo(500);
            List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
            assertThat(errors).as("console errors").isEmpty();
            assertThat(number(js, "window.eddyUi.errors.length")).isZero();
        } finally {
            browser.quit();
            app.close();
        }
    }
}
