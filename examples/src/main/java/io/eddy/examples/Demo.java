package io.eddy.examples;

import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.OffsetRange;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.serde.Serdes;
import io.eddy.testkit.kafka.EmbeddedKafka;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The README's demo: an exactly-once page-view pipeline over a live, steadily fed topic.
 *
 * <p>Without {@code --bootstrap host:port} (or the {@code EDDY_BOOTSTRAP} environment variable)
 * it starts an embedded single-node Kafka broker in this JVM. It creates the input topic
 * {@code page-views} (4 partitions) and two output topics, feeds page views from a background
 * producer, and runs this pipeline with two workers:
 *
 * <pre>
 *   page-views → parse → drop health checks → normalise the URL → split
 *        ├─ "api":   /api/… calls → page-views-api
 *        └─ "pages": the rest     → page-views-pages
 * </pre>
 *
 * It prints one line per committed micro-batch, stops the feed after {@code --seconds} (default
 * 20), lets the pipeline catch up, closes it, reads both outputs back with {@code read_committed}
 * and checks that every view that is not a health check was written exactly once.
 *
 * <pre>
 *   mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl examples exec:java
 *   mvn -B -q -pl examples exec:java -Dexec.args="--seconds 60 --rate 20000"
 * </pre>
 *
 * Exit code 0 when the check passes, 1 when it does not, 2 for bad arguments.
 */
public final class Demo {

    static final String APP_ID = "eddy-demo";
    static final String INPUT = "page-views";
    static final String API_OUTPUT = "page-views-api";
    static final String PAGES_OUTPUT = "page-views-pages";
    static final int PARTITIONS = 4;
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(60);
    private static final int SAMPLES_PER_TOPIC = 3;

    private Demo() {
    }

