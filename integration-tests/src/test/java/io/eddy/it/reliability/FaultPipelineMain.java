package io.eddy.it.reliability;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.RestoreProgress;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.Table;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One instance of the application {@link FaultInjectionTest} runs three of (and kills, stops,
 * freezes and replaces), in a child JVM. Exactly-once, one worker, dynamic group membership, a
 * short session timeout so that dead and frozen members leave the group quickly.
 *
 * <p>The pipeline: orders (keyed by customer) are joined with the customers table (stream-table
 * join, both keyed by customer), written to {@value #ENRICHED}, and also, with event time from the
 * value, grouped by the customer's region through a repartition topic, summed per region and
 * one-minute tumbling window, and emitted {@code FINAL} to {@value #TOTALS}.
 *
 * <p>Output lines the test reads: {@code READY pid=<pid>} after {@code start()}; {@code LATE <n>}
 * whenever the count of late records changes; {@code RESTORED ...} per completed restore;
 * {@code CLOSED <clean>} after a graceful stop (SIGTERM runs {@code close()}); {@code FAILED ...}
 * if the application stops by itself (then the JVM exits with status 1); with
 * {@code -Deddy.faults.trace=true}, {@code BATCH ...} per committed batch. The Kafka consumer
 * coordinator's and Eddy's INFO lines are on, for rebalance and fencing evidence.
 *
 * <p>Arguments: bootstrap servers, application id, instance name (also the consumer's client id
 * prefix), state directory, allowed delay in ms, session timeout in ms.
 */
final class FaultPipelineMain {
    static final String ORDERS = "fi-orders";
    static final String CUSTOMERS = "fi-customers";
    static final String ENRICHED = "fi-enriched";
    static final String TOTALS = "fi-totals";
    static final String READY = "READY";
    static final String LATE = "LATE";
    static final String CLOSED = "CLOSED";
    /** With {@code -Deddy.faults.trace=true} every committed batch is printed (offsets and watermarks). */
    static final boolean TRACE = Boolean.getBoolean("eddy.faults.trace");

    private FaultPipelineMain() {
    }

    public static void main(String[] args) throws Exception {
        String instance = args[2];
        Duration allowedDelay = Duration.ofMillis(Long.parseLong(args[4]));
        EddyApp app = EddyApp.builder(args[1])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .stateDir(Path.of(args[3]))
                .threads(1)
                .maxRecordsPerBatch(5_000)
                // the default idleTimeout (10 s): a frozen or killed instance stalls the repartition
                // partitions it writes for longer than that, but a stalled partition is not idle
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .consumerOverride("client.id", instance + "-consumer")
                .consumerOverride("session.timeout.ms", Integer.parseInt(args[5]))
                .consumerOverride("heartbeat.interval.ms", Integer.parseInt(args[5]) / 4)
                .addProgressListener(batch -> {
                    if (TRACE) {
                        System.out.println("BATCH " + batch);
                    }
                })
                .addRestoreListener(r -> {
                    if (r.phase() == RestoreProgress.Phase.DONE) {
                        System.out.println("RESTORED store=" + r.store() + " task=" + r.task() + " records="
                                + r.restored());
                    }
                })
                .pipeline(p -> {
                    Table<String, String> customers = p.table(CUSTOMERS,
                            Consumed.with(Serdes.string(), Serdes.string()), Named.as("customers"));
                    RecordStream<String, String> enriched = p.kafka(ORDERS, Consumed.with(Serdes.string(), Serdes.string()))
                            .join(customers, (order, region) -> order + "," + region)
                            .named("enrich");
                    enriched.toKafka(ENRICHED, Produced.with(Serdes.string(), Serdes.string()));
                    enriched.withEventTime(OrderWorkload::eventTimeOf, allowedDelay)
                            .groupBy((customer, v) -> OrderWorkload.regionOf(v),
                                    Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-region"))
                            .window(TumblingWindows.of(Duration.ofMillis(OrderWorkload.WINDOW_MS)))
                            .aggregate(() -> Totals.ZERO, (region, v, t) -> t.add(OrderWorkload.amountOf(v)),
                                    Totals.SERDE, Named.as("region-totals"))
                            .emit(OutputMode.FINAL)
                            .toKafka(TOTALS, Produced.with(WindowedSerde.of(Serdes.string()), Totals.SERDE));
                })
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean clean = app.close(Duration.ofSeconds(30));
            System.out.println(CLOSED + " " + clean + " state=" + app.state());
            System.out.flush();
        }, "graceful-stop"));
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
        if (app.failure().isEmpty()) {
            return;   // a graceful stop: the shutdown hook reports it
        }
        System.out.println("FAILED state=" + app.state() + " failure=" + app.failure().get());
        System.out.flush();
        System.exit(1);
    }
}
