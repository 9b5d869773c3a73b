package io.eddy.it;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.sketches.Approx;
import io.eddy.sketches.DistinctCount;
import io.eddy.sketches.Sketches;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The pipeline {@link SketchCrashTest} runs in a child JVM and kills: an exactly-once distinct
 * count of users per page and one-minute window (HLL, lgK {@value #LG_K}), emitted FINAL, with a
 * static instance id and a state directory that survives the kills. Prints {@code READY} after
 * {@code start()} and runs until killed.
 *
 * <p>Arguments: bootstrap servers, input topic, output topic, application id, instance id, state
 * directory.
 */
final class SketchCrashMain {
    static final String READY = "READY";
    static final int LG_K = 12;
    static final Duration WINDOW = Duration.ofMinutes(1);

    private SketchCrashMain() {
    }

    public static void main(String[] args) throws Exception {
        EddyApp app = EddyApp.builder(args[3])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .instanceId(args[4])
                .stateDir(Path.of(args[5]))
                .threads(2)
                .maxRecordsPerBatch(1_000)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> Approx.aggregate(
                                p.kafka(args[1], Consumed.with(Serdes.string(), Serdes.string()))
                                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                                        .window(TumblingWindows.of(WINDOW).grace(Duration.ZERO)),
                                Sketches.<String>distinctCount(user -> user, LG_K), Named.as("users-per-page"))
                        .emit(OutputMode.FINAL)
                        .toKafka(args[2], Produced.with(WindowedSerde.of(Serdes.string()), DistinctCount.serde())))
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
