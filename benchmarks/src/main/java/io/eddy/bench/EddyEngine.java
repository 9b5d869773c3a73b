package io.eddy.bench;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.RestoreProgress;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.StartingOffsets;
import io.eddy.dsl.Table;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.sketches.Approx;
import io.eddy.sketches.DistinctCount;
import io.eddy.sketches.Sketches;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The workloads on Eddy: the workload's guarantee, a time trigger of the commit interval, the
 * run's scratch state directory, defaults otherwise (state memory, store cache, batch limits).
 * W2, W4 and W6 count in the store {@value Workload#COUNT_STORE}; W5, W5b and W8 run W1's pipeline, W8
 * under {@code Trigger.lowLatency} at-least-once. W3 declares
 * the record timestamp as event time with the input's disorder as allowed delay, counts per key in
 * tumbling one-minute windows (no grace) in the store {@value Workload#COUNT_STORE}, and emits
 * {@link OutputMode#FINAL} with {@link WindowedSerde} keys. W10 reads long values, declares the
 * record timestamp as event time with no allowed delay (its input is in order in every partition)
 * and runs {@link EddySessionTotals} with its two value states, named {@value #W10_OPERATOR}. W11 is
 * W3's windowing with a HyperLogLog distinct count of the values ({@code Approx.aggregate}). W9 is the
 * fault suite's pipeline ({@link PipelineInput}): a stream-table join, a {@code groupBy} through a
 * repartition topic, a tumbling one-minute window aggregate emitted {@link OutputMode#FINAL}.
 */
final class EddyEngine implements RunningEngine {
    /** System property of the engine JVM: the per-store read cache in bytes (the harness's --eddy-store-cache-bytes). */
    static final String STORE_CACHE_PROPERTY = "eddy.bench.storeCacheBytes";
    /** System property of the engine JVM: standby replicas (W7, {@link FailoverBenchmark}); default 0. */
    static final String STANDBY_PROPERTY = "eddy.bench.standbyReplicas";
    /** W10's operator: its stores are {@code totals} and {@code totals-timers}. */
    static final String W10_OPERATOR = "totals";
    private final EddyApp app;
    private final Map<String, Long> phases;

    private EddyEngine(EddyApp app, Map<String, Long> phases) {
        this.app = app;
        this.phases = phases;
    }

    static EddyEngine start(EngineSpec spec, RestoreWatch restore) {
        Workload workload = spec.workload();
        EddyApp.Builder builder = EddyApp.builder(spec.applicationId())
                .bootstrapServers(spec.bootstrapServers())
                .threads(spec.threads())
                .guarantee(workload.exactlyOnce() ? Guarantee.EXACTLY_ONCE : Guarantee.AT_LEAST_ONCE)
                .trigger(workload == Workload.W8 ? Trigger.lowLatency(Duration.ofMillis(spec.commitMillis()))
                        : Trigger.every(Duration.ofMillis(spec.commitMillis())))
                .stateDir(spec.stateDir());
        builder.standbyReplicas(Integer.getInteger(STANDBY_PROPERTY, 0));
        Long cacheBytes = Long.getLong(STORE_CACHE_PROPERTY);
        if (cacheBytes != null) {
            builder.storeCacheBytes(cacheBytes);
        }
        Consumed<String, String> input = Consumed.with(Serdes.string(), Serdes.string())
                .withStartingOffsets(StartingOffsets.earliest());
        if (workload == Workload.W10) {
            builder.pipeline(p -> p
                    .kafka(spec.inputTopic(), Consumed.with(Serdes.string(), Serdes.longs())
                            .withStartingOffsets(StartingOffsets.earliest()))
                    .withEventTime(Duration.ZERO)
                    .groupByKey(Grouped.with(Serdes.string(), Serdes.longs()))
                    .process(EddySessionTotals::new, EddySessionTotals.STATES, Named.as(W10_OPERATOR))
                    .toKafka(spec.outputTopic(), Produced.with(Serdes.string(), Serdes.longs())));
        } else if (workload.learning()) {
            io.eddy.learning.Learner<double[], ?> learner = workload == Workload.W12
                    ? io.eddy.learning.GaussianNaiveBayes.learner(4)
                    : io.eddy.learning.StreamingKMeans.learner(io.eddy.learning.StreamingKMeans.Config.of(5, 4)
                            .withHalfLife(10_000));
            io.eddy.learning.OnlineLearning<double[], ?> learning = io.eddy.learning.OnlineLearning
                    .builder(learner, io.eddy.learning.LearningSerdes.doubles()).name("learn")
                    .modelTopic(Workload.modelTopic(spec.outputTopic())).build();
            builder.pipeline(p -> learning.predictThenTrain(p.kafka(spec.inputTopic(), input)
                                    .mapValues(Workload::learningExample), Serdes.string())
                    .toKafka(spec.outputTopic(), Produced.with(Serdes.string(),
                            io.eddy.learning.LearningSerdes.predictions())));
        } else if (workload == Workload.W9) {
            builder.pipeline(p -> {
                Table<String, String> customers = p.table(PipelineInput.TABLE_TOPIC,
                        Consumed.with(Serdes.string(), Serdes.string()), Named.as("customers"));
                p.kafka(spec.inputTopic(), input)
                        .join(customers, PipelineInput::enrich, Named.as("enrich"))
                        .withEventTime(Duration.ofMillis(spec.allowedDelayMillis()))
                        .groupBy((customer, order) -> PipelineInput.regionOf(order),
                                Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-region"))
                        .window(TumblingWindows.of(Duration.ofMillis(PipelineInput.WINDOW_MILLIS)))
                        .aggregate(() -> PipelineInput.Totals.ZERO,
                                (region, order, totals) -> totals.add(PipelineInput.amountOf(order)),
                                PipelineInput.Totals.EDDY_SERDE, Named.as("region-totals"))
                        .emit(OutputMode.FINAL)
                        .toKafka(spec.outputTopic(), Produced.with(WindowedSerde.of(Serdes.string()),
                                PipelineInput.Totals.EDDY_SERDE));
            });
        } else if (workload == Workload.W11) {
            builder.pipeline(p -> Approx.aggregate(p
                                    .kafka(spec.inputTopic(), input)
                                    .withEventTime(Duration.ofMillis(spec.allowedDelayMillis()))
                                    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                                    .window(TumblingWindows.of(Duration.ofMillis(EventTimeInput.WINDOW_MILLIS))),
                            Sketches.<String>distinctCount(v -> v), Named.as(Workload.COUNT_STORE))
                    .emit(OutputMode.FINAL)
                    .toKafka(spec.outputTopic(), Produced.with(WindowedSerde.of(Serdes.string()), DistinctCount.serde())));
        } else if (workload.windowed()) {
            builder.pipeline(p -> p
                    .kafka(spec.inputTopic(), input)
                    .withEventTime(Duration.ofMillis(spec.allowedDelayMillis()))
                    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                    .window(TumblingWindows.of(Duration.ofMillis(EventTimeInput.WINDOW_MILLIS)))
                    .count(Named.as(Workload.COUNT_STORE))
                    .emit(OutputMode.FINAL)
                    .toKafka(spec.outputTopic(), Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())));
        } else if (workload.counts()) {
            builder.pipeline(p -> p
                    .kafka(spec.inputTopic(), input)
                    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                    .count(Named.as(Workload.COUNT_STORE))
                    .toStream()
                    .toKafka(spec.outputTopic(), Produced.with(Serdes.string(), Serdes.longs())));
        } else {
            builder.pipeline(p -> p
                    .kafka(spec.inputTopic(), input)
                    .mapValues(Workload::w1Map)
                    .filter(Workload::w1Keep)
                    .toKafka(spec.outputTopic(), Produced.with(Serdes.string(), Serdes.string())));
        }
        builder.addRestoreListener(progress -> {
            String partition = progress.store() + "-" + progress.task();
            long now = System.currentTimeMillis();
            if (progress.phase() == RestoreProgress.Phase.STARTED) {
                restore.started(partition, now);
            } else if (progress.phase() == RestoreProgress.Phase.DONE) {
                restore.done(partition, progress.restored(), now);
            }
        });
        // where the workers' time went, batch by batch: summed and printed to the log at close
        Map<String, Long> phases = new ConcurrentSkipListMap<>();
        builder.addProgressListener(progress -> {
            progress.durationMs().forEach((phase, ms) -> phases.merge(phase, ms, Long::sum));
            phases.merge("batches", 1L, Long::sum);
            phases.merge("records", progress.records(), Long::sum);
        });
        EddyApp app = builder.build();
        app.start();
        return new EddyEngine(app, phases);
    }

    @Override
    public Optional<Throwable> failure() {
        if (app.state() == AppState.ERROR) {
            return Optional.of(app.failure().orElse(new IllegalStateException("Eddy app in state ERROR")));
        }
        return Optional.empty();
    }

    @Override
    public void close(Duration timeout) {
        System.out.println("EDDY-BENCH-PHASES " + phases);   // milliseconds per batch phase, summed over the run
        app.close(timeout);
    }
}
