package io.eddy.connectors.filesink;

import io.eddy.dsl.SinkRecord;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Ready-made partitioners for {@link FileSink.Builder#partitionBy}: each maps a record to the
 * relative directory its file goes to, in the {@code name=value/} style that Hive, Spark and most
 * query engines read as columns. Combine them with {@link #concat}. All are stateless and
 * thread-safe.
 *
 * <pre>{@code
 * PartitionPaths.hourly()                                   // date=2026-12-05/hour=07 (record timestamp, UTC)
 * PartitionPaths.byField("region", r -> r.value().region()) // region=eu-west
 * PartitionPaths.byTime(r -> r.key().start(), ChronoUnit.HOURS, ZoneOffset.UTC)   // a windowed key's start
 * }</pre>
 */
public final class PartitionPaths {
    private PartitionPaths() {
    }

    /** Every record in the sink's root directory. */
    public static <K, V> Function<SinkRecord<K, V>, String> none() {
        return r -> "";
    }

    /** {@code date=yyyy-MM-dd/hour=HH/} of the record's timestamp, in UTC. */
    public static <K, V> Function<SinkRecord<K, V>, String> hourly() {
        return byTime(SinkRecord::timestamp, ChronoUnit.HOURS, ZoneId.of("UTC"));
    }

    /** {@code date=yyyy-MM-dd/} of the record's timestamp, in UTC. */
    public static <K, V> Function<SinkRecord<K, V>, String> daily() {
        return byTime(SinkRecord::timestamp, ChronoUnit.DAYS, ZoneId.of("UTC"));
    }

    /**
     * {@code date=yyyy-MM-dd/}, then {@code hour=HH/} for {@code HOURS} or finer, then
     * {@code minute=mm/} for {@code MINUTES}, of the time {@code epochMillis} extracts (an event
     * time in the value, or the start of a window key).
     *
     * @throws IllegalArgumentException if {@code unit} is not {@code DAYS}, {@code HOURS} or {@code MINUTES}
     */
    public static <K, V> Function<SinkRecord<K, V>, String> byTime(ToLongFunction<? super SinkRecord<K, V>> epochMillis,
                                                                  ChronoUnit unit, ZoneId zone) {
        Objects.requireNonNull(epochMillis, "epochMillis");
        Objects.requireNonNull(zone, "zone");
        if (unit != ChronoUnit.DAYS && unit != ChronoUnit.HOURS && unit != ChronoUnit.MINUTES) {
            throw new IllegalArgumentException("partition time unit must be DAYS, HOURS or MINUTES, got " + (unit == null ? null : unit.name()));
        }
        return r -> {
            ZonedDateTime t = Instant.ofEpochMilli(epochMillis.applyAsLong(r)).atZone(zone);
            StringBuilder s = new StringBuilder(32);
            s.append(String.format("date=%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth()));
            if (unit != ChronoUnit.DAYS) {
                s.append(String.format("/hour=%02d", t.getHour()));
            }
            if (unit == ChronoUnit.MINUTES) {
                s.append(String.format("/minute=%02d", t.getMinute()));
            }
            return s.toString();
        };
    }

    /**
     * {@code name=value/}: the value's {@code String.valueOf}, with characters other than letters,
     * digits, {@code -}, {@code _} and {@code .} written as {@code %XX} (UTF-8 bytes), so a value
     * never makes a path of its own; null is {@code __null__}.
     *
     * @throws IllegalArgumentException if {@code name} is blank or holds such a character
     */
    public static <K, V> Function<SinkRecord<K, V>, String> byField(String name, Function<? super SinkRecord<K, V>, ?> value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isBlank() || !escape(name).equals(name) || name.startsWith(".") || name.startsWith("_")) {
            throw new IllegalArgumentException("a partition field name must be letters, digits, '-', '_' or '.', "
                    + "not starting with '.' or '_', got '" + name + "'");
        }
        return r -> {
            Object v = value.apply(r);
            return name + "=" + (v == null ? "__null__" : escape(String.valueOf(v)));
        };
    }

    /** The paths of {@code parts}, joined with {@code /} (empty ones left out). */
    @SafeVarargs
    public static <K, V> Function<SinkRecord<K, V>, String> concat(Function<SinkRecord<K, V>, String>... parts) {
        java.util.List<Function<SinkRecord<K, V>, String>> all = new java.util.ArrayList<>(parts.length);
        for (Function<SinkRecord<K, V>, String> p : parts) {
            all.add(Objects.requireNonNull(p, "a partitioner"));
        }
        return r -> {
            StringBuilder s = new StringBuilder();
            for (Function<SinkRecord<K, V>, String> p : all) {
                String part = p.apply(r);
                if (part != null && !part.isEmpty()) {
                    if (s.length() > 0) {
                        s.append('/');
                    }
                    s.append(part);
                }
            }
            return s.toString();
        };
    }

    static String escape(String value) {
        StringBuilder s = new StringBuilder(value.length());
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
                s.append(c);
            } else {
                s.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        String escaped = s.toString();
        return escaped.equals(".") || escaped.equals("..") ? escaped.replace(".", "%2E") : escaped;
    }
}
