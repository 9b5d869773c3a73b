package io.eddy.examples;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.kafka.EmbeddedKafka;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Web-log analytics, the book's event-time example: requests per URL per one-minute window of
 * the time the web server logged them, not of the time they reach the pipeline.
 *
 * <pre>
 *   web-logs (client → Common Log Format line)
 *     → parse → event time = the line's timestamp, allowed delay 20 s
 *     → group by URL path (repartition) → tumbling 1-minute windows, grace 10 s → count
 *     → FINAL: each (URL, minute) once, when the watermark closes it → requests-per-url
 *     ↘ lines whose window had already closed → web-logs-late
 * </pre>
 *
 * <p>A window {@code [m, m + 1 min)} closes once the watermark reaches {@code m + 1 min + 10 s};
 * the watermark trails the largest event time seen by the allowed delay, so a line may arrive up
 * to 30 s (of log time) behind the newest line and still be counted. Later lines are routed,
 * unchanged, to the late topic instead of being counted; the final counts never change once
 * written. When the log stops, the watermark follows the wall clock after the idle timeout, so
 * the last window is written about 30 s later without waiting for another line.
 *
 * <p>Run as a program, it starts an embedded Kafka broker (unless {@code --bootstrap host:port}
 * or {@code EDDY_BOOTSTRAP} names a cluster), replays a few minutes of a synthetic access log at
 * ten times real time with some lines out of order and a few very late ones, prints each final
 * count and some late lines as they are committed, waits for the last window, and checks that
 * every line was either counted exactly once or routed to the late topic:
 *
 * <pre>
 *   mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.WebLogAnalytics
 *   mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.WebLogAnalytics -Dexec.args="--minutes 6 --speed 20"
 * </pre>
 *
 * Exit code 0 when the check passes, 1 when it does not, 2 for bad arguments.
 */
public final class WebLogAnalytics {

    /** The window size. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** How far behind the newest line a line may be and still not hold the watermark back. */
    public static final Duration ALLOWED_DELAY = Duration.ofSeconds(20);
    /** How long after its end, in watermark time, a window still counts lines. */
    public static final Duration GRACE = Duration.ofSeconds(10);

    static final String APP_ID = "eddy-weblog";
    static final int PARTITIONS = 4;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(60);
    private static final int LATE_SAMPLES = 5;
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private WebLogAnalytics() {
    }

    /**
     * The topics the pipeline reads and writes.
     *
     * @param input Common Log Format lines, any key (the feed keys them by client address)
     * @param counts the final counts: {@link WindowedSerde#of WindowedSerde.of(Serdes.string())}
     *        keys (URL path and window), {@link Serdes#longs()} values
     * @param late lines that arrived after their window closed, keyed by URL path, as text
     */
    public record Topics(String input, String counts, String late) {

        /** Validates the names. */
        public Topics {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(counts, "counts");
            Objects.requireNonNull(late, "late");
        }

        /** {@code web-logs}, {@code requests-per-url} and {@code web-logs-late}. */
        public static Topics defaults() {
            return new Topics("web-logs", "requests-per-url", "web-logs-late");
        }

        Topics withSuffix(String suffix) {
            return new Topics(input + suffix, counts + suffix, late + suffix);
        }
    }

