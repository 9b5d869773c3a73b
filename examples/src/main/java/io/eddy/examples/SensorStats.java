package io.eddy.examples;

import io.eddy.serde.Serde;
import io.eddy.serde.json.JsonSerdes;

/**
 * The running statistics of a sensor's readings in one window: how many, their sum, smallest and
 * largest value. The aggregate of {@link SensorAverages}; stored as JSON in the window store and
 * its changelog. Immutable: {@link #add} returns a new value.
 *
 * @param count readings folded in
 * @param sum their sum
 * @param min the smallest (0 when there is none)
 * @param max the largest (0 when there is none)
 */
public record SensorStats(long count, double sum, double min, double max) {

    private static final SensorStats EMPTY = new SensorStats(0, 0, 0, 0);
    private static final Serde<SensorStats> SERDE = JsonSerdes.of(SensorStats.class);

    /** The statistics of no readings. */
    public static SensorStats empty() {
        return EMPTY;
    }

    /** These statistics with {@code value} folded in. */
    public SensorStats add(double value) {
        if (count == 0) {
            return new SensorStats(1, value, value, value);
        }
        return new SensorStats(count + 1, sum + value, Math.min(min, value), Math.max(max, value));
    }

    /** The mean of the readings, or NaN when there is none. */
    public double average() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** The JSON serde of statistics; thread-safe, null maps to null. */
    public static Serde<SensorStats> serde() {
        return SERDE;
    }
}
