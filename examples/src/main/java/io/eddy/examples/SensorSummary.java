package io.eddy.examples;

import io.eddy.serde.Serde;
import io.eddy.serde.json.JsonSerdes;
import io.eddy.state.Windowed;
import java.time.Instant;
import java.util.Objects;

/**
 * The output row of {@link SensorAverages}: a sensor's statistics over one window, as JSON that a
 * dashboard can read without knowing Eddy's windowed keys, for example
 * <pre>
 * {"sensor":"s-1","windowStart":"2026-01-01T12:00:00Z","windowEnd":"2026-01-01T12:05:00Z",
 *  "count":300,"average":21.4,"min":17.875,"max":25.0}
 * </pre>
 * Immutable.
 *
 * @param sensor the sensor's id; never null
 * @param windowStart the window's first instant; never null
 * @param windowEnd the instant after the window (exclusive); never null
 * @param count readings in the window
 * @param average their mean
 * @param min the smallest reading
 * @param max the largest reading
 */
public record SensorSummary(String sensor, Instant windowStart, Instant windowEnd, long count, double average,
                            double min, double max) {

    private static final Serde<SensorSummary> SERDE = JsonSerdes.of(SensorSummary.class);

    /** Validates the components. */
    public SensorSummary {
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
    }

    /** The row of {@code stats} for {@code window}, or null (a deleted row) when {@code stats} is null. */
    public static SensorSummary of(Windowed<String> window, SensorStats stats) {
        if (stats == null) {
            return null;
        }
        return new SensorSummary(window.key(), Instant.ofEpochMilli(window.start()), Instant.ofEpochMilli(window.end()),
                stats.count(), stats.average(), stats.min(), stats.max());
    }

    /** The JSON serde of rows; thread-safe, null maps to null. */
    public static Serde<SensorSummary> serde() {
        return SERDE;
    }
}