    /**
     * Defines the analytics on {@code p}: for use in {@code EddyApp.Builder.pipeline} and
     * {@code TestDriver.Builder.pipeline}. The stateful operators are named {@code by-url} (the
     * repartition topic) and {@code requests-per-url} (the window store). A line that does not
     * parse goes to the application's error policy.
     *
     * <pre>{@code
     * EddyApp.builder("weblog").pipeline(p -> WebLogAnalytics.pipeline(p, Topics.defaults()))
     * }</pre>
     */
    public static void pipeline(Pipeline p, Topics topics) {
        // --- web-log pipeline: begin
        p.kafka(topics.input(), Consumed.with(Serdes.string(), Serdes.string()))
                .mapValues(WebLogLine::parse).named("parse")
                .withEventTime(WebLogLine::timestamp, ALLOWED_DELAY)           // event time: the logged time
                .groupBy((client, line) -> line.path(),
                        Grouped.with(Serdes.string(), WebLogLine.serde()), Named.as("by-url"))
                .window(TumblingWindows.of(WINDOW).grace(GRACE))
                .onLateRecords(late -> late                                    // instead of dropping them
                        .toKafka(topics.late(), Produced.with(Serdes.string(), WebLogLine.serde())))
                .count(Named.as("requests-per-url"))
                .emit(OutputMode.FINAL)                                        // once per window, when it closes
                .toKafka(topics.counts(), Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs()));
        // --- web-log pipeline: end
    }

    /**
     * What to run.
     *
     * @param bootstrapServers an existing cluster, or null to start an embedded broker
     * @param minutes minutes of log to replay
     * @param speed how many times faster than real time the log is replayed
     * @param linesPerSecond lines sent per wall-clock second
     * @param out where the example prints
     */
    public record Options(String bootstrapServers, int minutes, int speed, int linesPerSecond, PrintStream out) {

        /** The defaults: embedded broker, 5 minutes of log at 10× (30 s), 500 lines/s. */
        public static Options defaults() {
            return new Options(null, 5, 10, 500, System.out);
        }

        /**
         * Reads {@code --bootstrap host:port}, {@code --minutes N}, {@code --speed N} and
         * {@code --rate N}; {@code EDDY_BOOTSTRAP} stands in for a missing {@code --bootstrap}.
         *
         * @throws IllegalArgumentException naming the bad argument
         */
        public static Options parse(String[] args, String bootstrapFromEnv) {
            Options o = defaults();
            String bootstrap = bootstrapFromEnv == null || bootstrapFromEnv.isBlank() ? null : bootstrapFromEnv;
            int minutes = o.minutes();
            int speed = o.speed();
            int rate = o.linesPerSecond();
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
                    case "--rate" -> rate = ExampleSupport.positive(flag, value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            return new Options(bootstrap, minutes, speed, rate, o.out());
        }
    }

    /**
     * What a run did.
     *
     * @param produced log lines the broker acknowledged to the feed
     * @param outOfOrder of those, lines the feed sent 1–10 s behind the log's clock
     * @param veryLate of those, lines the feed sent 150–210 s behind the log's clock
     * @param windows final (URL, window) counts read back
     * @param counted the sum of those counts
     * @param late lines read back from the late topic
     * @param duplicateWindows (URL, window) pairs written more than once
     * @param failure why the run failed, or null
     */
    public record Summary(long produced, long outOfOrder, long veryLate, long windows, long counted, long late,
                          long duplicateWindows, Throwable failure) {

        /** Whether the run completed and every line was counted once or routed to the late topic. */
        public boolean complete() {
            return failure == null && produced > 0 && counted + late == produced && duplicateWindows == 0;
        }
    }

    /** Runs the example with the command-line options and exits the JVM with its outcome. */
    public static void main(String[] args) {
        ExampleSupport.main("WebLogAnalytics [--bootstrap host:port] [--minutes N] [--speed N] [--rate lines/s]",
                () -> Options.parse(args, System.getenv("EDDY_BOOTSTRAP")),
                WebLogAnalytics::run, Summary::complete);
    }

    /**
     * Runs the example and returns what it did; never exits the JVM. Starts and closes its own
     * broker when {@link Options#bootstrapServers()} is null. Takes the replay's duration
     * ({@code minutes * 60 / speed} seconds) plus about 30 s for the last window, plus start-up.
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
            ExampleSupport.createTopics(bootstrap, PARTITIONS, topics.input(), topics.counts(), topics.late());
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

        Duration logSpan = Duration.ofMinutes(options.minutes());
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(logSpan);
        out.printf(Locale.ROOT, "pipeline: %s -> parse -> event time (allowed delay %d s) -> group by URL -> "
                        + "1-minute windows (grace %d s) -> count -> FINAL -> %s; late lines -> %s%n",
                topics.input(), ALLOWED_DELAY.toSeconds(), GRACE.toSeconds(), topics.counts(), topics.late());
        out.printf(Locale.ROOT, "replaying %d minutes of access log (%s to %s UTC) at %dx real time, %,d lines/s%n",
                options.minutes(), SECOND.format(base), SECOND.format(base.plus(logSpan)), options.speed(),
                options.linesPerSecond());

        Results results = new Results(out);
        Throwable failure = null;
        WebLogFeed feed;
        try (ExampleSupport.TopicTail tail = new ExampleSupport.TopicTail(bootstrap, topics.counts(), topics.late())) {
            feed = new WebLogFeed(bootstrap, topics.input(), base.toEpochMilli(), logSpan, options.speed(),
                    options.linesPerSecond());
            try {
                app.start();
                // replay only once every worker has its tasks, so that no partition starts far behind the others
                ExampleSupport.waitUntil(START_TIMEOUT, () -> app.state() == AppState.RUNNING || app.state().isTerminal());
                if (app.state() != AppState.RUNNING) {
                    throw new IllegalStateException("the application is " + app.state() + " after " + START_TIMEOUT);
                }
                out.println("final counts per minute and URL, as the watermark closes each window:");
                feed.start();
                while (feed.running() && !app.state().isTerminal()) {
                    results.add(topics, tail.poll(Duration.ofMillis(200)));
                }
                feed.finish();
                if (feed.failure() != null) {
                    throw new IllegalStateException("the feed failed: " + feed.failure(), feed.failure());
                }
                long produced = feed.produced();
                out.printf(Locale.ROOT, "log replayed: %,d lines (%,d out of order, %,d very late); the input is quiet "
                        + "now, so event time follows the wall clock: the last window closes in about %d s%n",
                        produced, feed.outOfOrder(), feed.veryLate(), GRACE.plus(ALLOWED_DELAY).toSeconds());
                long deadline = System.nanoTime() + WINDOW.plus(GRACE).plus(ALLOWED_DELAY).plusSeconds(60).toNanos();
                while (results.counted + results.late < produced && !app.state().isTerminal()
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
        Summary summary = new Summary(feed.produced(), feed.outOfOrder(), feed.veryLate(), results.windows.size(),
                results.counted, results.late, results.duplicates, failure);
        printSummary(out, summary, app.metrics().lateRecords());
        return summary;
    }

    /** What the output topics held so far, printed as it arrives. */
    private static final class Results {
        private static final Serde<Windowed<String>> KEYS = WindowedSerde.of(Serdes.string());
        private final PrintStream out;
        private final Set<Windowed<String>> windows = new HashSet<>();
        private long counted;
        private long late;
        private long duplicates;

        Results(PrintStream out) {
            this.out = out;
        }

        void add(Topics topics, List<ConsumerRecord<byte[], byte[]>> records) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.topic().equals(topics.counts())) {
                    Windowed<String> window = KEYS.deserialize(r.topic(), r.key());
                    long count = Serdes.longs().deserialize(r.topic(), r.value());
                    if (!windows.add(window)) {
                        duplicates++;
                    }
                    counted += count;
                    out.printf(Locale.ROOT, "  %s-%s  %-18s %,6d%n", MINUTE.format(Instant.ofEpochMilli(window.start())),
                            MINUTE.format(Instant.ofEpochMilli(window.end())), window.key(), count);
                } else {
                    WebLogLine line = WebLogLine.serde().deserialize(r.topic(), r.value());
                    if (late++ < LATE_SAMPLES) {
                        out.printf(Locale.ROOT, "  late: a line of %s for %s, its window had closed: %s%n",
                                SECOND.format(Instant.ofEpochMilli(line.timestamp())), line.path(), line.toLogLine());
                    }
                }
            }
        }
    }

    private static void printSummary(PrintStream out, Summary s, long droppedLate) {
        out.println("totals:");
        out.printf(Locale.ROOT, "  lines produced      %,d (%,d sent out of order, %,d sent very late)%n", s.produced(),
                s.outOfOrder(), s.veryLate());
        out.printf(Locale.ROOT, "  counted in windows  %,d in %,d final (URL, minute) counts, %,d written twice%n",
                s.counted(), s.windows(), s.duplicateWindows());
        out.printf(Locale.ROOT, "  routed as late      %,d (dropped: %,d)%n", s.late(), droppedLate);
        if (s.failure() != null) {
            out.println("FAILED: " + s.failure());
        }
        out.println(s.complete() ? "every line counted once or routed as late: yes"
                : "every line counted once or routed as late: NO");
    }
}
