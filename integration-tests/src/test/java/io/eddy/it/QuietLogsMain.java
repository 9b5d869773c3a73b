package io.eddy.it;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The pipeline {@link QuietLogsTest} runs in a child JVM so that it can read everything the
 * application logs: an exactly-once count per region, grouped through a repartition topic, two
 * workers. The child logs through the test class path's slf4j-simple configuration (WARN and
 * above, to standard error), which {@link io.eddy.testkit.process.ChildJvm} writes to a file.
 *
 * <p>Prints {@value #READY} after {@code start()}, and {@value #CLOSED} {@code stopped=<bool>}
 * when a SIGTERM has closed the application; prints {@code FAILED} and exits with status 1 if the
 * application stops by itself.
 *
 * <p>Arguments: bootstrap servers, input topic, output topic, application id, state directory.
 */
final class QuietLogsMain {
    static final String READY = "READY";
    static final String CLOSED = "CLOSED";

    private QuietLogsMain() {
    }

    public static void main(String[] args) throws Exception {
        EddyApp app = EddyApp.builder(args[3])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .stateDir(Path.of(args[4]))
                .threads(2)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> p.kafka(args[1], Consumed.with(Serdes.string(), Serdes.string()))
                        .groupBy((user, region) -> region, Grouped.with(Serdes.string(), Serdes.string()),
                                Named.as("by-region"))
                        .count(Named.as("per-region"))
                        .toStream()
                        .toKafka(args[2], Produced.with(Serdes.string(), Serdes.longs())))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!app.state().isTerminal()) {
                print(CLOSED + " stopped=" + app.close(Duration.ofSeconds(30)));
            }
        }));
        app.start();
        print(READY + " pid=" + ProcessHandle.current().pid());
        while (!app.awaitTermination(Duration.ofHours(1))) {
            // runs until stopped
        }
        if (app.failure().isPresent()) {
            print("FAILED state=" + app.state() + " failure=" + app.failure().get());
            System.exit(1);
        }
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
