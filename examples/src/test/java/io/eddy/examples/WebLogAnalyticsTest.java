package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.KeyValue;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.TestOutputTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web-log pipeline on the in-memory driver, with hand-made logs. Event times are on
 * 2026-01-01 from 12:00 UTC; the driver's clock only matters for the quiet rule. Windows are
 * {@code [12:mm, 12:mm+1)}; with an allowed delay of 20 s and a grace of 10 s, the window ending
 * at {@code E} closes once the newest line seen is at {@code E + 30 s}.
 *
 * <p>Every step calls {@link TestDriver#runUntilIdle()}: the first batch parses the lines and
 * writes them to the repartition topic, the next one counts them.
 */
class WebLogAnalyticsTest {

    private static final WebLogAnalytics.Topics TOPICS = WebLogAnalytics.Topics.defaults();

    private TestDriver driver;
    private TestInputTopic<String, String> logs;
    private TestOutputTopic<Windowed<String>, Long> counts;
    private TestOutputTopic<String, WebLogLine> late;

    @BeforeEach
    void startDriver() {
        driver = TestDriver.builder()
                .pipeline(p -> WebLogAnalytics.pipeline(p, TOPICS))
                .idleTimeout(Duration.ofSeconds(10))          // the default, and the application's
                .build();
        logs = driver.input(TOPICS.input(), Serdes.string(), Serdes.string());
        counts = driver.output(TOPICS.counts(), WindowedSerde.of(Serdes.string()), Serdes.longs());
        late = driver.output(TOPICS.late(), Serdes.string(), WebLogLine.serde());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void countsRequestsPerUrlAndMinuteOnceEachWindowCloses() {
        log("10.0.0.1", "12:00:05", "/index.html");
        log("10.0.0.2", "12:00:10", "/products?page=2");
        log("10.0.0.1", "12:00:30", "/index.html");
        log("10.0.0.3", "12:00:50", "/checkout");
        log("10.0.0.2", "12:01:05", "/index.html");
        driver.runUntilIdle();
        assertThat(readCounts()).as("watermark 12:00:45: the 12:00 window is still open").isEmpty();

        log("10.0.0.4", "12:00:55", "/index.html");   // 10 s out of order: still counted
        log("10.0.0.1", "12:01:40", "/products");     // moves the watermark to 12:01:20
        driver.runUntilIdle();

        assertThat(readCounts()).containsExactly(      // one commit: ordered by close time, then URL
                row("/checkout", "12:00", 1),
                row("/index.html", "12:00", 3),
                row("/products", "12:00", 1));

        driver.advanceTime(Duration.ofMinutes(2));    // the log goes quiet
        driver.runUntilIdle();   // upstream tasks report, then the windows close

        assertThat(readCounts()).containsExactly(
                row("/index.html", "12:01", 1),
                row("/products", "12:01", 1));
        assertThat(late.readRecords()).isEmpty();
    }

    @Test
    void aLateLineGoesToTheLateTopicAndLeavesTheFinalCountAlone() {
        log("10.0.0.1", "12:00:05", "/index.html");
        log("10.0.0.2", "12:00:10", "/products?page=2");
        log("10.0.0.1", "12:00:30", "/index.html");
        log("10.0.0.2", "12:01:05", "/index.html");
        log("10.0.0.1", "12:01:40", "/products");
        driver.runUntilIdle();
        assertThat(readCounts()).containsExactly(
                row("/index.html", "12:00", 2),
                row("/products", "12:00", 1));

        String lateLine = line("10.0.0.9", "12:00:45", "/index.html?ref=mail");
        logs.pipe("10.0.0.9", lateLine);              // its window closed when the watermark reached 12:01:10
        log("10.0.0.3", "12:01:50", "/cart");
        driver.runUntilIdle();

        assertThat(late.readKeyValues()).containsExactly(KeyValue.of("/index.html", WebLogLine.parse(lateLine)));
        assertThat(readCounts()).as("the 12:00 window is not written again").isEmpty();
        assertThat(driver.lateRecords()).as("routed, so not counted as dropped").isZero();

        driver.advanceTime(Duration.ofMinutes(2));
        driver.runUntilIdle();   // upstream tasks report, then the windows close

        assertThat(readCounts()).as("the late line is in no window").containsExactly(
                row("/cart", "12:01", 1),
                row("/index.html", "12:01", 1),
                row("/products", "12:01", 1));
        assertThat(late.readRecords()).isEmpty();
    }

    @Test
    void theLastWindowIsWrittenWhenTheLogHasBeenQuietLongEnough() {
        log("10.0.0.1", "12:00:10", "/index.html");
        log("10.0.0.2", "12:00:40", "/cart");
        driver.runUntilIdle();
        assertThat(readCounts()).isEmpty();

        // quiet: the watermark is 12:00:20 + the time since the last line; the window closes at 12:01:10
        driver.advanceTime(Duration.ofSeconds(49));
        assertThat(driver.runBatch()).as("no new input").isZero();
        assertThat(readCounts()).as("watermark 12:01:09").isEmpty();

        driver.advanceTime(Duration.ofSeconds(1));
        driver.runUntilIdle();   // upstream tasks report, then the windows close

        assertThat(readCounts()).containsExactly(
                row("/cart", "12:00", 1),
                row("/index.html", "12:00", 1));
    }

    @Test
    void theWatermarkFollowsTheClockOnlyOnceTheLogWasQuietForTheIdleTimeout() {
        log("10.0.0.1", "12:00:10", "/index.html");
        log("10.0.0.2", "12:01:25", "/cart");         // watermark 12:01:05: 5 s short of closing 12:00
        driver.runUntilIdle();
        assertThat(readCounts()).isEmpty();

        driver.advanceTime(Duration.ofSeconds(9));    // quiet for less than the 10 s idle timeout
        driver.runUntilIdle();   // upstream tasks report, then the windows close
        assertThat(readCounts()).as("the watermark does not follow the clock yet").isEmpty();

        driver.advanceTime(Duration.ofSeconds(1));    // idle: watermark 12:01:05 + 10 s
        driver.runUntilIdle();   // upstream tasks report, then the windows close
        assertThat(readCounts()).containsExactly(row("/index.html", "12:00", 1));
    }

    private void log(String client, String time, String target) {
        logs.pipe(client, line(client, time, target));
    }

    private static String line(String client, String time, String target) {
        return client + " - - [01/Jan/2026:" + time + " +0000] \"GET " + target + " HTTP/1.1\" 200 512";
    }

    /** A final count of {@code url} in the minute starting at {@code minute} (12:mm), with the window's timestamp. */
    private static Row row(String url, String minute, long count) {
        long start = Instant.parse("2026-01-01T" + minute + ":00Z").toEpochMilli();
        long end = start + WebLogAnalytics.WINDOW.toMillis();
        return new Row(new Windowed<>(url, start, end), count, end - 1);
    }

    private record Row(Windowed<String> window, long count, long timestamp) {
    }

    /** The final counts committed since the last read, with their record timestamps. */
    private List<Row> readCounts() {
        return counts.readRecords().stream().map(r -> new Row(r.key(), r.value(), r.timestamp())).toList();
    }
}
