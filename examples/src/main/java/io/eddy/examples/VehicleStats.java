package io.eddy.examples;

import io.eddy.serde.Serde;
import io.eddy.serde.json.JsonSerdes;

/**
 * A vehicle's statistics over all its finished trips, the table {@link FleetManagement} keeps and
 * writes to {@code vehicle-stats}, for example
 * {@code {"trips":3,"silentEndings":1,"distanceMeters":35120,"drivingMillis":2310000,"maxSpeedKmh":104}}.
 * Immutable: {@link #add} returns a new value.
 *
 * @param trips finished trips
 * @param silentEndings of those, trips closed because the vehicle went silent
 * @param distanceMeters their total distance
 * @param drivingMillis their total duration
 * @param maxSpeedKmh the highest speed reported on any of them
 */
public record VehicleStats(long trips, long silentEndings, long distanceMeters, long drivingMillis, int maxSpeedKmh) {

    private static final VehicleStats NONE = new VehicleStats(0, 0, 0, 0, 0);
    private static final Serde<VehicleStats> SERDE = JsonSerdes.of(VehicleStats.class);

    /** The statistics of a vehicle with no finished trip. */
    public static VehicleStats none() {
        return NONE;
    }

    /** These statistics with {@code trip} added. */
    public VehicleStats add(Trip trip) {
        return new VehicleStats(trips + 1, silentEndings + (trip.ending() == Trip.Ending.SILENCE ? 1 : 0),
                distanceMeters + trip.distanceMeters(), drivingMillis + trip.duration().toMillis(),
                Math.max(maxSpeedKmh, trip.maxSpeedKmh()));
    }

    /** The average speed while driving, in km/h, or 0 without driving time. */
    public double averageSpeedKmh() {
        return drivingMillis == 0 ? 0 : distanceMeters * 3600.0 / drivingMillis;
    }

    /** The JSON serde of statistics; thread-safe, null maps to null. */
    public static Serde<VehicleStats> serde() {
        return SERDE;
    }
}
