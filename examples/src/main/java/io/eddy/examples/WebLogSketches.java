package io.eddy.examples;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.sketches.Approx;
import io.eddy.sketches.DistinctCount;
import io.eddy.sketches.FrequentItems;
import io.eddy.sketches.SketchAggregation;
import io.eddy.sketches.Sketches;
import io.eddy.state.Windowed;
import io.eddy.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The book's sysadmin example, with approximate answers: from a web server's access log, the
 * number of unique client addresses per minute (HyperLogLog) and the most requested URLs per minute
 * (frequent items), each written once per minute when the watermark closes the window.
 *
 * <pre>
 *   web-logs → parse → event time (allowed delay 20 s)
 *     → group by URL path → 1-minute windows → HLL of client addresses → FINAL → unique-clients-per-url
 *                                                   ↘ merged on the window start (repartition) → unique-clients
 *     → group by "all"    → 1-minute windows → frequent items of the path → FINAL → top-urls
 * </pre>
 *
 * <p>The global unique-client count is not computed on one task from the raw lines: each URL's
 * task keeps its own sketch, and the FINAL sketches are merged through a repartition on the
 * window start ({@link Approx#merge}). An HLL union has the error bound of one sketch over all the
 * items, so the global count is within 3 × 1.6 % of the truth with 99.7 % confidence (lgK 12).
 *
 * <p>Run it against an embedded broker (replays three minutes of synthetic log, prints the answers):
 * <pre>
 *   mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.WebLogSketches
 * </pre>
 */
public final class WebLogSketches {

    /** The window size. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** How far behind the newest line a line may be and still count. */
    public static final Duration ALLOWED_DELAY = Duration.ofSeconds(20);
    /** How many URLs {@link #topUrls} lists per minute. */
    public static final int TOP = 5;

    private static final Serde<Windowed<String>> WINDOWED = WindowedSerde.of(Serdes.string());
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private WebLogSketches() {
    }

    /**
     * The topics the pipeline reads and writes.
     *
     * @param input        Common Log Format lines, any key
     * @param perUrl       FINAL unique clients per URL and minute: windowed string keys, {@link DistinctCount#serde()}
     * @param uniqueClients unique clients per minute over all URLs: keys the window start (epoch ms,
     *                     {@link Serdes#longs()}), {@link DistinctCount#serde()} values, updated as URLs close
     * @param topUrls      FINAL frequent URLs per minute: windowed key {@code "all"}, {@link FrequentItems#serde()}
     */
    public record Topics(String input, String perUrl, String uniqueClients, String topUrls) {

        /** Validates the names. */
        public Topics {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(perUrl, "perUrl");
            Objects.requireNonNull(uniqueClients, "uniqueClients");
            Objects.requireNonNull(topUrls, "topUrls");
        }

        /** {@code web-logs}, {@code unique-clients-per-url}, {@code unique-clients}, {@code top-urls}. */
        public static Topics defaults() {
            return new Topics("web-logs", "unique-clients-per-url", "unique-clients", "top-urls");
        }
    }

    /**
     * Defines the pipeline on {@code p}. Stateful operators: {@code by-url} and {@code by-minute}
     * (repartitions), {@code clients-per-url} (window store), {@code unique-clients} (the merge),
     * {@code top-urls} (window store).
     */
    public static void pipeline(Pipeline p, Topics topics) {
        RecordStream<String, WebLogLine> lines = p.kafka(topics.input(), Consumed.with(Serdes.string(), Serdes.string()))
                .mapValues(WebLogLine::parse).named("parse")
                .withEventTime(WebLogLine::timestamp, ALLOWED_DELAY);

        SketchAggregation<WebLogLine, DistinctCount> clients = Sketches.distinctCount(WebLogLine::client);
        var perUrl = Approx.aggregate(
                        lines.groupBy((k, line) -> line.path(), Grouped.with(Serdes.string(), WebLogLine.serde()),
                                        Named.as("by-url"))
                                .window(TumblingWindows.of(WINDOW).grace(Duration.ZERO)),
                        clients, Named.as("clients-per-url"))
                .emit(OutputMode.FINAL);
        perUrl.toKafka(topics.perUrl(), Produced.with(WINDOWED, DistinctCount.serde()));
        Approx.merge(perUrl, (window, sketch) -> window.start(), Serdes.longs(), clients, Named.as("unique-clients"))
                .toStream()
                .toKafka(topics.uniqueClients(), Produced.with(Serdes.longs(), DistinctCount.serde()));

        Approx.aggregate(
                        lines.groupBy((k, line) -> "all", Grouped.with(Serdes.string(), WebLogLine.serde()),
                                        Named.as("by-minute"))
                                .window(TumblingWindows.of(WINDOW).grace(Duration.ZERO)),
                        Sketches.<WebLogLine>frequentItems(WebLogLine::path), Named.as("top-urls"))
                .emit(OutputMode.FINAL)
                .toKafka(topics.topUrls(), Produced.with(WINDOWED, FrequentItems.serde()));
    }

    /** Replays three minutes of log into an embedded broker and prints the answers as they are committed. */
    public static void main(String[] args) throws Exception {
        Topics topics = Topics.defaults();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            ExampleSupport.createTopics(bootstrap, 4, topics.input(), topics.perUrl(), topics.uniqueClients(),
                    topics.topUrls());
            Path stateDir = ExampleSupport.temporaryStateDir("eddy-weblog-sketches");
            EddyApp app = EddyApp.builder("eddy-weblog-sketches")
                    .bootstrapServers(bootstrap)
                    .guarantee(Guarantee.EXACTLY_ONCE)
                    .trigger(Trigger.every(Duration.ofMillis(200)))
                    .stateDir(stateDir)
                    .pipeline(p -> pipeline(p, topics))
                    .build();
            Duration span = Duration.ofMinutes(3);
            Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(span);
            WebLogFeed feed = new WebLogFeed(bootstrap, topics.input(), base.toEpochMilli(), span, 10, 500);
            try (ExampleSupport.TopicTail tail = new ExampleSupport.TopicTail(bootstrap, topics.uniqueClients(),
                    topics.topUrls())) {
                app.start();
                feed.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                int topPrinted = 0;
                while (System.nanoTime() < deadline && topPrinted < 3 && !app.state().isTerminal()) {
                    for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(200))) {
                        if (r.topic().equals(topics.topUrls())) {
                            Windowed<String> w = WINDOWED.deserialize(r.topic(), r.key());
                            FrequentItems items = FrequentItems.serde().deserialize(r.topic(), r.value());
                            System.out.printf(Locale.ROOT, "%s top URLs: %s%n", MINUTE.format(Instant.ofEpochMilli(w.start())),
                                    items.top(TOP).stream().map(row -> row.item() + " " + row.estimate()).toList());
                            topPrinted++;
                        } else {
                            long start = Serdes.longs().deserialize(r.topic(), r.key());
                            DistinctCount count = DistinctCount.serde().deserialize(r.topic(), r.value());
                            System.out.printf(Locale.ROOT, "%s unique clients so far: %.0f (99.7 %%: %.0f..%.0f)%n",
                                    MINUTE.format(Instant.ofEpochMilli(start)), count.estimate(), count.lowerBound(3),
                                    count.upperBound(3));
                        }
                    }
                }
            } finally {
                feed.stop();
                app.close(Duration.ofSeconds(30));
                ExampleSupport.deleteRecursively(stateDir);
            }
        }
    }
}
