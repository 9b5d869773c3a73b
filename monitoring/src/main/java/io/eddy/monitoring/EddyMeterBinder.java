package io.eddy.monitoring;

import io.eddy.AppMetrics;
import io.eddy.AppState;
import io.eddy.AppStatus;
import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.ProgressListener;
import io.eddy.StoreProgress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes an {@link EddyApp}'s progress to Micrometer: counters since start, the last batch's
 * rates, delays and phase durations per worker, lag and end offsets per partition, batch ids and
 * watermark gaps per task, rows per store, late records per operator, restores, and RocksDB's
 * figures. Every meter carries the tag {@code application}; the others, as they apply,
 * {@code worker}, {@code task}, {@code topic}, {@code partition}, {@code operator} (a store's or an
 * event-time operator's name), {@code phase}, {@code property}.
 *
 * <pre>{@code
 * EddyMeterBinder binder = EddyMeterBinder.of(app);
 * binder.bindTo(registry);          // before or after app.start()
 * ...
 * binder.close();                   // stops listening; the meters stay in the registry
 * }</pre>
 *
 * <h2>How it works</h2>
 * Counters and application gauges read {@link EddyApp#metrics()} and {@link EddyApp#status()} when
 * the registry reads them. Per-batch figures come from a progress listener the binder adds to the
 * application ({@link EddyApp#addProgressListener}): on each committed batch (on the worker's
 * thread) it stores the figures in holders the gauges read, registering a gauge the first time a
 * worker, task, partition or store appears, and removing the gauges of partitions a worker no
 * longer owns. The work per batch is a map lookup and a store per figure.
 *
 * <p>Thread-safe. One binder may be bound to several registries.
 */
public final class EddyMeterBinder implements MeterBinder, AutoCloseable {
    static final String PREFIX = "eddy.";

    private final EddyApp app;
    private final String applicationId;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** One holder per meter id (name and tags), shared by the gauges of every registry. */
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    /** Per worker, the partition holders' keys it reported last, to remove gauges of partitions it lost. */
    private final Map<String, Set<String>> partitionKeysByWorker = new ConcurrentHashMap<>();
    private final ProgressListener listener = this::onBatch;
    private volatile boolean listening;

    private EddyMeterBinder(EddyApp app) {
        this.app = app;
        this.applicationId = app.status().applicationId();
    }

    /**
     * A binder for {@code app}, which may or may not be started yet.
     *
     * @throws NullPointerException if {@code app} is null
     */
    public static EddyMeterBinder of(EddyApp app) {
        return new EddyMeterBinder(Objects.requireNonNull(app, "app"));
    }

    /** The value behind one gauge: the latest figure. */
    private static final class Holder {
        final String name;
        final Tags tags;
        final String unit;
        final String description;
        volatile double value = Double.NaN;
        final List<Meter> meters = new CopyOnWriteArrayList<>();

        Holder(String name, Tags tags, String unit, String description) {
            this.name = name;
            this.tags = tags;
            this.unit = unit;
            this.description = description;
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags app = Tags.of("application", applicationId);
        counter(registry, "records.processed", "records consumed in committed batches", app, AppMetrics::processedRecords);
        counter(registry, "records.skipped", "records the error policy skipped", app, AppMetrics::skippedRecords);
        counter(registry, "records.late", "records dropped as late by event-time operators", app,
                AppMetrics::lateRecords);
        counter(registry, "batches.committed", "batches committed", app, AppMetrics::committedBatches);
        counter(registry, "batches.aborted", "batches aborted, to be processed again", app, AppMetrics::abortedBatches);
        counter(registry, "batches.retried", "batches retried after a temporary failure", app,
                AppMetrics::retriedBatches);
        counter(registry, "commits.refused", "commits refused because the group was rebalancing", app,
                AppMetrics::refusedCommits);
        gauge(registry, "app.running", "1 when the application is RUNNING, else 0", app,
                a -> a.state() == AppState.RUNNING ? 1 : 0);
        gauge(registry, "app.failed", "1 when the application stopped on an error, else 0", app,
                a -> a.state() == AppState.ERROR ? 1 : 0);
        gauge(registry, "tasks.owned", "tasks this instance owns", app,
                a -> a.status().workers().stream().mapToInt(w -> w.tasks().size()).sum());
        gauge(registry, "tasks.restoring", "tasks of this instance restoring their stores", app,
                a -> a.status().workers().stream().mapToInt(w -> w.restoringTasks().size()).sum());
        gauge(registry, "restore.remaining.records", "changelog records still to restore in this instance", app,
                a -> remainingRestore(a.status()));
        registries.add(registry);
        for (Holder h : holders.values()) {
            register(registry, h);
        }
        if (!listening) {
            synchronized (this) {
                if (!listening) {
                    this.app.addProgressListener(listener);
                    listening = true;
                }
            }
        }
        onStateFigures();
    }

    /** Stops listening to the application's batches; the meters stay in their registries. */
    @Override
    public void close() {
        app.removeProgressListener(listener);
        listening = false;
    }

    private static long remainingRestore(AppStatus status) {
        return MonitoringServer.restoreBacklog(status);
    }

    private void counter(MeterRegistry registry, String name, String description, Tags tags,
                         ToDoubleFunction<AppMetrics> f) {
        FunctionCounter.builder(PREFIX + name, app, a -> f.applyAsDouble(a.metrics())).description(description)
                .tags(tags).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, Tags tags,
                       ToDoubleFunction<EddyApp> f) {
        Gauge.builder(PREFIX + name, app, f).description(description).tags(tags).register(registry);
    }

    // ---- per batch

    /** Called on a worker's thread for each committed batch; package-private for tests. */
    void onBatch(BatchProgress p) {
        Tags worker = Tags.of("application", applicationId, "worker", p.worker());
        set("batch.records", "records in the worker's last batch", worker, null, p.records());
        set("batch.input.rate", "records per second arriving in the worker's partitions (from end offsets)",
                worker, null, p.inputRecordsPerSecond());
        set("batch.processing.rate", "records per second the worker's last batch processed", worker, null,
                p.recordsPerSecond());
        set("batch.duration", "the worker's last batch, first record to committed", worker, "seconds",
                p.duration().toNanos() / 1e9);
        set("batch.scheduling.delay", "how long the last batch's oldest record waited before the batch started",
                worker, "seconds", p.schedulingDelay().map(EddyMeterBinder::seconds).orElse(Double.NaN));
        set("batch.end.to.end.delay", "from the last batch's oldest record's timestamp to its commit", worker,
                "seconds", p.endToEndDelay().map(EddyMeterBinder::seconds).orElse(Double.NaN));
        set("batch.trigger.interval", "the trigger interval of the worker's last batch (adaptive or fixed)", worker,
                "seconds", p.triggerInterval().map(EddyMeterBinder::seconds).orElse(Double.NaN));
        set("batch.trigger.delay", "how far the worker is behind its trigger's schedule", worker, "seconds",
                p.triggerDelay().map(EddyMeterBinder::seconds).orElse(Double.NaN));
        set("batch.rate.bound", "the input rate backpressure allows the worker (NaN: no bound)", worker, null,
                p.rateBound());
        for (Map.Entry<String, Long> phase : p.durationMs().entrySet()) {
            for (MeterRegistry r : registries) {
                Timer.builder(PREFIX + "batch.phase").description("time per batch phase (poll, process, flush, "
                        + "commit, stateWrite, restore, total)").tags(worker).tag("phase", phase.getKey())
                        .register(r).record(Duration.ofMillis(phase.getValue()));
            }
        }
        p.taskBatchIds().forEach((task, id) -> set("task.batch.id", "the task's durable batch id", worker
                .and("task", String.valueOf(task)), null, id));
        p.watermarkGaps().forEach((task, gap) -> set("task.watermark.gap",
                "commit time minus the task's watermark", worker.and("task", String.valueOf(task)), "seconds",
                seconds(gap)));
        Set<String> partitionKeys = new HashSet<>();
        for (Map.Entry<TopicPartition, Long> e : p.lags().entrySet()) {
            Tags tp = partitionTags(worker, e.getKey());
            partitionKeys.add(set("partition.lag", "records after the position, still to read", tp, "records",
                    e.getValue()));
            Long end = p.endOffsets().get(e.getKey());
            if (end != null) {
                partitionKeys.add(set("partition.end.offset", "the partition's end offset", tp, null, end));
            }
        }
        Set<String> before = partitionKeysByWorker.put(p.worker(), partitionKeys);
        if (before != null) {
            before.removeAll(partitionKeys);
            before.forEach(this::remove);   // partitions the worker no longer owns
        }
        for (StoreProgress s : p.stores().values()) {
            Tags store = worker.and("operator", s.store());
            set("store.rows", "entries in the store (RocksDB's estimate)", store, "rows", s.rowsTotal());
            set("store.memory", "the store's memory: read cache, write-behind, RocksDB memtables and table readers",
                    store, "bytes", s.memoryBytes());
            set("store.disk", "the store's SST files", store, "bytes", s.diskBytes());
            for (MeterRegistry r : registries) {
                Counter.builder(PREFIX + "store.rows.updated").description("keys written or deleted in the store")
                        .tags(store).register(r).increment(s.rowsUpdated());
                Counter.builder(PREFIX + "store.rows.removed").description("keys deleted from the store")
                        .tags(store).register(r).increment(s.rowsRemoved());
            }
        }
        p.sinkRecords().forEach((topic, n) -> {
            for (MeterRegistry r : registries) {
                Counter.builder(PREFIX + "sink.records").description("records sent to the topic (outputs, "
                        + "repartition and dead-letter topics)").tags(worker).tag("topic", topic).register(r).increment(n);
            }
        });
        p.lateRecords().forEach((op, n) -> {
            for (MeterRegistry r : registries) {
                Counter.builder(PREFIX + "operator.records.late").description("records the operator dropped as late")
                        .tags(worker).tag("operator", op).register(r).increment(n);
            }
        });
        onStateFigures();
    }

    private static Tags partitionTags(Tags worker, TopicPartition tp) {
        return worker.and(Tag.of("task", String.valueOf(tp.partition())), Tag.of("topic", tp.topic()),
                Tag.of("partition", String.valueOf(tp.partition())));
    }

    /** RocksDB's figures (memory, cache, estimated keys, ...), one gauge per property. */
    private void onStateFigures() {
        Map<String, Long> figures = app.stateMetrics();
        Tags tags = Tags.of("application", applicationId);
        figures.forEach((property, value) -> set("state", "state store figures of this instance (RocksDB "
                + "properties and statistics, restored records)", tags.and("property", property), null, value));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** Sets the gauge {@code name} with {@code tags} (registering it the first time); returns its key. */
    private String set(String name, String description, Tags tags, String unit, double value) {
        String key = name + tags;
        Holder h = holders.get(key);
        if (h == null) {
            h = holders.computeIfAbsent(key, k -> {
                Holder created = new Holder(PREFIX + name, tags, unit, description);
                registries.forEach(r -> register(r, created));
                return created;
            });
        }
        h.value = value;
        return key;
    }

    private static void register(MeterRegistry registry, Holder h) {
        h.meters.add(Gauge.builder(h.name, h, x -> x.value).description(h.description).baseUnit(h.unit)
                .tags(h.tags).strongReference(true).register(registry));
    }

    private void remove(String key) {
        Holder h = holders.remove(key);
        if (h != null) {
            for (MeterRegistry r : registries) {
                h.meters.forEach(r::remove);
            }
        }
    }
}
