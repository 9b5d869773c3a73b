package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code Demo --monitor}: the windowed pipeline runs and its UI's endpoint answers with live progress. */
class MonitoringDemoTest {

    private static String get(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void printsTheUrlOfAUiThatShowsTheWindowedPipeline() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Demo.Options options = new Demo.Options(null, Duration.ofSeconds(12), 2_000, 2, Duration.ofMillis(200), out);
        CompletableFuture<URI> url = new CompletableFuture<>();
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> MonitoringDemo.run(options, 0, url::complete));
        URI base = url.get(60, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        Await.until(Duration.ofSeconds(30), () -> get(http, base.resolve("/progress"))
                .contains("\"store\":\"views-per-url\""), () -> "no batch of the windowed count in /progress");
        assertThat(get(http, base)).contains("uPlot");
        run.get(90, TimeUnit.SECONDS);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("monitoring UI:  " + base);
    }
}