    /**
     * What to run.
     *
     * @param bootstrapServers an existing cluster, or null to start an embedded broker
     * @param duration how long the feed produces
     * @param recordsPerSecond the feed's rate
     * @param threads the application's worker threads
     * @param batchInterval the trigger interval
     * @param out where the demo prints
     */
    public record Options(String bootstrapServers, Duration duration, int recordsPerSecond, int threads,
                          Duration batchInterval, PrintStream out) {

        /** The defaults: embedded broker, 20 s at 10,000 views/s, 2 workers, a batch every 500 ms. */
        public static Options defaults() {
            return new Options(null, Duration.ofSeconds(20), 10_000, 2, Duration.ofMillis(500), System.out);
        }

        /**
         * Reads {@code --bootstrap host:port}, {@code --seconds N}, {@code --rate N},
         * {@code --threads N} and {@code --batch-ms N}; {@code EDDY_BOOTSTRAP} stands in for a
         * missing {@code --bootstrap}.
         *
         * @throws IllegalArgumentException naming the bad argument
         */
        public static Options parse(String[] args, String bootstrapFromEnv) {
            Options o = defaults();
            String bootstrap = bootstrapFromEnv == null || bootstrapFromEnv.isBlank() ? null : bootstrapFromEnv;
            Duration duration = o.duration();
            int rate = o.recordsPerSecond();
            int threads = o.threads();
            Duration interval = o.batchInterval();
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
                    case "--seconds" -> duration = Duration.ofSeconds(positive(flag, value));
                    case "--rate" -> rate = positive(flag, value);
                    case "--threads" -> threads = positive(flag, value);
                    case "--batch-ms" -> interval = Duration.ofMillis(positive(flag, value));
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            return new Options(bootstrap, duration, rate, threads, interval, o.out());
        }

        private static int positive(String flag, String value) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(flag + " needs a positive whole number, got '" + value + "'");
        }
    }

    /**
     * What a run did.
     *
     * @param produced page views the broker acknowledged to the feed
     * @param healthChecks of those, health checks (filtered out by the pipeline)
     * @param apiOutput committed records in the API output topic
     * @param pagesOutput committed records in the pages output topic
     * @param duplicates output records whose view id was already seen
     * @param processed input records the application counted in committed batches
     * @param batches batches committed, all workers together
     * @param abortedBatches batches aborted and re-processed
     * @param failure why the run failed, or null
     */
    public record Summary(long produced, long healthChecks, long apiOutput, long pagesOutput, long duplicates,
                          long processed, long batches, long abortedBatches, Throwable failure) {

        /** Every view that is not a health check, once. */
        public long expectedOutput() {
            return produced - healthChecks;
        }

        /** Records in both output topics, as a {@code read_committed} consumer sees them. */
        public long committedOutput() {
            return apiOutput + pagesOutput;
        }

        /** Whether the run completed and the output is exactly the expected views, once each. */
        public boolean exactlyOnce() {
            return failure == null && processed == produced && committedOutput() == expectedOutput()
                    && duplicates == 0;
        }
    }

    /** Runs the demo with the command-line options and exits the JVM with its outcome. */
    public static void main(String[] args) {
        if (List.of(args).contains("--monitor")) {   // the stateful, windowed variant with the web UI
            MonitoringDemo.main(List.of(args).stream().filter(a -> !a.equals("--monitor")).toArray(String[]::new),
                    Demo::exit);
            return;
        }
        Options options;
        try {
            options = Options.parse(args, System.getenv("EDDY_BOOTSTRAP"));
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().equals("help")) {
                System.err.println(e.getMessage());
            }
            System.err.println("usage: Demo [--monitor [--port N]] [--bootstrap host:port] [--seconds N] [--rate views/s] "
                    + "[--threads N] [--batch-ms N]");
            System.err.println("  without --bootstrap (or EDDY_BOOTSTRAP) an embedded Kafka broker is started");
            exit(e.getMessage().equals("help") ? 0 : 2);
            return;
        }
        Summary summary;
        try {
            summary = run(options);
        } catch (RuntimeException e) {
            System.err.println("demo failed: " + e);
            exit(1);
            return;
        }
        exit(summary.exactlyOnce() ? 0 : 1);
    }

    /**
     * Runs the demo and returns what it did; never exits the JVM. Starts and closes its own
     * broker when {@link Options#bootstrapServers()} is null.
     */
    public static Summary run(Options options) {
        PrintStream out = options.out();
        EmbeddedKafka embedded = null;
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
            Topics topics = new Topics(INPUT + suffix, API_OUTPUT + suffix, PAGES_OUTPUT + suffix);
            ExampleSupport.createTopics(bootstrap, PARTITIONS, topics.input(), topics.api(), topics.pages());
            return runPipeline(options, bootstrap, APP_ID + suffix, topics);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private record Topics(String input, String api, String pages) {
    }

    private static Summary runPipeline(Options options, String bootstrap, String appId, Topics topics) {
        PrintStream out = options.out();

        EddyApp app = EddyApp.builder(appId)
                .bootstrapServers(bootstrap)
                .guarantee(Guarantee.EXACTLY_ONCE)
                .threads(options.threads())
                .trigger(Trigger.every(options.batchInterval()))
                .addStateListener((from, to) -> out.println("state: " + from + " -> " + to))
                .addProgressListener(batch -> out.println(describe(batch)))
                .pipeline(p -> {
                    Map<String, RecordStream<String, PageView>> kinds = p
                            .kafka(topics.input(), Consumed.with(Serdes.string(), Serdes.string()))
                            .mapValues(PageView::parse).named("parse")
                            .filter((user, view) -> !view.isHealthCheck()).named("drop-health-checks")
                            .mapValues(PageView::normalised).named("normalise-url")
                            .split()
                            .branch("api", (user, view) -> view.isApiCall())
                            .defaultBranch("pages");
                    kinds.get("api").mapValues(PageView::toOutputJson).named("api-json")
                            .toKafka(topics.api(), Produced.with(Serdes.string(), Serdes.string()));
                    kinds.get("pages").mapValues(PageView::toOutputJson).named("pages-json")
                            .toKafka(topics.pages(), Produced.with(Serdes.string(), Serdes.string()));
                })
                .build();

        out.printf(Locale.ROOT, "pipeline: %s -> parse -> drop health checks -> normalise url -> split: api -> %s, "
                + "pages -> %s%n", topics.input(), topics.api(), topics.pages());
        out.printf(Locale.ROOT, "feeding %s (%d partitions) at %,d views/s for %d s; exactly-once, %d worker%s, "
                        + "a batch every %d ms%n", topics.input(), PARTITIONS, options.recordsPerSecond(),
                options.duration().toSeconds(), options.threads(), options.threads() == 1 ? "" : "s",
                options.batchInterval().toMillis());

        PageViewFeed feed = new PageViewFeed(bootstrap, topics.input(), options.recordsPerSecond());
        Throwable failure = null;
        try {
            app.start();
            feed.start();
            waitUntil(options.duration(), () -> app.state().isTerminal() || feed.failure() != null);
            feed.stop();
            if (feed.failure() != null) {
                failure = feed.failure();
            }
            out.printf(Locale.ROOT, "feed stopped after %,d views; letting the pipeline catch up%n", feed.produced());
            boolean caughtUp = waitUntil(CATCH_UP_TIMEOUT,
                    () -> app.state().isTerminal() || app.metrics().processedRecords() >= feed.produced());
            if (!caughtUp && failure == null) {
                failure = new IllegalStateException("the pipeline did not catch up within " + CATCH_UP_TIMEOUT
                        + ": processed " + app.metrics().processedRecords() + " of " + feed.produced());
            }
        } catch (RuntimeException e) {
            failure = e;
            feed.stop();
        } finally {
            app.close(Duration.ofSeconds(30));
        }
        if (app.failure().isPresent()) {
            failure = app.failure().get();
        }

        Output api = readBack(bootstrap, topics.api());
        Output pages = readBack(bootstrap, topics.pages());
        BitSet seen = new BitSet();
        long duplicates = api.countDuplicates(seen) + pages.countDuplicates(seen);

        out.println("sample output, read back with read_committed:");
        api.samples().forEach(r -> out.printf("  %-18s %-10s -> %s%n", r.topic(), r.key(), r.value()));
        pages.samples().forEach(r -> out.printf("  %-18s %-10s -> %s%n", r.topic(), r.key(), r.value()));

        var metrics = app.metrics();
        Summary summary = new Summary(feed.produced(), feed.healthChecks(), api.count(), pages.count(), duplicates,
                metrics.processedRecords(), metrics.committedBatches(), metrics.abortedBatches(), failure);
        printSummary(out, summary);
        return summary;
    }

    static String describe(BatchProgress batch) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "batch %d [%s]: %,d records in %d ms (%,.0f rec/s)",
                batch.batchId(), batch.worker(), batch.records(), batch.duration().toMillis(),
                batch.recordsPerSecond()));
        for (Map.Entry<TopicPartition, OffsetRange> e : batch.offsets().entrySet()) {
            s.append(String.format(Locale.ROOT, "  p%d@%d..%d", e.getKey().partition(), e.getValue().first(),
                    e.getValue().last()));
        }
        return s.toString();
    }

    private static void printSummary(PrintStream out, Summary s) {
        out.println("totals:");
        out.printf(Locale.ROOT, "  input produced     %,d views (%,d of them health checks)%n", s.produced(),
                s.healthChecks());
        out.printf(Locale.ROOT, "  output committed   %,d = %,d api + %,d pages%n", s.committedOutput(),
                s.apiOutput(), s.pagesOutput());
        out.printf(Locale.ROOT, "  expected           %,d (every view except health checks, once)%n",
                s.expectedOutput());
        out.printf(Locale.ROOT, "  duplicates         %,d%n", s.duplicates());
        out.printf(Locale.ROOT, "  batches committed  %,d (%,d aborted)%n", s.batches(), s.abortedBatches());
        if (s.failure() != null) {
            out.println("FAILED: " + s.failure());
        }
        out.println(s.exactlyOnce() ? "exactly once: yes" : "exactly once: NO");
    }

    // ---- topics and read-back

    /** Counts the committed records of one output topic and keeps their view ids and a few samples. */
    private record Output(long count, long[] viewIds, List<ConsumerRecord<String, String>> samples) {

        long countDuplicates(BitSet seen) {
            long duplicates = 0;
            for (long id : viewIds) {
                if (seen.get((int) id)) {
                    duplicates++;
                }
                seen.set((int) id);
            }
            return duplicates;
        }
    }

    private static Output readBack(String bootstrap, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "demo-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // the last poll only steps over a transaction marker: do not wait long for it
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, READ_BACK_TIMEOUT)
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_BACK_TIMEOUT);
            long deadline = System.nanoTime() + READ_BACK_TIMEOUT.toNanos();
            long count = 0;
            long[] ids = new long[1024];
            List<ConsumerRecord<String, String>> samples = new ArrayList<>();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + ends
                            + " within " + READ_BACK_TIMEOUT);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    if (count == ids.length) {
                        ids = Arrays.copyOf(ids, ids.length * 2);
                    }
                    ids[(int) count++] = PageView.parse(r.value()).view();
                    if (samples.size() < SAMPLES_PER_TOPIC) {
                        samples.add(r);
                    }
                }
            }
            return new Output(count, Arrays.copyOf(ids, (int) count), samples);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    // ---- process plumbing

    /** Checks {@code stopEarly} every 50 ms for up to {@code limit}; returns whether it became true. */
    private static boolean waitUntil(Duration limit, BooleanSupplier stopEarly) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (stopEarly.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return stopEarly.getAsBoolean();
    }

    /**
     * Ends the program with {@code code}. Exits the JVM only when it must: for a non-zero code, or
     * when threads of this program (a client's or the broker's) are still alive and would keep it
     * running. Under {@code exec:java} the program's threads are those of its own thread group.
     */
    private static void exit(int code) {
        System.out.flush();
        if (code != 0 || !lingeringThreads().isEmpty()) {
            System.exit(code);
        }
    }

    private static List<String> lingeringThreads() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        Thread[] threads = new Thread[group.activeCount() + 16];
        int n = group.enumerate(threads, true);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t != Thread.currentThread() && t.isAlive() && !t.isDaemon()) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
