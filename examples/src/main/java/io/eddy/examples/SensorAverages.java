package io.eddy.examples;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.HoppingWindows;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Sensor averages over hopping windows: for each sensor, the count, average, minimum and maximum
 * of its readings over the last five minutes, computed every minute, by the sensors' own clocks.
 *
 * <pre>
 *   sensor-readings (sensor id → {"sensor","timestamp","value"})
 *     → event time = the reading's timestamp, allowed delay 10 s
 *     → group by sensor (the input's key: no repartition)
 *     → hopping windows of 5 minutes every minute, grace 30 s → count, sum, min, max
 *     → FINAL (each window once, when it closes) or UPDATE (every changed window at each commit)
 *     → sensor-averages (sensor id → {"sensor","windowStart","windowEnd","count","average","min","max"})
 * </pre>
 *
 * <p>Each reading falls into five overlapping windows. A window {@code [s, s + 5 min)} closes
 * once the watermark (the newest reading's time minus 10 s) reaches {@code s + 5 min + 30 s}.
 * Readings that would only fall into closed windows are late: dropped and counted in
 * {@link io.eddy.AppMetrics#lateRecords()} (compare {@link WebLogAnalytics}, which routes them to
 * a topic).
 *
 * <p>Run as a program, it starts an embedded Kafka broker (unless {@code --bootstrap host:port}
 * or {@code EDDY_BOOTSTRAP} names a cluster), replays ten minutes of four sensors at 30 times
 * real time, prints the windows as the pipeline commits them, and checks every printed window
 * against a recomputation from the readings sent:
 *
 * <pre>
 *   mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.SensorAverages
 *   mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.SensorAverages -Dexec.args="--mode update"
 * </pre>
 *
 * In {@code FINAL} mode the windows still open when the replay ends are not printed: with a quiet
 * input the watermark follows the wall clock, and would close the last of them about
 * 5 min 40 s later. Exit code 0 when the check passes, 1 when it does not, 2 for bad arguments.
 */
public final class SensorAverages {

    /** The window size. */
    public static final Duration WINDOW = Duration.ofMinutes(5);
    /** The distance between window starts. */
    public static final Duration ADVANCE = Duration.ofMinutes(1);
    /** How far behind the newest reading a reading may be and still not hold the watermark back. */
    public static final Duration ALLOWED_DELAY = Duration.ofSeconds(10);
    /** How long after its end, in watermark time, a window still takes readings. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    static final String APP_ID = "eddy-sensors";
    static final int PARTITIONS = 4;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration UPDATE_REPORT_INTERVAL = Duration.ofSeconds(2);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private SensorAverages() {
    }

    /**
     * The topics the pipeline reads and writes.
     *
     * @param readings JSON {@link SensorReading}s keyed by sensor id
     * @param averages JSON {@link SensorSummary} rows keyed by sensor id
     */
    public record Topics(String readings, String averages) {

        /** Validates the names. */
        public Topics {
            Objects.requireNonNull(readings, "readings");
            Objects.requireNonNull(averages, "averages");
        }

        /** {@code sensor-readings} and {@code sensor-averages}. */
        public static Topics defaults() {
            return new Topics("sensor-readings", "sensor-averages");
        }

        Topics withSuffix(String suffix) {
            return new Topics(readings + suffix, averages + suffix);
        }
    }

    /**
     * Defines the averages on {@code p}: for use in {@code EddyApp.Builder.pipeline} and
     * {@code TestDriver.Builder.pipeline}. The window store is named {@code sensor-stats}.
     *
     * <pre>{@code
     * EddyApp.builder("sensors").pipeline(p -> SensorAverages.pipeline(p, Topics.defaults(), OutputMode.FINAL))
     * }</pre>
     *
     * @param mode {@link OutputMode#FINAL} or {@link OutputMode#UPDATE}
     */
    public static void pipeline(Pipeline p, Topics topics, OutputMode mode) {
        // --- sensor pipeline: begin
        p.kafka(topics.readings(), Consumed.with(Serdes.string(), SensorReading.serde()))
                .withEventTime(SensorReading::timestamp, ALLOWED_DELAY)          // event time: the sensor's clock
                .groupByKey(Grouped.with(Serdes.string(), SensorReading.serde()))
                .window(HoppingWindows.of(WINDOW, ADVANCE).grace(GRACE))
                .aggregate(SensorStats::empty, (sensor, reading, stats) -> stats.add(reading.value()),
                        SensorStats.serde(), Named.as("sensor-stats"))
                .emit(mode)
                .map((window, stats) -> KeyValue.of(window.key(), SensorSummary.of(window, stats)))
                .toKafka(topics.averages(), Produced.with(Serdes.string(), SensorSummary.serde()));
        // --- sensor pipeline: end
    }

    /**
     * The statistics of {@code sensor}'s readings in {@code [start, end)}, computed directly from
     * the readings: what the pipeline's window holds once it took all of them.
     */
    public static SensorStats recompute(List<SensorReading> readings, String sensor, Instant start, Instant end) {
        SensorStats stats = SensorStats.empty();
        for (SensorReading r : readings) {
            if (r.sensor().equals(sensor) && r.timestamp() >= start.toEpochMilli() && r.timestamp() < end.toEpochMilli()) {
                stats = stats.add(r.value());
            }
        }
        return stats;
    }

    /**
     * What to run.
     *
     * @param bootstrapServers an existing cluster, or null to start an embedded broker
     * @param minutes minutes of readings to replay
     * @param speed how many times faster than real time they are replayed
     * @param sensors how many sensors send readings
     * @param mode {@link OutputMode#FINAL} or {@link OutputMode#UPDATE}
     * @param out where the example prints
     */
    public record Options(String bootstrapServers, int minutes, int speed, int sensors, OutputMode mode,
                          PrintStream out) {

        /** The defaults: embedded broker, 10 minutes of 4 sensors at 30× (20 s), FINAL. */
        public static Options defaults() {
            return new Options(null, 10, 30, 4, OutputMode.FINAL, System.out);
        }

        /**
         * Reads {@code --bootstrap host:port}, {@code --minutes N}, {@code --speed N},
         * {@code --sensors N} and {@code --mode final|update}; {@code EDDY_BOOTSTRAP} stands in
         * for a missing {@code --bootstrap}.
         *
         * @throws IllegalArgumentException naming the bad argument
         */
        public static Options parse(String[] args, String bootstrapFromEnv) {
            Options o = defaults();
            String bootstrap = bootstrapFromEnv == null || bootstrapFromEnv.isBlank() ? null : bootstrapFromEnv;
            int minutes = o.minutes();
            int speed = o.speed();
            int sensors = o.sensors();
            OutputMode mode = o.mode();
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
                    case "--sensors" -> sensors = ExampleSupport.positive(flag, value);
                    case "--mode" -> mode = switch (value.toLowerCase(Locale.ROOT)) {
                        case "final" -> OutputMode.FINAL;
                        case "update" -> OutputMode.UPDATE;
                        default -> throw new IllegalArgumentException("--mode is final or update, got '" + value + "'");
                    };
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            return new Options(bootstrap, minutes, speed, sensors, mode, o.out());
        }
    }

    /**
     * What a run did.
     *
     * @param produced readings the broker acknowledged to the feed
     * @param rows output rows read back
     * @param windows distinct (sensor, window) pairs among them
     * @param mismatches rows (FINAL) or latest rows per window (UPDATE) that differ from a
     *        recomputation from the readings, plus, for UPDATE, windows with readings but no row
     * @param duplicates FINAL rows for a window already written (always 0 for UPDATE)
     * @param lateReadings readings the pipeline dropped as late
     * @param failure why the run failed, or null
     */
    public record Summary(long produced, long rows, long windows, long mismatches, long duplicates,
                          long lateReadings, Throwable failure) {

        /** Whether the run completed and every window written matches the recomputation, once. */
        public boolean correct() {
            return failure == null && produced > 0 && windows > 0 && mismatches == 0 && duplicates == 0
                    && lateReadings == 0;
        }
    }

    /** Runs the example with the command-line options and exits the JVM with its outcome. */
    public static void main(String[] args) {
        ExampleSupport.main("SensorAverages [--bootstrap host:port] [--minutes N] [--speed N] [--sensors N] "
                + "[--mode final|update]", () -> Options.parse(args, System.getenv("EDDY_BOOTSTRAP")),
                SensorAverages::run, Summary::correct);
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
            ExampleSupport.createTopics(bootstrap, PARTITIONS, topics.readings(), topics.averages());
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
        OutputMode mode = options.mode();
        EddyApp app = EddyApp.builder(appId)
                .bootstrapServers(bootstrap)
                .guarantee(Guarantee.EXACTLY_ONCE)
                .threads(2)
                .trigger(Trigger.every(Duration.ofMillis(200)))
                .stateDir(stateDir)
                .pipeline(p -> pipeline(p, topics, mode))
                .build();

        Duration span = Duration.ofMinutes(options.minutes());
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(span);
        out.printf(Locale.ROOT, "pipeline: %s -> event time (allowed delay %d s) -> by sensor -> %d-minute windows "
                        + "every %d minute (grace %d s) -> count, average, min, max -> %s -> %s%n", topics.readings(),
                ALLOWED_DELAY.toSeconds(), WINDOW.toMinutes(), ADVANCE.toMinutes(), GRACE.toSeconds(), mode,
                topics.averages());
        out.printf(Locale.ROOT, "replaying %d minutes of %d sensors (from %s UTC, a reading per sensor and second) "
                + "at %dx real time%n", options.minutes(), options.sensors(), MINUTE.format(base), options.speed());

        Rows rows = new Rows(out, mode);
        Throwable failure = null;
        SensorFeed feed;
        try (ExampleSupport.TopicTail tail = new ExampleSupport.TopicTail(bootstrap, topics.averages())) {
            feed = new SensorFeed(bootstrap, topics.readings(), base.toEpochMilli(), span, options.speed(),
                    options.sensors());
            try {
                app.start();
                // replay only once every worker has its tasks, so that no partition starts far behind the others
                ExampleSupport.waitUntil(START_TIMEOUT, () -> app.state() == AppState.RUNNING || app.state().isTerminal());
                if (app.state() != AppState.RUNNING) {
                    throw new IllegalStateException("the application is " + app.state() + " after " + START_TIMEOUT);
                }
                out.println(mode == OutputMode.FINAL ? "windows as the watermark closes them:"
                        : "updated windows, sampled every " + UPDATE_REPORT_INTERVAL.toSeconds() + " s:");
                feed.start();
                while (feed.running() && !app.state().isTerminal()) {
                    rows.add(tail.poll(Duration.ofMillis(200)));
                }
                feed.finish();
                if (feed.failure() != null) {
                    throw new IllegalStateException("the feed failed: " + feed.failure(), feed.failure());
                }
                long produced = feed.produced();
                out.printf(Locale.ROOT, "replay done: %,d readings; letting the pipeline catch up%n", produced);
                long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
                while (app.metrics().processedRecords() < produced && !app.state().isTerminal()
                        && System.nanoTime() < deadline) {
                    rows.add(tail.poll(Duration.ofMillis(200)));
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
            rows.add(tail.readToEnd(READ_BACK_TIMEOUT));
        }
        rows.flushUpdateReport();
        if (mode == OutputMode.FINAL) {
            out.printf(Locale.ROOT, "the windows still open are written once the watermark passes their end + %d s; "
                    + "with the input quiet it follows the wall clock, so the last would come about %d s later%n",
                    GRACE.toSeconds(), WINDOW.plus(GRACE).plus(ALLOWED_DELAY).toSeconds());
        }
        Summary summary = check(rows, feed.acknowledged(), mode, app.metrics().lateRecords(), failure);
        printSummary(out, summary, mode);
        return summary;
    }

    private static Summary check(Rows rows, List<SensorReading> readings, OutputMode mode, long late,
                                 Throwable failure) {
        long mismatches = 0;
        if (mode == OutputMode.FINAL) {
            for (SensorSummary row : rows.all) {
                mismatches += matches(row, readings) ? 0 : 1;
            }
        } else {
            Set<String> expected = new HashSet<>();
            for (SensorReading r : readings) {
                long first = Math.floorDiv(r.timestamp() - WINDOW.toMillis(), ADVANCE.toMillis()) * ADVANCE.toMillis()
                        + ADVANCE.toMillis();
                for (long s = first; s <= r.timestamp(); s += ADVANCE.toMillis()) {
                    expected.add(r.sensor() + "@" + s);
                }
            }
            for (SensorSummary row : rows.latest.values()) {
                mismatches += matches(row, readings) ? 0 : 1;
                expected.remove(row.sensor() + "@" + row.windowStart().toEpochMilli());
            }
            mismatches += expected.size();
        }
        return new Summary(readings.size(), rows.all.size(), rows.latest.size(), mismatches, rows.duplicates, late,
                failure);
    }

    private static boolean matches(SensorSummary row, List<SensorReading> readings) {
        SensorStats expected = recompute(readings, row.sensor(), row.windowStart(), row.windowEnd());
        return row.count() == expected.count() && row.average() == expected.average() && row.min() == expected.min()
                && row.max() == expected.max();
    }

    /** The rows read so far, printed as they arrive (FINAL) or sampled (UPDATE). */
    private static final class Rows {
        private final PrintStream out;
        private final OutputMode mode;
        private final List<SensorSummary> all = new ArrayList<>();
        private final Map<String, SensorSummary> latest = new HashMap<>();
        private long duplicates;
        private long reportedAt = System.nanoTime();
        private int sinceReport;
        private SensorSummary lastRow;

        Rows(PrintStream out, OutputMode mode) {
            this.out = out;
            this.mode = mode;
        }

        void add(List<ConsumerRecord<byte[], byte[]>> records) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                SensorSummary row = SensorSummary.serde().deserialize(r.topic(), r.value());
                if (row == null) {
                    continue;
                }
                all.add(row);
                SensorSummary previous = latest.put(row.sensor() + "@" + row.windowStart().toEpochMilli(), row);
                if (mode == OutputMode.FINAL) {
                    if (previous != null) {
                        duplicates++;
                    }
                    out.println("  " + describe(row));
                } else {
                    sinceReport++;
                    lastRow = row;
                }
            }
            if (mode == OutputMode.UPDATE && System.nanoTime() - reportedAt >= UPDATE_REPORT_INTERVAL.toNanos()) {
                flushUpdateReport();
            }
        }

        void flushUpdateReport() {
            if (sinceReport > 0) {
                out.printf(Locale.ROOT, "  %,4d rows updated, the last: %s%n", sinceReport, describe(lastRow));
            }
            sinceReport = 0;
            reportedAt = System.nanoTime();
        }

        private static String describe(SensorSummary row) {
            return String.format(Locale.ROOT, "%-5s %s-%s  n=%4d  avg %6.2f  min %6.2f  max %6.2f", row.sensor(),
                    MINUTE.format(row.windowStart()), MINUTE.format(row.windowEnd()), row.count(), row.average(),
                    row.min(), row.max());
        }
    }

    private static void printSummary(PrintStream out, Summary s, OutputMode mode) {
        out.println("totals:");
        out.printf(Locale.ROOT, "  readings produced   %,d (%,d dropped as late)%n", s.produced(), s.lateReadings());
        out.printf(Locale.ROOT, "  rows written        %,d for %,d (sensor, window) pairs%s%n", s.rows(), s.windows(),
                mode == OutputMode.FINAL ? ", " + s.duplicates() + " written twice" : "");
        out.printf(Locale.ROOT, "  recomputed windows  %,d differ%n", s.mismatches());
        if (s.failure() != null) {
            out.println("FAILED: " + s.failure());
        }
        out.println(s.correct() ? "every window matches a recomputation from the readings: yes"
                : "every window matches a recomputation from the readings: NO");
    }
}
