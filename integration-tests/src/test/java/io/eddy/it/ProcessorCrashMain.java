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
 * The pipeline {@link ProcessorCrashTest} runs in a child JVM and kills: {@link SessionProcessor}
 * under exactly-once, with a static instance id and a state directory that survives the kills.
 * Prints {@code READY} after {@code start()} and runs until killed.
 *
 * <p>Arguments: bootstrap servers, input topic, output topic, application id, instance id, state
 * directory, max records per batch.
 */
final class ProcessorCrashMain {
    static final String READY = "READY";

    private ProcessorCrashMain() {
    }

    public static void main(String[] args) throws Exception {
        EddyApp app = EddyApp.builder(args[3])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .instanceId(args[4])
                .stateDir(Path.of(args[5]))
                .threads(2)
                .maxRecordsPerBatch(Integer.parseInt(args[6]))
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> p.kafka(args[1], Consumed.with(Serdes.string(), Serdes.longs()))
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.longs()))
                        .process(SessionProcessor::new, SessionProcessor.STATES, Named.as("sessions"))
                        .toKafka(args[2], Produced.with(Serdes.string(), Serdes.string())))
                .build();
        app.start();
        System.out.println(READY + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        while (!app.awaitTermination(Duration.ofHours(1))) {
            // runs until killed
        }
        System.out.println("FAILED state=" + app.state() + app.failure().map(f -> " failure=" + f).orElse(""));
        System.out.flush();
        System.exit(1);
    }
}
