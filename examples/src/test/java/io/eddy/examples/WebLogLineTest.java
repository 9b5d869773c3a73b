package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.SerdeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebLogLineTest {

    @Test
    void readsACommonLogFormatLineWithItsZoneOffset() {
        WebLogLine line = WebLogLine.parse(
                "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326");

        assertThat(line).isEqualTo(new WebLogLine("127.0.0.1", Instant.parse("2000-10-10T20:55:36Z").toEpochMilli(),
                "GET", "/apache_pb.gif", 200, 2326));
    }

    @Test
    void writesUtcAndReadsBackTheSameValue() {
        WebLogLine line = new WebLogLine("10.0.0.7", Instant.parse("2026-01-01T12:00:05Z").toEpochMilli(), "POST",
                "/products/42?ref=mail", 304, 0);

        assertThat(line.toLogLine())
                .isEqualTo("10.0.0.7 - - [01/Jan/2026:12:00:05 +0000] \"POST /products/42?ref=mail HTTP/1.1\" 304 0");
        assertThat(WebLogLine.parse(line.toLogLine())).isEqualTo(line);
        byte[] bytes = WebLogLine.serde().serialize("t", line);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(line.toLogLine());
        assertThat(WebLogLine.serde().deserialize("t", bytes)).isEqualTo(line);
        assertThat(WebLogLine.serde().serialize("t", null)).isNull();
        assertThat(WebLogLine.serde().deserialize("t", null)).isNull();
    }

    @Test
    void groupsByThePathWithoutQueryOrFragment() {
        assertThat(target("/products?page=2").path()).isEqualTo("/products");
        assertThat(target("/products/7#reviews").path()).isEqualTo("/products/7");
        assertThat(target("/a#x?y").path()).isEqualTo("/a");
        assertThat(target("?q=1").path()).isEqualTo("/");
        assertThat(target("/").path()).isEqualTo("/");
    }

    @Test
    void readsADashForMissingBytesAndRejectsOtherLines() {
        assertThat(WebLogLine.parse("h - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 404 -").bytes()).isZero();
        assertThat(WebLogLine.parse("h - - [01/Jan/2026:00:00:00 +0000] \"GET /\" 200 1").target()).isEqualTo("/");

        assertThatThrownBy(() -> WebLogLine.parse("not a log line")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a log line");
        assertThatThrownBy(() -> WebLogLine.parse("h - - [31/Foo/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31/Foo/2026");
        assertThatThrownBy(() -> WebLogLine.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebLogLine.serde().deserialize("logs", "junk".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerdeException.class).hasMessageContaining("logs");
    }

    private static WebLogLine target(String target) {
        return new WebLogLine("h", 0, "GET", target, 200, 1);
    }
}
