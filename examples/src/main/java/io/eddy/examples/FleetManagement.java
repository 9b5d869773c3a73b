package io.eddy.examples;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.processor.ProcessedStream;
import io.eddy.serde.Serdes;
import io.eddy.testkit.kafka.EmbeddedKafka;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Fleet management, the book's example of arbitrary stateful processing: the trips of each
 * vehicle, cut from the stream of its telematics reports, and per-vehicle statistics over them.
 *
 * <pre>
 *   vehicle-events (vehicle id → {"vehicle","timestamp","ignition","odometerMeters","speedKmh"})
 *     → event time = the report's timestamp, allowed delay 30 s
 *     → group by vehicle (the input's key: no repartition)
 *     → process(TripDetector): reports put in time order, a trip from ignition on to ignition off,
 *       or closed by an event-time timeout after 5 minutes of silence
 *     → vehicle-trips (vehicle id → {"vehicle","start","end","distanceMeters","maxSpeedKmh","reports","ending"})
 *     ↘ side output: late, duplicate and implausible reports → vehicle-anomalies
 *     → group the trips by vehicle (a repartition: a keyed processor may change the key)
 *     → updateStateByKey: trips, silent endings, distance, driving time, top speed
 *     → vehicle-stats (vehicle id → {"trips","silentEndings","distanceMeters","drivingMillis","maxSpeedKmh"})
 * </pre>
 *
 * <p>The trips need the processor API's two tools: state per key that the DSL's folds cannot
 * express (a buffer of reports waiting to be put in order, the open trip) and event-time timers
 * (apply a report once nothing earlier can come; close a trip whose vehicle went silent). The
 * silence is measured in event time, by the reports of the other vehicles of the partition: a
 * vehicle is silent when the fleet's clock moved 5 minutes past its last report, however fast
 * the reports are replayed. See {@link TripDetector} for how it works. The statistics are a plain
 * fold of the trips, {@code updateStateByKey}.
 *
 * <p>Why not {@code mapWithState} with {@code StateTimeout.EVENT_TIME}, the book's tool? It is
 * enough when a vehicle's reports arrive in order: one state value per vehicle (the open trip),
 * its timeout moved to the last report plus 5 minutes at every report. Here they do not: it
 * would see an ignition-off before the reports it overtook, and, since a timeout is checked when
 * the batch commits, after the batch's records, a backlog holding both a silence and the report
 * that ended it would cancel the timeout instead of closing the trip. The keyed processor waits
 * for the watermark and replays each vehicle's reports in time order, timeouts included.
 *
 * <p>Run as a program, it starts an embedded Kafka broker (unless {@code --bootstrap host:port}
 * or {@code EDDY_BOOTSTRAP} names a cluster), replays an hour of a simulated fleet of 12 trucks at
 * 120 times real time ({@link FleetFeed}: out-of-order reports, units that go silent, glitched
 * odometers, replayed buffers), prints the trips and some anomalies as the pipeline commits them,
 * then each vehicle's statistics, and checks every trip and every vehicle's statistics against
 * those the simulation drove:
 *
 * <pre>
 *   mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.FleetManagement
 *   mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.FleetManagement -Dexec.args="--vehicles 40 --minutes 120"
 * </pre>
 *
 * Exit code 0 when the check passes, 1 when it does not, 2 for bad arguments.
 */
public final class FleetManagement {

    /** How far behind the newest report a report may be and still be put in order. */
    public static final Duration ALLOWED_DELAY = Duration.ofSeconds(30);
    /** How long, in event time, a vehicle on a trip may send nothing before its trip is closed. */
    public static final Duration SILENCE_TIMEOUT = Duration.ofMinutes(5);

    static final String APP_ID = "eddy-fleet";
    static final int PARTITIONS = 4;
    static final long SEED = 7;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(60);
    private static final int ANOMALY_SAMPLES = 2;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private FleetManagement() {
    }

    /**
     * The topics the pipeline reads and writes, all keyed by vehicle id.
     *
     * @param events JSON {@link VehicleEvent}s
     * @param trips JSON {@link Trip}s, one per finished trip
     * @param stats JSON {@link VehicleStats}, a vehicle's new statistics after each batch with a trip of it
     * @param anomalies JSON {@link Anomaly}s, the reports left out of the trips
     */
    public record Topics(String events, String trips, String stats, String anomalies) {

        /** Validates the names. */
        public Topics {
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(trips, "trips");
            Objects.requireNonNull(stats, "stats");
            Objects.requireNonNull(anomalies, "anomalies");
        }

        /** {@code vehicle-events}, {@code vehicle-trips}, {@code vehicle-stats} and {@code vehicle-anomalies}. */
        public static Topics defaults() {
            return new Topics("vehicle-events", "vehicle-trips", "vehicle-stats", "vehicle-anomalies");
        }

        Topics withSuffix(String suffix) {
            return new Topics(events + suffix, trips + suffix, stats + suffix, anomalies + suffix);
        }
    }

    /**
     * Defines the fleet pipeline on {@code p}: for use in {@code EddyApp.Builder.pipeline} and
     * {@code TestDriver.Builder.pipeline}. The stateful operators are named {@code trips} (the
     * trip detector's state and timers), {@code trips-by-vehicle} (the repartition topic) and
     * {@code vehicle-stats} (the statistics table).
     *
     * <pre>{@code
     * EddyApp.builder("fleet").pipeline(p -> FleetManagement.pipeline(p, Topics.defaults()))
     * }</pre>
     */
    public static void pipeline(Pipeline p, Topics topics) {
        // --- fleet pipeline: begin
        ProcessedStream<String, Trip> trips = p
                .kafka(topics.events(), Consumed.with(Serdes.string(), VehicleEvent.serde()))
                .withEventTime(VehicleEvent::timestamp, ALLOWED_DELAY)         // event time: the unit's clock
                .groupByKey(Grouped.with(Serdes.string(), VehicleEvent.serde()))
                .process(() -> new TripDetector(SILENCE_TIMEOUT), TripDetector.STATE, Named.as("trips"));

        trips.toKafka(topics.trips(), Produced.with(Serdes.string(), Trip.serde()));
        trips.sideOutput(TripDetector.ANOMALIES)
                .toKafka(topics.anomalies(), Produced.with(Serdes.string(), Anomaly.serde()));
        trips.groupByKey(Grouped.with(Serdes.string(), Trip.serde()), Named.as("trips-by-vehicle"))
                .updateStateByKey((vehicle, trip, stats) -> (stats == null ? VehicleStats.none() : stats).add(trip),
                        VehicleStats.serde(), Named.as("vehicle-stats"))
                .toStream()
                .toKafka(topics.stats(), Produced.with(Serdes.string(), VehicleStats.serde()));
        // --- fleet pipeline: end
    }

    /**
     * What to run.
     *
     * @param bootstrapServers an existing cluster, or null to start an embedded broker
     * @param minutes minutes of fleet time to replay
     * @param speed how many times faster than real time they are replayed
     * @param vehicles how many vehicles report
     * @param out where the example prints
     */
    public record Options(String bootstrapServers, int minutes, int speed, int vehicles, PrintStream out) {

        /** The defaults: embedded broker, 60 minutes of 12 vehicles at 120× (30 s). */
        public static Options defaults() {
            return new Options(null, 60, 120, 12, System.out);
        }

        /**
         * Reads {@code --bootstrap host:port}, {@code --minutes N} (at least 20), {@code --speed N}
         * and {@code --vehicles N}; {@code EDDY_BOOTSTRAP} stands in for a missing {@code --bootstrap}.
         *
         * @throws IllegalArgumentException naming the bad argument
         */
        public static Options parse(String[] args, String bootstrapFromEnv) {
            Options o = defaults();
            String bootstrap = bootstrapFromEnv == null || bootstrapFromEnv.isBlank() ? null : bootstrapFromEnv;
            int minutes = o.minutes();
            int speed = o.speed();
            int vehicles = o.vehicles();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    throw new IllegalArgumentException("help");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + flag);
                }
                String value = args[++i];
                switch (flag) {
                    case "--bootstrap" -> bootstrap = value;
                    case "--minutes" -> minutes = ExampleSupport.positive(flag, value);
                    case "--speed" -> speed = ExampleSupport.positive(flag, value);
                    case "--vehicles" -> vehicles = ExampleSupport.positive(flag, value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (minutes < 20) {
                throw new IllegalArgumentException("--minutes needs at least 20 (a trip, a silence and the parked end), got "
                        + minutes);
            }
            return new Options(bootstrap, minutes, speed, vehicles, o.out());
        }
    }

    /**
     * What a run did.
     *
     * @param produced reports the broker acknowledged to the feed
     * @param expectedTrips trips the simulation drove
     * @param trips trips read back
     * @param silentTrips of those, trips closed by the silence timeout
     * @param missingTrips trips the simulation drove that were not read back
     * @param unexpectedTrips trips read back that the simulation did not drive (duplicates included)
     * @param anomalies anomalies read back, by kind
     * @param expectedAnomalies reports the simulation sent to be left out: glitches and resends
     * @param statsMismatches vehicles whose last statistics differ from a fold of their simulated trips
     * @param failure why the run failed, or null
     */
    public record Summary(long produced, long expectedTrips, long trips, long silentTrips, long missingTrips,
                          long unexpectedTrips, Map<Anomaly.Kind, Long> anomalies, long expectedAnomalies,
                          long statsMismatches, Throwable failure) {

        /** Validates and copies the anomalies. */
        public Summary {
            anomalies = Map.copyOf(anomalies);
        }

        /** Anomalies read back, of every kind. */
        public long anomalyCount() {
            return anomalies.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Whether the run completed and trips, statistics and anomalies are those the simulation made. */
        public boolean correct() {
            return failure == null && produced > 0 && expectedTrips > 0 && trips == expectedTrips
                    && missingTrips == 0 && unexpectedTrips == 0 && statsMismatches == 0
                    && anomalyCount() == expectedAnomalies;
        }
    }

    /** Runs the example with the command-line options and exits the JVM with its outcome. */
    public static void main(String[] args) {
        ExampleSupport.main("FleetManagement [--bootstrap host:port] [--minutes N] [--speed N] [--vehicles N]",
                () -> Options.parse(args, System.getenv("EDDY_BOOTSTRAP")),
                FleetManagement::run, Summary::correct);
    }

    /**
     * Runs the example and returns what it did; never exits the JVM. Starts and closes its own
     * broker when {@link Options#bootstrapServers()} is null. Takes the replay's duration
     * ({@code minutes * 60 / speed} seconds) plus start-up and a few seconds to catch up.
     */
    public static Summary run(Options options) {
        PrintStream out = options.out();
        EmbeddedKafka embedded = null;
        Path stateDir = null;
        try {
            String bootstrap = options.bootstrapServers();
            String suffix = "";
            if (bootstrap == null) {
                out.println("starting an embedded Kafka broker (pass --bootstrap host:port to use your own)");
                embedded = EmbeddedKafka.start();
                bootstrap = embedded.bootstrapServers();
            } else {
                // a shared cluster may hold an earlier run's topics and group: use fresh names
                suffix = "-" + Long.toString(System.currentTimeMillis(), 36);
            }
            Topics topics = Topics.defaults().withSuffix(suffix);
            ExampleSupport.createTopics(bootstrap, PARTITIONS, topics.events(), topics.trips(), topics.stats(),
                    topics.anomalies());
            stateDir = ExampleSupport.temporaryStateDir(APP_ID);
            return runPipeline(options, bootstrap, APP_ID + suffix, topics, stateDir);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            if (stateDir != null) {
                ExampleSupport.deleteRecursively(stateDir);
            }
        }
    }

    private static Summary runPipeline(Options options, String bootstrap, String appId, Topics topics,
                                       Path stateDir) {
        PrintStream out = options.out();
        EddyApp app = EddyApp.builder(appId)
                .bootstrapServers(bootstrap)
                .guarantee(Guarantee.EXACTLY_ONCE)
                .threads(2)
                .trigger(Trigger.every(Duration.ofMillis(200)))
                .stateDir(stateDir)
                .pipeline(p -> pipeline(p, topics))
                .build();

        Duration span = Duration.ofMinutes(options.minutes());
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(span);
        FleetFeed.Simulation simulation = FleetFeed.simulate(base.toEpochMilli(), span, options.vehicles(),
                SILENCE_TIMEOUT, SEED);
        out.printf(Locale.ROOT, "pipeline: %s -> event time (allowed delay %d s) -> by vehicle -> trips (ignition on "
                        + "to off, or %d min of silence) -> %s; anomalies -> %s; trips -> statistics per vehicle -> %s%n",
                topics.events(), ALLOWED_DELAY.toSeconds(), SILENCE_TIMEOUT.toMinutes(), topics.trips(),
                topics.anomalies(), topics.stats());
        out.printf(Locale.ROOT, "replaying %d minutes of %d trucks (from %s UTC: %,d reports, %d trips) at %dx real "
                        + "time%n", options.minutes(), options.vehicles(), TIME.format(base), simulation.sends().size(),
                simulation.trips().size(), options.speed());

        Results results = new Results(out);
        Throwable failure = null;
        FleetFeed feed = new FleetFeed(bootstrap, topics.events(), simulation, base.toEpochMilli(), options.speed());
        try (ExampleSupport.TopicTail tail = new ExampleSupport.TopicTail(bootstrap, topics.trips(), topics.stats(),
                topics.anomalies())) {
            try {
                app.start();
                // replay only once every worker has its tasks, so that no partition starts far behind the others
                ExampleSupport.waitUntil(START_TIMEOUT, () -> app.state() == AppState.RUNNING || app.state().isTerminal());
                if (app.state() != AppState.RUNNING) {
                    throw new IllegalStateException("the application is " + app.state() + " after " + START_TIMEOUT);
                }
                out.println("trips as the pipeline closes them:");
                feed.start();
                while (feed.running() && !app.state().isTerminal()) {
                    results.add(topics, tail.poll(Duration.ofMillis(200)));
                }
                feed.finish();
                if (feed.failure() != null) {
                    throw new IllegalStateException("the feed failed: " + feed.failure(), feed.failure());
                }
                out.printf(Locale.ROOT, "replay done: %,d reports; waiting for the last trips%n", feed.acknowledged());
                long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
                while (results.trips.size() < simulation.trips().size() && !app.state().isTerminal()
                        && System.nanoTime() < deadline) {
                    results.add(topics, tail.poll(Duration.ofMillis(200)));
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                feed.stop();
                app.close(Duration.ofSeconds(30));
            }
            if (app.failure().isPresent()) {
                failure = app.failure().get();
            }
            results.add(topics, tail.readToEnd(READ_BACK_TIMEOUT));
        }
        results.printStats();
        Summary summary = check(results, simulation, feed.acknowledged(), failure);
        printSummary(out, summary);
        return summary;
    }

    private static Summary check(Results results, FleetFeed.Simulation simulation, long produced, Throwable failure) {
        List<Trip> missing = new ArrayList<>(simulation.trips());
        long unexpected = 0;
        for (Trip trip : results.trips) {
            if (!missing.remove(trip)) {
                unexpected++;
            }
        }
        Map<String, VehicleStats> expectedStats = new TreeMap<>();
        for (Trip trip : simulation.trips()) {
            expectedStats.merge(trip.vehicle(), VehicleStats.none().add(trip), (a, b) -> a.add(trip));
        }
        long statsMismatches = 0;
        for (String vehicle : union(expectedStats.keySet(), results.stats.keySet())) {
            statsMismatches += Objects.equals(expectedStats.get(vehicle), results.stats.get(vehicle)) ? 0 : 1;
        }
        long silent = results.trips.stream().filter(t -> t.ending() == Trip.Ending.SILENCE).count();
        return new Summary(produced, simulation.trips().size(), results.trips.size(), silent, missing.size(), unexpected,
                results.anomalies, simulation.glitches() + simulation.resends(), statsMismatches, failure);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** What was read back so far, printed as it arrives. */
    private static final class Results {
        private final PrintStream out;
        private final List<Trip> trips = new ArrayList<>();
        private final Map<String, VehicleStats> stats = new TreeMap<>();
        private final Map<Anomaly.Kind, Long> anomalies = new EnumMap<>(Anomaly.Kind.class);

        Results(PrintStream out) {
            this.out = out;
        }

        void add(Topics topics, List<ConsumerRecord<byte[], byte[]>> records) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String vehicle = Serdes.string().deserialize(r.topic(), r.key());
                if (r.topic().equals(topics.trips())) {
                    Trip trip = Trip.serde().deserialize(r.topic(), r.value());
                    trips.add(trip);
                    out.printf(Locale.ROOT, "  %-9s %s-%s %5.1f km  max %3d km/h  %3d reports  %s%n", trip.vehicle(),
                            TIME.format(trip.start()), TIME.format(trip.end()), trip.distanceMeters() / 1000.0,
                            trip.maxSpeedKmh(), trip.reports(),
                            trip.ending() == Trip.Ending.SILENCE ? "went silent: closed by the timeout" : "ignition off");
                } else if (r.topic().equals(topics.stats())) {
                    stats.put(vehicle, VehicleStats.serde().deserialize(r.topic(), r.value()));
                } else {
                    Anomaly anomaly = Anomaly.serde().deserialize(r.topic(), r.value());
                    long seen = anomalies.merge(anomaly.kind(), 1L, Long::sum);
                    if (seen <= ANOMALY_SAMPLES) {
                        out.printf(Locale.ROOT, "  anomaly: %s %s at %s: %s%n", vehicle, anomaly.kind(),
                                TIME.format(Instant.ofEpochMilli(anomaly.event().timestamp())), anomaly.detail());
                    }
                }
            }
        }

        void printStats() {
            out.println("statistics per vehicle:");
            stats.entrySet().stream().sorted(Comparator.comparing(e -> vehicleNumber(e.getKey()))).forEach(e -> {
                VehicleStats s = e.getValue();
                out.printf(Locale.ROOT, "  %-9s %2d trips (%d went silent)  %6.1f km  %4d min driving  avg %5.1f km/h  "
                                + "max %3d km/h%n", e.getKey(), s.trips(), s.silentEndings(), s.distanceMeters() / 1000.0,
                        Duration.ofMillis(s.drivingMillis()).toMinutes(), s.averageSpeedKmh(), s.maxSpeedKmh());
            });
        }

        private static int vehicleNumber(String vehicle) {
            String digits = vehicle.replaceAll("\\D", "");
            return digits.isEmpty() ? 0 : Integer.parseInt(digits);
        }
    }

    private static void printSummary(PrintStream out, Summary s) {
        out.println("totals:");
        out.printf(Locale.ROOT, "  reports produced   %,d%n", s.produced());
        out.printf(Locale.ROOT, "  trips written      %,d of %,d driven (%d closed by the silence timeout), %d missing, "
                + "%d unexpected%n", s.trips(), s.expectedTrips(), s.silentTrips(), s.missingTrips(), s.unexpectedTrips());
        out.printf(Locale.ROOT, "  anomalies          %,d %s, %,d expected (glitched odometers and replayed reports)%n",
                s.anomalyCount(), s.anomalies(), s.expectedAnomalies());
        out.printf(Locale.ROOT, "  vehicle statistics %d differ from a fold of the driven trips%n", s.statsMismatches());
        if (s.failure() != null) {
            out.println("FAILED: " + s.failure());
        }
        out.println(s.correct() ? "every trip and statistic matches the simulation: yes"
                : "every trip and statistic matches the simulation: NO");
    }
}
