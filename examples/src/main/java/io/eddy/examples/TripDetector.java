package io.eddy.examples;

import io.eddy.processor.KeyedContext;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.MapState;
import io.eddy.processor.MapStateSpec;
import io.eddy.processor.SideOutput;
import io.eddy.processor.StateSpec;
import io.eddy.processor.Timer;
import io.eddy.processor.ValueState;
import io.eddy.processor.ValueStateSpec;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.serde.json.JsonSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cuts each vehicle's reports into {@link Trip}s: the keyed processor of {@link FleetManagement}.
 *
 * <p>A trip starts with the first report with the ignition on and ends with the first report with
 * the ignition off, or, when the vehicle goes silent, at its last report once
 * {@code silenceTimeout} of event time has passed without another. Reports with the ignition off
 * outside a trip (a parked vehicle's) only keep the clock moving. A report whose odometer is
 * implausible against the trip's previous report, a late report and a duplicate go to the side
 * output {@link #ANOMALIES} instead.
 *
 * <p>Design: reports arrive in offset order, which within the allowed delay is not the order of
 * their timestamps, and trip detection needs the latter (an ignition-off that overtook the trip's
 * last reports must not end the trip early). So the processor does not look at a report when it
 * arrives: it parks it in the map state {@code pending} under its timestamp and registers an
 * event-time timer at that timestamp. Timers fire in time order once the watermark reaches them,
 * that is once no earlier report can still come, and each timer means only "bring the vehicle up
 * to time {@code t}": apply the pending reports up to {@code t} in time order, then close the open
 * trip if its last report is {@code silenceTimeout} old. Every applied report of an open trip also
 * registers a timer at its time plus the timeout, the silence check. A timer that finds nothing to
 * do (the trip got a later report, or ended) does nothing, so none has to be deleted.
 *
 * <p>The silence is also checked before each pending report is applied, not only by its own
 * timer: when a batch moves the watermark past a silence and past the reports after it (a
 * backlog), the silence timer, registered while timers fire, is already due and fires only at the
 * next commit, after the later reports' timers (see {@link io.eddy.processor.TimerService#registerEventTime}).
 *
 * <p>A report at or behind the watermark its batch started with is {@link Anomaly.Kind#LATE}: the
 * reports after it may already have been applied. Everything lives in the two state variables
 * {@link #STATE}; the processor has no fields that matter between calls, as
 * {@link KeyedProcessor} requires.
 */
public final class TripDetector implements KeyedProcessor<String, VehicleEvent, String, Trip> {

    /** The side output of reports left out of the trips, keyed by vehicle. */
    public static final SideOutput<String, Anomaly> ANOMALIES = SideOutput.named("anomalies");

    /** Faster than this between two reports of a trip, the odometer is not believed. */
    public static final int MAX_PLAUSIBLE_SPEED_KMH = 250;

    /** Reports waiting for the watermark, by timestamp (non-negative longs sort by value). */
    static final MapStateSpec<Long, VehicleEvent> PENDING =
            StateSpec.map("pending", Serdes.longs(), VehicleEvent.serde());
    /** The vehicle's open trip, absent while it is parked. */
    static final ValueStateSpec<OpenTrip> OPEN_TRIP = StateSpec.value("open-trip", OpenTrip.serde());
    /** The state variables to declare to {@code process}. */
    public static final List<StateSpec> STATE = List.of(PENDING, OPEN_TRIP);

    private final long silenceMillis;

    /** A detector that closes a trip after {@code silenceTimeout} of event time without a report. */
    public TripDetector(Duration silenceTimeout) {
        this.silenceMillis = silenceTimeout.toMillis();
    }

    @Override
    public void process(String vehicle, VehicleEvent report, KeyedContext<String, String, Trip> ctx) {
        if (report.timestamp() <= ctx.watermark()) {
            ctx.forward(ANOMALIES, vehicle, new Anomaly(report, Anomaly.Kind.LATE, String.format(Locale.ROOT,
                    "arrived %d s behind the watermark", (ctx.watermark() - report.timestamp()) / 1000)));
            return;
        }
        MapState<Long, VehicleEvent> pending = ctx.state(PENDING);
        if (pending.containsKey(report.timestamp())) {
            ctx.forward(ANOMALIES, vehicle, new Anomaly(report, Anomaly.Kind.DUPLICATE,
                    "a report with the same timestamp is already waiting"));
            return;
        }
        pending.put(report.timestamp(), report);
        ctx.timers().registerEventTime(report.timestamp());   // applied once the watermark passes it
    }

    @Override
    public void onTimer(String vehicle, Timer timer, KeyedContext<String, String, Trip> ctx) {
        long now = timer.time();
        MapState<Long, VehicleEvent> pending = ctx.state(PENDING);
        for (Map.Entry<Long, VehicleEvent> waiting : pending.entries()) {   // in time order
            long time = waiting.getKey();
            if (time <= now) {
                pending.remove(time);
                closeIfSilent(vehicle, time, ctx);   // a silence before this report ended the trip
                apply(vehicle, waiting.getValue(), ctx);
            }
        }
        closeIfSilent(vehicle, now, ctx);
    }

    /** Closes the open trip if its last report is at least the silence timeout older than {@code time}. */
    private void closeIfSilent(String vehicle, long time, KeyedContext<String, String, Trip> ctx) {
        ValueState<OpenTrip> open = ctx.state(OPEN_TRIP);
        if (open.exists() && open.get().lastReport() + silenceMillis <= time) {
            close(vehicle, open.get(), Trip.Ending.SILENCE, ctx);
        }
    }

    /** Applies one report, in time order, to the vehicle's trip. */
    private void apply(String vehicle, VehicleEvent report, KeyedContext<String, String, Trip> ctx) {
        ValueState<OpenTrip> open = ctx.state(OPEN_TRIP);
        if (!open.exists()) {
            if (report.ignition()) {
                open.update(OpenTrip.startingWith(report));
                ctx.timers().registerEventTime(report.timestamp() + silenceMillis);
            }
            return;   // a parked vehicle's report
        }
        OpenTrip trip = open.get();
        String implausible = trip.implausibility(report);
        if (implausible != null) {
            ctx.forward(ANOMALIES, vehicle, new Anomaly(report, Anomaly.Kind.IMPLAUSIBLE, implausible));
            return;
        }
        trip = trip.with(report);
        if (!report.ignition()) {
            close(vehicle, trip, Trip.Ending.IGNITION_OFF, ctx);
            return;
        }
        open.update(trip);
        ctx.timers().registerEventTime(report.timestamp() + silenceMillis);
    }

    /** Emits the trip, stamped with its end, and forgets it. */
    private static void close(String vehicle, OpenTrip trip, Trip.Ending ending, KeyedContext<String, String, Trip> ctx) {
        ctx.forward(vehicle, trip.finish(vehicle, ending), trip.lastReport());
        ctx.state(OPEN_TRIP).clear();
    }

    /**
     * A trip in progress, as stored in the state variable {@code open-trip} (JSON). Immutable.
     *
     * @param start the time of its first report
     * @param startOdometer the odometer then, in meters
     * @param lastReport the time of its latest report
     * @param lastOdometer the odometer then, in meters
     * @param maxSpeedKmh the highest speed reported so far
     * @param reports the reports so far
     */
    public record OpenTrip(long start, long startOdometer, long lastReport, long lastOdometer, int maxSpeedKmh,
                           int reports) {

        private static final Serde<OpenTrip> SERDE = JsonSerdes.of(OpenTrip.class);

        static OpenTrip startingWith(VehicleEvent report) {
            return new OpenTrip(report.timestamp(), report.odometerMeters(), report.timestamp(),
                    report.odometerMeters(), report.speedKmh(), 1);
        }

        /** The trip extended by a later report. */
        OpenTrip with(VehicleEvent report) {
            return new OpenTrip(start, startOdometer, report.timestamp(), report.odometerMeters(),
                    Math.max(maxSpeedKmh, report.speedKmh()), reports + 1);
        }

        /** Why a later report's odometer cannot be believed, or null if it can. */
        String implausibility(VehicleEvent report) {
            long meters = report.odometerMeters() - lastOdometer;
            long millis = report.timestamp() - lastReport;   // > 0: one report per timestamp, applied in order
            if (meters < 0) {
                return String.format(Locale.ROOT, "the odometer went back %d m", -meters);
            }
            if (meters * 3600 > (long) MAX_PLAUSIBLE_SPEED_KMH * millis) {
                return String.format(Locale.ROOT, "the odometer advanced %d m in %d s", meters, millis / 1000);
            }
            return null;
        }

        Trip finish(String vehicle, Trip.Ending ending) {
            return new Trip(vehicle, Instant.ofEpochMilli(start), Instant.ofEpochMilli(lastReport),
                    lastOdometer - startOdometer, maxSpeedKmh, reports, ending);
        }

        static Serde<OpenTrip> serde() {
            return SERDE;
        }
    }
}
