package io.eddy.examples;

import io.eddy.serde.Serde;
import io.eddy.serde.json.JsonSerdes;
import java.util.Objects;

/**
 * A vehicle report that {@link FleetManagement} left out of the trips, and why: the side output
 * {@code vehicle-anomalies}, for a fleet operator to look into. Immutable.
 *
 * @param event the report; never null
 * @param kind why it was left out; never null
 * @param detail a sentence for people; never null
 */
public record Anomaly(VehicleEvent event, Kind kind, String detail) {

    private static final Serde<Anomaly> SERDE = JsonSerdes.of(Anomaly.class);

    /** Why a report was left out. */
    public enum Kind {
        /**
         * The report came after the watermark had passed its time: more than the allowed delay behind
         * the reports already processed, too late to be put in order (a unit replaying its buffer).
         */
        LATE,
        /** A second report of the vehicle with the same timestamp (a unit resending). */
        DUPLICATE,
        /**
         * The odometer went backwards, or advanced faster than any vehicle drives, since the trip's
         * previous report (a sensor glitch).
         */
        IMPLAUSIBLE
    }

    /** Validates the components. */
    public Anomaly {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** The JSON serde of anomalies; thread-safe, null maps to null. */
    public static Serde<Anomaly> serde() {
        return SERDE;
    }
}
