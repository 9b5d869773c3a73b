package io.eddy.examples;

import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request of a web server's access log, read from and written as a line of the Common Log
 * Format:
 *
 * <pre>
 *   10.0.0.7 - - [01/Jan/2026:12:00:05 +0000] "GET /products/42?ref=mail HTTP/1.1" 200 5120
 * </pre>
 *
 * The timestamp has second resolution and any zone offset; {@link #toLogLine()} writes it in UTC,
 * so a line read back from {@link #toLogLine()} equals the original value. Immutable.
 *
 * @param client the client's address (the first field); never null
 * @param timestamp when the server received the request, epoch milliseconds
 * @param method the request method, such as {@code GET}; never null
 * @param target the request target as logged, with its query string; never null
 * @param status the response status code
 * @param bytes the size of the response body ({@code -} in the log reads as 0)
 */
public record WebLogLine(String client, long timestamp, String method, String target, int status, long bytes) {

    private static final Pattern COMMON_LOG_FORMAT = Pattern.compile(
            "^(\\S+) \\S+ \\S+ \\[([^\\]]+)] \"(\\S+) (\\S+)(?: \\S+)?\" (\\d{3}) (\\d+|-)$");
    private static final DateTimeFormatter LOG_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final Serde<WebLogLine> SERDE = new LineSerde();

    /** Validates the components. */
    public WebLogLine {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
    }

    /**
     * Reads one line of the Common Log Format.
     *
     * @throws IllegalArgumentException if {@code line} is null or not such a line, naming the line
     */
    public static WebLogLine parse(String line) {
        if (line == null) {
            throw new IllegalArgumentException("a log line is required, got null");
        }
        Matcher m = COMMON_LOG_FORMAT.matcher(line.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a common log format line: " + line);
        }
        long time;
        try {
            time = OffsetDateTime.parse(m.group(2), LOG_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad timestamp [" + m.group(2) + "] in: " + line, e);
        }
        long bytes = m.group(6).equals("-") ? 0 : Long.parseLong(m.group(6));
        return new WebLogLine(m.group(1), time, m.group(3), m.group(4), Integer.parseInt(m.group(5)), bytes);
    }

    /** The line in the Common Log Format, timestamp in UTC, protocol {@code HTTP/1.1}. */
    public String toLogLine() {
        String time = LOG_TIME.format(Instant.ofEpochMilli(timestamp).atOffset(ZoneOffset.UTC));
        return client + " - - [" + time + "] \"" + method + " " + target + " HTTP/1.1\" " + status + " " + bytes;
    }

    /** The URL the analytics group by: the target's path, without query string or fragment. */
    public String path() {
        int end = target.length();
        int query = target.indexOf('?');
        int fragment = target.indexOf('#');
        if (query >= 0) {
            end = query;
        }
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        return end == 0 ? "/" : target.substring(0, end);
    }

    /**
     * A serde that stores a line as its Common Log Format text (UTF-8), so topics holding parsed
     * lines (the repartition topic, the late-records topic) stay readable with any console
     * consumer. Thread-safe; null maps to null.
     */
    public static Serde<WebLogLine> serde() {
        return SERDE;
    }

    private static final class LineSerde implements Serde<WebLogLine> {
        @Override
        public byte[] serialize(String topic, WebLogLine value) {
            return value == null ? null : value.toLogLine().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public WebLogLine deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            try {
                return parse(new String(bytes, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new SerdeException("topic " + topic + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "WebLogLine.serde()";
        }
    }
}
