package io.eddy.it;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.RestoreProgress;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The stateful pipeline {@link StatefulCrashTest} runs in a child JVM and kills: an exactly-once
 * count per item, grouped through a repartition topic, with a static instance id and a state
 * directory that survives the kills. It prints {@code READY} after {@code start()} and one
 * {@code RESTORED store=<s> task=<t> from=<offset> records=<n>} line per completed restore, and
 * runs until killed.
 *
 * <p>Arguments: bootstrap servers, input topic, output topic, application id, instance id, state
 * directory, max records per batch.
 */
final class StatefulCrashMain {
    static final String READY = "READY";
    static final String RESTORED = "RESTORED";

    private StatefulCrashMain() {
    }

    /** The grouping key of input record {@code i}'s value. */
    static String item(long i) {
        return "item-" + (i * 7919 % 1_000);
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
                .addRestoreListener(r -> {
                    if (r.phase() == RestoreProgress.Phase.DONE) {
                        System.out.println(RESTORED + " store=" + r.store() + " task=" + r.task() + " from="
                                + r.startOffset() + " records=" + r.restored());
                        System.out.flush();
                    }
                })
                .pipeline(p -> p.kafka(args[1], Consumed.with(Serdes.string(), Serdes.string()))
                        .groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-item"))
                        .count(Named.as("counts"))
                        .toStream()
                        .toKafka(args[2], Produced.with(Serdes.string(), Serdes.longs())))
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
