package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs the web-log example's program against its own embedded broker: a short replay, then the
 * quiet wait for the last window (about 30 s).
 */
class WebLogAnalyticsRunTest {

    @Test
    void shortRunCountsEveryLineOnceOrRoutesItAsLate() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        WebLogAnalytics.Options options = new WebLogAnalytics.Options(null, 5, 30, 300, out);

        WebLogAnalytics.Summary summary = WebLogAnalytics.run(options);

        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(summary.failure()).as(text).isNull();
        assertThat(summary.produced()).as(text).isPositive();
        assertThat(summary.veryLate()).as("the replay sends some very late lines").isPositive();
        assertThat(summary.late()).as("every very late line is routed as late: " + text)
                .isGreaterThanOrEqualTo(summary.veryLate());
        assertThat(summary.counted() + summary.late()).as(text).isEqualTo(summary.produced());
        assertThat(summary.duplicateWindows()).isZero();
        assertThat(summary.windows()).as("5 minutes of about 9 URLs").isGreaterThan(5 * 5);
        assertThat(summary.complete()).isTrue();
        assertThat(text).contains("/index.html", "late: a line of", "every line counted once or routed as late: yes");
    }

    @Test
    void optionsComeFromFlagsAndEnvironment() {
        WebLogAnalytics.Options o = WebLogAnalytics.Options.parse(
                new String[] {"--minutes", "7", "--speed", "20", "--rate", "50"}, "kafka:9092");
        assertThat(o.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(o.minutes()).isEqualTo(7);
        assertThat(o.speed()).isEqualTo(20);
        assertThat(o.linesPerSecond()).isEqualTo(50);
        assertThat(WebLogAnalytics.Options.parse(new String[0], null)).isEqualTo(WebLogAnalytics.Options.defaults());
        assertThatThrownBy(() -> WebLogAnalytics.Options.parse(new String[] {"--speed", "0"}, null))
                .hasMessageContaining("--speed");
        assertThatThrownBy(() -> WebLogAnalytics.Options.parse(new String[] {"--minutes"}, null))
                .hasMessageContaining("--minutes");
    }
}
