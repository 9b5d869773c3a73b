package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.KeyValue;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.TestOutputTopic;
import io.eddy.testkit.driver.TestRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fleet pipeline on the in-memory driver, with trips worked out by hand. Every test runs
 * twice: as is, and restarting (restoring the trip detector's state and timers from their
 * changelogs) after every batch. Reports are on 2026-01-01 around 12:00 UTC. One input partition,
 * so all vehicles share one watermark: the newest report's time minus 30 s. A report is applied
 * once the watermark reaches it; a trip is closed for silence once the watermark is 5 minutes
 * past its last report.
 */
class FleetManagementTest {

    private static final FleetManagement.Topics TOPICS = FleetManagement.Topics.defaults();

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void aTripRunsFromIgnitionOnToIgnitionOffAndCountsInTheStatistics(boolean restarts) {
        try (Fleet fleet = new Fleet(restarts)) {
            fleet.report("truck-1", "11:59:00", false, 1_000, 0);     // parked: no trip
            fleet.report("truck-1", "12:00:00", true, 1_000, 0);      // ignition on: the trip starts
            fleet.report("truck-1", "12:00:10", true, 1_100, 36);
            fleet.report("truck-1", "12:00:20", true, 1_250, 54);
            fleet.report("truck-1", "12:00:30", false, 1_300, 0);     // ignition off: the trip ends
            fleet.run();                                                // watermark 12:00:00
            assertThat(fleet.trips.readRecords()).as("the ignition-off waits for the watermark").isEmpty();

            fleet.report("truck-2", "12:01:00", false, 50_000, 0);    // watermark 12:00:30
            fleet.run();

            List<TestRecord<String, Trip>> trips = fleet.trips.readRecords();
            assertThat(trips).extracting(TestRecord::value).containsExactly(
                    trip("truck-1", "12:00:00", "12:00:30", 300, 54, 4, Trip.Ending.IGNITION_OFF));
            assertThat(trips.get(0).timestamp()).as("stamped with the trip's end").isEqualTo(at("12:00:30"));
            assertThat(fleet.stats.readKeyValues()).containsExactly(
                    KeyValue.of("truck-1", new VehicleStats(1, 0, 300, 30_000, 54)));
            assertThat(fleet.anomalies.readRecords()).isEmpty();
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void reportsOutOfOrderWithinTheAllowedDelayArePutInOrder(boolean restarts) {
        try (Fleet fleet = new Fleet(restarts)) {
            fleet.report("truck-1", "12:00:00", true, 1_000, 0);
            fleet.report("truck-1", "12:00:30", false, 1_300, 0);     // the ignition-off overtook two reports
            fleet.run();                                                // watermark 12:00:00
            fleet.report("truck-1", "12:00:20", true, 1_250, 54);     // 10 s behind the newest: on time
            fleet.report("truck-1", "12:00:10", true, 1_100, 36);     // 20 s behind
            fleet.report("truck-2", "12:01:00", false, 50_000, 0);    // watermark 12:00:30
            fleet.run();

            assertThat(fleet.trips.readValues()).containsExactly(
                    trip("truck-1", "12:00:00", "12:00:30", 300, 54, 4, Trip.Ending.IGNITION_OFF));
            assertThat(fleet.anomalies.readRecords()).isEmpty();
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void aVehicleThatGoesSilentHasItsTripClosedByTheEventTimeTimeout(boolean restarts) {
        try (Fleet fleet = new Fleet(restarts)) {
            fleet.report("truck-1", "12:00:00", true, 1_000, 0);
            fleet.report("truck-1", "12:00:10", true, 1_100, 36);
            fleet.report("truck-1", "12:00:20", true, 1_200, 36);     // then nothing: the unit lost power
            fleet.report("truck-2", "12:03:00", false, 50_000, 0);    // the rest of the fleet moves the clock
            fleet.run();
            fleet.report("truck-2", "12:05:49", false, 50_000, 0);    // watermark 12:05:19: not yet 5 minutes
            fleet.run();
            assertThat(fleet.trips.readRecords()).isEmpty();

            fleet.report("truck-2", "12:05:50", false, 50_000, 0);    // watermark 12:05:20: 5 minutes of silence
            fleet.run();
            List<TestRecord<String, Trip>> trips = fleet.trips.readRecords();
            assertThat(trips).extracting(TestRecord::value).containsExactly(
                    trip("truck-1", "12:00:00", "12:00:20", 200, 36, 3, Trip.Ending.SILENCE));
            assertThat(trips.get(0).timestamp()).isEqualTo(at("12:00:20"));

            fleet.report("truck-1", "12:07:00", false, 4_000, 0);     // back, parked: the trip stays closed
            fleet.report("truck-1", "12:08:00", true, 4_000, 0);      // a new trip
            fleet.report("truck-1", "12:09:00", false, 4_900, 0);
            fleet.report("truck-2", "12:10:00", false, 50_000, 0);
            fleet.run();
            assertThat(fleet.trips.readValues()).containsExactly(
                    trip("truck-1", "12:08:00", "12:09:00", 900, 0, 2, Trip.Ending.IGNITION_OFF));
            assertThat(fleet.stats.readKeyValues()).containsExactly(
                    KeyValue.of("truck-1", new VehicleStats(1, 1, 200, 20_000, 36)),
                    KeyValue.of("truck-1", new VehicleStats(2, 1, 1_100, 80_000, 36)));
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void aSilenceInsideABacklogClosesTheTripEvenWhenTheNextReportIsInTheSameBatch(boolean restarts) {
        try (Fleet fleet = new Fleet(restarts)) {
            // a backlog read in one batch: the watermark passes the silence and the reports after it at once
            fleet.report("truck-1", "12:00:00", true, 1_000, 0);
            fleet.report("truck-1", "12:00:10", true, 1_100, 36);     // then 5 min 50 s of silence
            fleet.report("truck-1", "12:06:00", true, 1_100, 0);      // the unit is back: a new trip
            fleet.report("truck-1", "12:06:10", false, 1_150, 18);
            fleet.report("truck-2", "12:07:00", false, 50_000, 0);    // watermark 12:06:30
            fleet.run();

            assertThat(fleet.trips.readValues()).containsExactly(
                    trip("truck-1", "12:00:00", "12:00:10", 100, 36, 2, Trip.Ending.SILENCE),
                    trip("truck-1", "12:06:00", "12:06:10", 50, 18, 2, Trip.Ending.IGNITION_OFF));
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void lateDuplicateAndImplausibleReportsGoToTheAnomaliesAndNotIntoTheTrip(boolean restarts) {
        try (Fleet fleet = new Fleet(restarts)) {
            fleet.report("truck-1", "12:00:00", true, 1_000, 0);
            fleet.report("truck-1", "12:00:10", true, 1_100, 36);
            fleet.report("truck-1", "12:00:10", true, 1_100, 36);     // sent twice
            fleet.report("truck-1", "12:00:15", true, 501_100, 36);   // 500 km in 5 s
            fleet.report("truck-1", "12:00:20", true, 1_050, 20);     // the odometer went back
            fleet.report("truck-1", "12:00:30", true, 1_300, 72);
            fleet.report("truck-2", "12:01:10", false, 50_000, 0);    // watermark 12:00:40
            fleet.run();
            fleet.report("truck-1", "12:00:40", true, 1_400, 36);     // at the watermark: late
            fleet.report("truck-1", "12:01:00", false, 1_500, 0);
            fleet.report("truck-2", "12:02:00", false, 50_000, 0);    // watermark 12:01:30
            fleet.run();

            assertThat(fleet.trips.readValues()).containsExactly(
                    trip("truck-1", "12:00:00", "12:01:00", 500, 72, 4, Trip.Ending.IGNITION_OFF));
            assertThat(fleet.anomalies.readValues()).extracting(a -> a.event().timestamp(), Anomaly::kind, Anomaly::detail)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(at("12:00:10"), Anomaly.Kind.DUPLICATE,
                                    "a report with the same timestamp is already waiting"),
                            org.assertj.core.groups.Tuple.tuple(at("12:00:15"), Anomaly.Kind.IMPLAUSIBLE,
                                    "the odometer advanced 500000 m in 5 s"),
                            org.assertj.core.groups.Tuple.tuple(at("12:00:20"), Anomaly.Kind.IMPLAUSIBLE,
                                    "the odometer went back 50 m"),
                            org.assertj.core.groups.Tuple.tuple(at("12:00:40"), Anomaly.Kind.LATE,
                                    "arrived 0 s behind the watermark"));
        }
    }

    /**
     * The simulation the broker run replays, here in batches of 40 reports, or all in one batch (a
     * backlog: every timer fires in one commit; the replayed reports then find their originals
     * still waiting, so they are duplicates rather than late).
     */
    @ParameterizedTest(name = "restarts={0}, batch={1}")
    @CsvSource({"false, 40", "true, 40", "false, 100000"})
    void theSimulatedFleetComesOutAsItDrove(boolean restarts, int batch) {
        FleetFeed.Simulation simulation = FleetFeed.simulate(at("12:00:00"), java.time.Duration.ofMinutes(40), 6,
                FleetManagement.SILENCE_TIMEOUT, 3);
        assertThat(simulation.trips()).extracting(Trip::ending).contains(Trip.Ending.SILENCE, Trip.Ending.IGNITION_OFF);
        assertThat(simulation.glitches()).isPositive();
        assertThat(simulation.resends()).isPositive();
        try (Fleet fleet = new Fleet(restarts)) {
            int sent = 0;
            for (FleetFeed.Send send : simulation.sends()) {
                fleet.events.pipe(send.event().vehicle(), send.event());
                if (++sent % batch == 0) {
                    fleet.run();
                }
            }
            fleet.run();

            assertThat(fleet.trips.readValues()).containsExactlyInAnyOrderElementsOf(simulation.trips());
            List<Anomaly> anomalies = fleet.anomalies.readValues();
            assertThat(anomalies).filteredOn(a -> a.kind() == Anomaly.Kind.IMPLAUSIBLE).hasSize(simulation.glitches());
            assertThat(anomalies).filteredOn(a -> a.kind() != Anomaly.Kind.IMPLAUSIBLE).hasSize(simulation.resends());
            assertThat(anomalies).filteredOn(a -> a.kind() == Anomaly.Kind.LATE).hasSize(batch < 100 ? simulation.resends() : 0);
            java.util.Map<String, VehicleStats> expected = new java.util.HashMap<>();
            simulation.trips().forEach(t -> expected.merge(t.vehicle(), VehicleStats.none().add(t), (a, b) -> a.add(t)));
            java.util.Map<String, VehicleStats> latest = new java.util.HashMap<>();
            fleet.stats.readKeyValues().forEach(kv -> latest.put(kv.key(), kv.value()));
            assertThat(latest).isEqualTo(expected);
        }
    }

    /** The pipeline on a one-partition driver, with its topics. */
    private static final class Fleet implements AutoCloseable {
        final TestDriver driver;
        final TestInputTopic<String, VehicleEvent> events;
        final TestOutputTopic<String, Trip> trips;
        final TestOutputTopic<String, VehicleStats> stats;
        final TestOutputTopic<String, Anomaly> anomalies;

        Fleet(boolean restarts) {
            driver = TestDriver.builder()
                    .pipeline(p -> FleetManagement.pipeline(p, TOPICS))
                    .restartAfterEveryBatch(restarts)
                    .build();
            events = driver.input(TOPICS.events(), Serdes.string(), VehicleEvent.serde());
            trips = driver.output(TOPICS.trips(), Serdes.string(), Trip.serde());
            stats = driver.output(TOPICS.stats(), Serdes.string(), VehicleStats.serde());
            anomalies = driver.output(TOPICS.anomalies(), Serdes.string(), Anomaly.serde());
        }

        void report(String vehicle, String time, boolean ignition, long odometerMeters, int speedKmh) {
            events.pipe(vehicle, new VehicleEvent(vehicle, at(time), ignition, odometerMeters, speedKmh));
        }

        /** Runs batches until the trips' statistics, a repartition away, are up to date too. */
        void run() {
            driver.runUntilIdle();
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    private static long at(String time) {
        return Instant.parse("2026-01-01T" + time + "Z").toEpochMilli();
    }

    private static Trip trip(String vehicle, String start, String end, long meters, int maxSpeed, int reports,
                             Trip.Ending ending) {
        return new Trip(vehicle, Instant.ofEpochMilli(at(start)), Instant.ofEpochMilli(at(end)), meters, maxSpeed,
                reports, ending);
    }
}
