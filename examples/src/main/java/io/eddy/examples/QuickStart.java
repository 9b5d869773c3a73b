package io.eddy.examples;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.serde.Serdes;
import java.time.Duration;
import java.util.Map;

/**
 * The README's quick start, compiled with the build so the README cannot drift from the API:
 * the demo's pipeline as a long-running service against an existing cluster. The topics
 * {@code page-views}, {@code page-views-api} and {@code page-views-pages} must exist.
 *
 * <pre>
 *   java -cp … io.eddy.examples.QuickStart localhost:9092
 * </pre>
 *
 * Runs until the JVM is stopped; the shutdown hook commits the open batch and leaves the group.
 */
public final class QuickStart {

    private QuickStart() {
    }

    /** Starts the application against {@code args[0]} (default {@code localhost:9092}). */
    public static void main(String[] args) {
        String servers = args.length > 0 ? args[0] : "localhost:9092";
        // --- README quick start: begin
        EddyApp app = EddyApp.builder("page-views-clean")          // the consumer group
                .bootstrapServers(servers)
                .guarantee(Guarantee.EXACTLY_ONCE)                  // the default
                .trigger(Trigger.every(Duration.ofMillis(500)))     // a micro-batch every 500 ms
                .threads(2)                                         // two group members in this process
                .addProgressListener(batch -> System.out.println(batch))
                .pipeline(p -> {
                    Map<String, RecordStream<String, PageView>> kinds = p
                            .kafka("page-views", Consumed.with(Serdes.string(), Serdes.string()))
                            .mapValues(PageView::parse)
                            .filter((user, view) -> !view.isHealthCheck())
                            .mapValues(PageView::normalised)
                            .split()
                            .branch("api", (user, view) -> view.isApiCall())
                            .defaultBranch("pages");
                    kinds.get("api").mapValues(PageView::toOutputJson)
                            .toKafka("page-views-api", Produced.with(Serdes.string(), Serdes.string()));
                    kinds.get("pages").mapValues(PageView::toOutputJson)
                            .toKafka("page-views-pages", Produced.with(Serdes.string(), Serdes.string()));
                })
                .build();
        app.start();                                                // returns; workers run in the background
        Runtime.getRuntime().addShutdownHook(new Thread(() -> app.close(Duration.ofSeconds(30))));
        // --- README quick start: end
        app.awaitTermination(Duration.ofDays(3650));
        app.failure().ifPresent(e -> System.err.println("stopped by an error: " + e));
    }
}
