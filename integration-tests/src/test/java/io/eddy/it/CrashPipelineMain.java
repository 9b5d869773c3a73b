package io.eddy.it;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.time.Duration;

/**
 * The pipeline {@link ExactlyOnceUnderCrashTest} runs in a child JVM and kills: an exactly-once
 * {@code mapValues} + {@code filter} from an input topic to an output topic, with a static
 * instance id so that a restarted process takes over the killed one's group membership and
 * transactional ids at once.
 *
 * <p>Arguments, in order: bootstrap servers, input topic, output topic, application id, instance
 * id, worker threads, max records per batch, and the mode:
 * <ul>
 *   <li>{@code continuous}: {@code Trigger.every(100 ms)}; prints {@code READY} after
 *       {@code start()} and runs until the process is killed. If the application fails it prints
 *       {@code FAILED} with the cause and exits with status 1.</li>
 *   <li>{@code available-now}: {@code Trigger.availableNow()}; prints {@code READY} after
 *       {@code start()}, processes the input present at start, prints
 *       {@code DONE state=<state> processed=<n>} and exits with status 0 if the application
 *       ended {@code STOPPED}, 1 otherwise.</li>
 * </ul>
 *
 * <p>What the pipeline does to a record is defined by {@link #transform} and {@link #keep}, which
 * the test also uses to compute the expected output.
 */
final class CrashPipelineMain {

    /** Printed once {@code start()} returned. */
    static final String READY = "READY";
    /** Printed when an available-now run ended. */
    static final String DONE = "DONE";

    private CrashPipelineMain() {
    }

    /** The input value of record number {@code i}. */
    static String inputValue(long i) {
        return "rec-" + i;
    }

    /** The pipeline's {@code mapValues}: deterministic, and different from its input. */
    static String transform(String value) {
        return value.toUpperCase() + "|" + Integer.toHexString(value.hashCode());
    }

    /** The pipeline's {@code filter}, applied to transformed values: drops record numbers ending in 7. */
    static boolean keep(String transformed) {
        int dash = transformed.indexOf('-');
        int bar = transformed.indexOf('|');
        long number = Long.parseLong(transformed.substring(dash + 1, bar));
        return number % 10 != 7;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: CrashPipelineMain <bootstrap> <input> <output> <app id> <instance id>"
                    + " <threads> <max records per batch> continuous|available-now");
            System.exit(2);
        }
        String bootstrap = args[0];
        String input = args[1];
        String output = args[2];
        String applicationId = args[3];
        String instanceId = args[4];
        int threads = Integer.parseInt(args[5]);
        int maxRecordsPerBatch = Integer.parseInt(args[6]);
        boolean availableNow = switch (args[7]) {
            case "continuous" -> false;
            case "available-now" -> true;
            default -> throw new IllegalArgumentException("mode must be continuous or available-now: " + args[7]);
        };

        EddyApp app = EddyApp.builder(applicationId)
                .bootstrapServers(bootstrap)
                .guarantee(Guarantee.EXACTLY_ONCE)
                .instanceId(instanceId)
                .threads(threads)
                .maxRecordsPerBatch(maxRecordsPerBatch)
                .trigger(availableNow ? Trigger.availableNow() : Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                        .mapValues(CrashPipelineMain::transform)
                        .named("transform")
                        .filter((k, v) -> keep(v))
                        .named("keep")
                        .toKafka(output, Produced.with(Serdes.string(), Serdes.string())))
                .build();
        app.start();
        System.out.println(READY + " pid=" + ProcessHandle.current().pid() + " mode=" + args[7]);
        System.out.flush();

        if (availableNow) {
            boolean ended = app.awaitTermination(Duration.ofMinutes(5));
            AppState state = app.state();
            System.out.println(DONE + " state=" + state + " ended=" + ended
                    + " processed=" + app.metrics().processedRecords()
                    + app.failure().map(f -> " failure=" + f).orElse(""));
            System.out.flush();
            app.close(Duration.ofSeconds(10));
            System.exit(ended && state == AppState.STOPPED ? 0 : 1);
        }
        // continuous: the workers only end when the application fails; the test kills this process
        while (!app.awaitTermination(Duration.ofHours(1))) {
            // keep running
        }
        System.out.println("FAILED state=" + app.state() + app.failure().map(f -> " failure=" + f).orElse(""));
        System.out.flush();
        System.exit(1);
    }
}
