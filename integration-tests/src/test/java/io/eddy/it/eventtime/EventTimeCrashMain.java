package io.eddy.it.eventtime;

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
import java.nio.file.Path;
import java.time.Duration;

/**
 * The event-time pipeline {@link EventTimeCrashTest} runs in child JVMs (and kills one of): event
 * time taken from the value ({@code <group>@<epoch millis>}), grouped by the value's group through
 * a repartition topic, counted per tumbling window and emitted {@code FINAL}, exactly-once, with a
 * static instance id and a state directory that survives kills. It prints {@code READY} after
 * {@code start()}, a {@code LATE <n>} line whenever the count of late records changes, and runs
 * until killed.
 *
 * <p>Arguments: bootstrap servers, input topic, output topic, application id, instance id, state
 * directory, max records per batch, allowed delay, window size and grace (the last three in ms).
 */
final class EventTimeCrashMain {
    static final String READY = "READY";
    static final String LATE = "LATE";

    private EventTimeCrashMain() {
    }

    /** The value of a record of {@code group} at {@code eventTime}. */
    static String value(String group, long eventTime) {
        return group + "@" + eventTime;
    }

    /** The group of a value written by {@link #value}. */
    static String group(String value) {
        return value.substring(0, value.indexOf('@'));
    }

    /** The event time of a value written by {@link #value}. */
    static long eventTime(String value) {
        return Long.parseLong(value.substring(value.indexOf('@') + 1));
    }

    public static void main(String[] args) throws Exception {
        Duration allowedDelay = Duration.ofMillis(Long.parseLong(args[7]));
        TumblingWindows windows = TumblingWindows.of(Duration.ofMillis(Long.parseLong(args[8])))
                .grace(Duration.ofMillis(Long.parseLong(args[9])));
        EddyApp app = EddyApp.builder(args[3])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .instanceId(args[4])
                .stateDir(Path.of(args[5]))
                .threads(2)
                .maxRecordsPerBatch(Integer.parseInt(args[6]))
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> p.kafka(args[1], Consumed.with(Serdes.string(), Serdes.string()))
                        .withEventTime(EventTimeCrashMain::eventTime, allowedDelay)
                        .groupBy((k, v) -> group(v), Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-group"))
                        .window(windows)
                        .count(Named.as("window-counts"))
                        .emit(OutputMode.FINAL)
                        .toKafka(args[2], Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())))
                .build();
        app.start();
        System.out.println(READY + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        long late = 0;
        while (!app.awaitTermination(Duration.ofMillis(500))) {
            long now = app.metrics().lateRecords();
            if (now != late) {
                late = now;
                System.out.println(LATE + " " + late + " " + app.metrics().lateRecordsByOperator());
                System.out.flush();
            }
        }
        System.out.println("FAILED state=" + app.state() + app.failure().map(f -> " failure=" + f).orElse(""));
        System.out.flush();
        System.exit(1);
    }
}
