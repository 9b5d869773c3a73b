package io.eddy.it;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.serde.Serdes;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The low-latency pipeline {@link LowLatencyTest} runs in a child JVM and kills: under
 * {@code Trigger.lowLatency(commit interval)}, at-least-once, it copies every input value in upper
 * case to the first output topic and counts the values by key into the second (a table emitting
 * every update). It prints {@code READY} after {@code start()} and runs until killed.
 *
 * <p>Arguments: bootstrap servers, input topic, copy topic, count topic, application id, state
 * directory, commit interval in ms, static instance id (so a restart takes the killed member's place
 * at once).
 */
final class LowLatencyCrashMain {
    static final String READY = "READY";

    private LowLatencyCrashMain() {
    }

    public static void main(String[] args) throws Exception {
        EddyApp app = EddyApp.builder(args[4])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.AT_LEAST_ONCE)
                .trigger(Trigger.lowLatency(Duration.ofMillis(Long.parseLong(args[6]))))
                .stateDir(Path.of(args[5]))
                .instanceId(args[7])
                .threads(2)
                .pipeline(p -> {
                    RecordStream<String, String> in = p.kafka(args[1], Consumed.with(Serdes.string(), Serdes.string()));
                    in.mapValues(v -> v.toUpperCase(java.util.Locale.ROOT))
                            .toKafka(args[2], Produced.with(Serdes.string(), Serdes.string()));
                    in.groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                            .count(Named.as("counts"))
                            .toStream()
                            .toKafka(args[3], Produced.with(Serdes.string(), Serdes.longs()));
                })
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
