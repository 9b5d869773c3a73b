package io.eddy.examples;

import io.eddy.serde.Serde;
import io.eddy.serde.json.JsonSerdes;
import java.util.Objects;

/**
 * One report of a vehicle's telematics unit, stamped by the unit's clock. A unit reports every
 * 10 s while the ignition is on and every minute while the vehicle is parked, so a vehicle that
 * stops reporting has gone silent (a tunnel, a dead battery, a broken unit). Travels as JSON, for
 * example {@code {"vehicle":"truck-3","timestamp":1767268800000,"ignition":true,"odometerMeters":
 * 120450300,"speedKmh":62}}. Immutable.
 *
 * @param vehicle the vehicle's id; never null
 * @param timestamp when the unit took the report, epoch milliseconds (the event time)
 * @param ignition whether the ignition was on
 * @param odometerMeters the odometer, in meters
 * @param speedKmh the speed, in km/h
 */
public record VehicleEvent(String vehicle, long timestamp, boolean ignition, long odometerMeters, int speedKmh) {

    private static final Serde<VehicleEvent> SERDE = JsonSerdes.of(VehicleEvent.class);

    /** Validates the components. */
    public VehicleEvent {
        Objects.requireNonNull(vehicle, "vehicle");
    }

    /** The JSON serde of events; thread-safe, null maps to null. */
    public static Serde<VehicleEvent> serde() {
        return SERDE;
    }
}
