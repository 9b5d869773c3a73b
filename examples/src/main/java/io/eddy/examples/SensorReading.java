package io.eddy.examples;

import io.eddy.serde.Serde;
import io.eddy.serde.json.JsonSerdes;
import java.util.Objects;

/**
 * One measurement of a sensor, stamped by the sensor's own clock. Travels as JSON, for example
 * {@code {"sensor":"s-1","timestamp":1767268800000,"value":21.5}}. Immutable.
 *
 * @param sensor the sensor's id; never null
 * @param timestamp when the sensor measured, epoch milliseconds (the event time)
 * @param value the measured value
 */
public record SensorReading(String sensor, long timestamp, double value) {

    private static final Serde<SensorReading> SERDE = JsonSerdes.of(SensorReading.class);

    /** Validates the components. */
    public SensorReading {
        Objects.requireNonNull(sensor, "sensor");
    }

    /** The JSON serde of readings; thread-safe, null maps to null. */
    public static Serde<SensorReading> serde() {
        return SERDE;
    }
}
