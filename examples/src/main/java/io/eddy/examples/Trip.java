package io.eddy.examples;

import io.eddy.serde.Serde;
import io.eddy.serde.json.JsonSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A finished trip of one vehicle, the main output of {@link FleetManagement}: from the first
 * report with the ignition on to the report that switched it off, or to the last report before
 * the vehicle went silent. As JSON, for example
 * <pre>
 * {"vehicle":"truck-3","start":"2026-01-01T12:00:00Z","end":"2026-01-01T12:14:30Z",
 *  "distanceMeters":11850,"maxSpeedKmh":87,"reports":88,"ending":"IGNITION_OFF"}
 * </pre>
 * Immutable.
 *
 * @param vehicle the vehicle's id; never null
 * @param start the time of the trip's first report; never null
 * @param end the time of its last report; never null
 * @param distanceMeters the odometer's advance from the first report to the last
 * @param maxSpeedKmh the highest speed reported
 * @param reports the reports the trip is made of (implausible ones left out)
 * @param ending how the trip ended; never null
 */
public record Trip(String vehicle, Instant start, Instant end, long distanceMeters, int maxSpeedKmh, int reports,
                   Ending ending) {

    private static final Serde<Trip> SERDE = JsonSerdes.of(Trip.class);

    /** How a trip ended. */
    public enum Ending {
        /** A report with the ignition off: the driver parked. */
        IGNITION_OFF,
        /**
         * No report for {@link FleetManagement#SILENCE_TIMEOUT} of event time: the trip was closed by
         * the event-time timeout, at its last report.
         */
        SILENCE
    }

    /** Validates the components. */
    public Trip {
        Objects.requireNonNull(vehicle, "vehicle");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(ending, "ending");
    }

    /** How long the trip took. */
    public Duration duration() {
        return Duration.between(start, end);
    }

    /** The JSON serde of trips; thread-safe, null maps to null. */
    public static Serde<Trip> serde() {
        return SERDE;
    }
}
