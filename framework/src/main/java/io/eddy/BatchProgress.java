package io.eddy;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * What one committed micro-batch of one worker did. Delivered to every {@link ProgressListener}
 * after the batch's commit succeeded.
 *
 * <p>An immutable value: {@code equals} and {@code hashCode} cover every field. Later versions
 * may add fields; code that reads the accessors it knows keeps working. The runtime creates
 * instances with {@link #builder()}; so can a test of a {@link ProgressListener}.
 *
 * <pre>{@code
 * .addProgressListener(p -> log.info("{} records in batch {}", p.records(), p.batchId()))
 * }</pre>
 */
public final class BatchProgress {

    private final String worker;
    private final long batchId;
    private final Map<TopicPartition, OffsetRange> offsets;
    private final long records;
    private final long skipped;
    private final Duration duration;
    private final Instant committedAt;
    private final Map<Integer, Instant> watermarks;
    private final Map<TopicPartition, Instant> partitionWatermarks;
    private final Map<Integer, String> watermarkHeldBy;
    private final String runId;
    private final Map<Integer, Long> taskBatchIds;
    private final Map<String, Long> durationMs;
    private final double inputRecordsPerSecond;
    private final Duration schedulingDelay;
    private final Duration endToEndDelay;
    private final Map<TopicPartition, Long> endOffsets;
    private final Map<TopicPartition, Long> lags;
    private final Map<String, StoreProgress> stores;
    private final Map<String, Long> lateRecords;
    private final Map<String, Long> sinkRecords;
    private final Map<String, Double> operatorMetrics;
    private final Duration triggerInterval;
    private final Duration triggerDelay;
    private final double rateBound;

    private BatchProgress(Builder b) {
        this.worker = Objects.requireNonNull(b.worker, "worker");
        this.batchId = b.batchId;
        this.offsets = Collections.unmodifiableMap(new LinkedHashMap<>(b.offsets));
        this.records = b.records;
        this.skipped = b.skipped;
        this.duration = Objects.requireNonNull(b.duration, "duration");
        this.committedAt = Objects.requireNonNull(b.committedAt, "committedAt");
        this.watermarks = Collections.unmodifiableMap(new LinkedHashMap<>(b.watermarks));
        this.partitionWatermarks = Collections.unmodifiableMap(new LinkedHashMap<>(b.partitionWatermarks));
        this.watermarkHeldBy = Collections.unmodifiableMap(new LinkedHashMap<>(b.watermarkHeldBy));
        this.runId = Objects.requireNonNull(b.runId, "runId");
        this.taskBatchIds = Collections.unmodifiableMap(new LinkedHashMap<>(b.taskBatchIds));
        this.durationMs = Collections.unmodifiableMap(new LinkedHashMap<>(b.durationMs));
        this.inputRecordsPerSecond = b.inputRecordsPerSecond;
        this.schedulingDelay = b.schedulingDelay;
        this.endToEndDelay = b.endToEndDelay;
        this.endOffsets = Collections.unmodifiableMap(new LinkedHashMap<>(b.endOffsets));
        this.lags = Collections.unmodifiableMap(new LinkedHashMap<>(b.lags));
        this.stores = Collections.unmodifiableMap(new LinkedHashMap<>(b.stores));
        this.lateRecords = Collections.unmodifiableMap(new LinkedHashMap<>(b.lateRecords));
        this.sinkRecords = Collections.unmodifiableMap(new LinkedHashMap<>(b.sinkRecords));
        this.operatorMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(b.operatorMetrics));
        this.triggerInterval = b.triggerInterval;
        this.triggerDelay = b.triggerDelay;
        this.rateBound = b.rateBound;
    }

    /** A builder with no worker, duration or commit time yet (all three required), and zero counts. */
    public static Builder builder() {
        return new Builder();
    }

    /** The worker's name, {@code <application id>-<worker index>}. */
    public String worker() {
        return worker;
    }

    /** The worker's batch sequence number, from 0 at worker start. */
    public long batchId() {
        return batchId;
    }

    /**
     * The offset range consumed from each input partition; unmodifiable, never null, in the order
     * the runtime gave (topic, then partition).
     */
    public Map<TopicPartition, OffsetRange> offsets() {
        return offsets;
    }

    /** Records consumed, skipped ones included. */
    public long records() {
        return records;
    }

    /** Records the error policy skipped. */
    public long skipped() {
        return skipped;
    }

    /** From the batch's first record to the end of its commit. */
    public Duration duration() {
        return duration;
    }

    /** When the commit finished. */
    public Instant committedAt() {
        return committedAt;
    }

    /**
     * Per task of the batch that tracks event time, its watermark after the batch; unmodifiable,
     * never null, empty when the pipeline has no event-time operator. A task whose watermark has
     * not started yet maps to {@link Instant#MIN}.
     */
    public Map<Integer, Instant> watermarks() {
        return watermarks;
    }

    /**
     * Per input partition of the tasks in {@link #watermarks()}, the watermark that partition alone
     * allows after the batch: for a partition read from outside, its largest event time minus the
     * allowed delay; for a partition of a repartition topic, the lowest watermark its upstream tasks
     * reported. A task's watermark is the minimum over its partitions that are not idle (see the
     * README's "Event time"). Unmodifiable, never null, ordered by topic then partition; a partition
     * with nothing yet maps to {@link Instant#MIN}, a repartition partition whose upstream tasks are
     * all idle and empty to {@link Instant#MAX}.
     */
    public Map<TopicPartition, Instant> partitionWatermarks() {
        return partitionWatermarks;
    }

    /**
     * Per task in {@link #watermarks()}, what holds its watermark back, in words: the input
     * partition's topic (e.g. {@code "clicks"}, the task's partition of it), or a repartition topic and
     * the upstream task whose report is lowest (e.g. {@code "app-by-url-repartition: upstream task 3"}),
     * or that every input partition is idle and the watermark follows the clock. Unmodifiable, never
     * null; for people and logs, not for parsing.
     */
    public Map<Integer, String> watermarkHeldBy() {
        return watermarkHeldBy;
    }

    /**
     * The run of the application this batch belongs to: a new random id each time
     * {@link EddyApp#start()} is called (empty in the test driver). Batch ids go on across runs; the
     * run id tells restarts apart.
     */
    public String runId() {
        return runId;
    }

    /**
     * Per task (partition number) in the batch, the task's own batch id: durable across restarts
     * and rebalances (stored with the committed offsets), the id a sink deduplicating by
     * {@code (task, batchId)} sees. Unmodifiable, never null, ordered by task.
     */
    public Map<Integer, Long> taskBatchIds() {
        return taskBatchIds;
    }

    /**
     * Where the batch's time went, in milliseconds of the application's clock, by phase:
     * <ul>
     *   <li>{@code poll}: waiting in the input's poll since the previous batch committed;</li>
     *   <li>{@code process}: running the operators over the batch's records;</li>
     *   <li>{@code flush}: completing the batch in the tasks (tables emit, sinks flush, state changes
     *       sent to the changelogs);</li>
     *   <li>{@code commit}: committing the output and the offsets (the transaction, or the offset commit);</li>
     *   <li>{@code stateWrite}: applying the committed changes to the stores;</li>
     *   <li>{@code restore}: restoring stores of other tasks between the batch's polls;</li>
     *   <li>{@code total}: from the batch's first record to the end of {@code stateWrite}
     *       (the same as {@link #duration()}).</li>
     * </ul>
     * Millisecond resolution: a short phase shows as 0. Unmodifiable, never null; the keys above
     * are always present in progress the runtime creates.
     */
    public Map<String, Long> durationMs() {
        return durationMs;
    }

    /**
     * Records per second arriving in the worker's input partitions, from the growth of their end
     * offsets since the previous batch of this worker; {@link Double#NaN} for a worker's first
     * batch or when the end offsets are not known. Compare with {@link #recordsPerSecond()}: a
     * processing rate that stays below the input rate makes the lag grow.
     */
    public double inputRecordsPerSecond() {
        return inputRecordsPerSecond;
    }

    /**
     * How long the batch's oldest record waited before the batch started: its start minus the
     * record's timestamp (create or append time, as the topic keeps it). Empty for a batch without
     * records (timers only) or records without timestamps. Negative when producers' clocks run ahead.
     */
    public java.util.Optional<Duration> schedulingDelay() {
        return java.util.Optional.ofNullable(schedulingDelay);
    }

    /**
     * From the batch's oldest record's timestamp to the end of the commit: the longest a record of
     * this batch took from its producer to committed output. Empty as for {@link #schedulingDelay()}.
     */
    public java.util.Optional<Duration> endToEndDelay() {
        return java.util.Optional.ofNullable(endToEndDelay);
    }

    /**
     * The trigger interval this batch was cut with: the trigger's own, or the one the adaptive
     * interval of {@link FlowControl#withAdaptiveInterval} chose for it. Empty when not reported
     * (a progress built by hand).
     */
    public java.util.Optional<Duration> triggerInterval() {
        return java.util.Optional.ofNullable(triggerInterval);
    }

    /**
     * How far the worker is behind its trigger's schedule after this batch: the time by which its
     * batches' processing ran past their trigger interval, summed since the worker last had time
     * to spare (time spent waiting in polls makes up for as much), as with a fixed-rate
     * trigger whose batches queue up (Spark's scheduling delay). Zero while processing keeps up
     * with the trigger; it grows batch after batch when each batch holds more than its interval
     * can process. Unlike {@link #schedulingDelay()} it does not include how long records waited
     * in Kafka, which no flow control can bound when input outruns processing for good: this is
     * the delay backpressure ({@link FlowControl#withBackpressure}) holds down. Empty when not
     * reported (a progress built by hand).
     */
    public java.util.Optional<Duration> triggerDelay() {
        return java.util.Optional.ofNullable(triggerDelay);
    }

    /**
     * The input rate, in records per second, that backpressure allowed this worker's source
     * partitions when the batch ended (see {@link FlowControl#withBackpressure});
     * {@link Double#NaN} when no bound is in force (backpressure off, or processing keeping up).
     * Fixed rate limits are not reported here: they are the configured values.
     */
    public double rateBound() {
        return rateBound;
    }

    /**
     * Per input partition the worker owns (not only those in the batch), its end offset as the
     * input last saw it (for a {@code read_committed} consumer, the last stable offset). Partitions
     * whose end is unknown (no fetch yet) are left out. Unmodifiable, never null, by topic then partition.
     */
    public Map<TopicPartition, Long> endOffsets() {
        return endOffsets;
    }

    /**
     * Per input partition in {@link #endOffsets()}, the records after its position after the
     * batch: what is still to read. Unmodifiable, never null, by topic then partition.
     */
    public Map<TopicPartition, Long> lags() {
        return lags;
    }

    /**
     * Per state store of the pipeline, summed over the worker's tasks that are not restoring.
     * Unmodifiable, never null (empty for a stateless pipeline), ordered by store name.
     */
    public Map<String, StoreProgress> stores() {
        return stores;
    }

    /**
     * Per event-time operator that dropped late records in this batch, how many. Unmodifiable,
     * never null, by operator name.
     */
    public Map<String, Long> lateRecords() {
        return lateRecords;
    }

    /**
     * Records the batch sent, per topic: outputs, repartition topics and dead-letter topics (the
     * runtime's own control records and changelog records not included). Unmodifiable, never null,
     * by topic.
     */
    public Map<String, Long> sinkRecords() {
        return sinkRecords;
    }

    /**
     * Figures that operators reported in this batch, by {@code <operator name>.<metric name>}: the
     * last value each reported (for instance the running accuracy of a {@code predictThenTrain}).
     * Processors report them with {@link io.eddy.processor.OutputContext#reportMetric}; when
     * several tasks of the worker report the same name in one batch, one of their values is kept
     * (name the metric per shard or partition if they differ). Unmodifiable, never null (empty when no operator reported), by name.
     */
    public Map<String, Double> operatorMetrics() {
        return operatorMetrics;
    }

    /**
     * Per task in {@link #watermarks()} with a watermark, how far the watermark is behind the
     * commit time ({@link #committedAt()} minus the watermark): how much event time the task holds
     * open. Negative when event time runs ahead of the clock. Unmodifiable, by task.
     */
    public Map<Integer, Duration> watermarkGaps() {
        Map<Integer, Duration> gaps = new LinkedHashMap<>();
        watermarks.forEach((task, w) -> {
            if (!w.equals(Instant.MIN) && !w.equals(Instant.MAX)) {
                gaps.put(task, Duration.between(w, committedAt));
            }
        });
        return Collections.unmodifiableMap(gaps);
    }

    /** A builder holding every field of this progress, to derive a changed copy. */
    public Builder toBuilder() {
        return builder().worker(worker).batchId(batchId).offsets(offsets).records(records).skipped(skipped)
                .duration(duration).committedAt(committedAt).watermarks(watermarks)
                .partitionWatermarks(partitionWatermarks).watermarkHeldBy(watermarkHeldBy).runId(runId)
                .taskBatchIds(taskBatchIds).durationMs(durationMs).inputRecordsPerSecond(inputRecordsPerSecond)
                .schedulingDelay(schedulingDelay).endToEndDelay(endToEndDelay).endOffsets(endOffsets).lags(lags)
                .stores(stores).lateRecords(lateRecords).sinkRecords(sinkRecords).operatorMetrics(operatorMetrics)
                .triggerInterval(triggerInterval).triggerDelay(triggerDelay).rateBound(rateBound);
    }

    /**
     * This progress as one JSON object; the schema is in the README's "Monitoring" section. Times
     * are ISO-8601 strings, durations and delays numbers of milliseconds, rates numbers of records
     * per second; a missing figure (an unknown rate, a delay of a batch without records, a
     * watermark not started) is {@code null}. Partitions appear as {@code "topic-partition"} keys.
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(512);
        writeJson(new JsonWriter(out));
        return out.toString();
    }

    void writeJson(JsonWriter w) {
        w.beginObject();
        w.name("worker").value(worker);
        w.name("runId").value(runId);
        w.name("batchId").value(batchId);
        w.name("committedAt").value(committedAt);
        w.name("records").value(records);
        w.name("skipped").value(skipped);
        w.name("inputRecordsPerSecond").value(inputRecordsPerSecond);
        w.name("processedRecordsPerSecond").value(recordsPerSecond());
        w.name("durationMs").beginObject();
        durationMs.forEach((k, v) -> w.name(k).value(v));
        w.endObject();
        w.name("schedulingDelayMs").millis(schedulingDelay);
        w.name("endToEndDelayMs").millis(endToEndDelay);
        w.name("triggerIntervalMs").millis(triggerInterval);
        w.name("triggerDelayMs").millis(triggerDelay);
        w.name("rateBound").value(rateBound);
        w.name("taskBatchIds").beginObject();
        taskBatchIds.forEach((k, v) -> w.name(String.valueOf(k)).value(v));
        w.endObject();
        w.name("partitions").beginArray();
        java.util.Set<TopicPartition> all = new java.util.TreeSet<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        all.addAll(offsets.keySet());
        all.addAll(endOffsets.keySet());
        for (TopicPartition tp : all) {
            w.beginObject();
            w.name("topic").value(tp.topic());
            w.name("partition").value(tp.partition());
            OffsetRange range = offsets.get(tp);
            if (range != null) {
                w.name("startOffset").value(range.first());
                w.name("endOffset").value(range.last() + 1);
            } else {
                w.name("startOffset").value((String) null);
                w.name("endOffset").value((String) null);
            }
            Long end = endOffsets.get(tp);
            w.name("latestOffset").raw(end == null ? "null" : end.toString());
            Long lag = lags.get(tp);
            w.name("lag").raw(lag == null ? "null" : lag.toString());
            w.name("watermark").value(partitionWatermarks.get(tp));
            w.endObject();
        }
        w.endArray();
        w.name("watermarks").beginArray();
        Map<Integer, Duration> gaps = watermarkGaps();
        watermarks.forEach((task, wm) -> {
            w.beginObject();
            w.name("task").value(task);
            w.name("watermark").value(wm);
            w.name("gapMs").millis(gaps.get(task));
            w.name("heldBy").value(watermarkHeldBy.get(task));
            w.endObject();
        });
        w.endArray();
        w.name("stores").beginArray();
        stores.values().forEach(s -> {
            w.beginObject();
            w.name("store").value(s.store());
            w.name("rowsTotal").value(s.rowsTotal());
            w.name("rowsUpdated").value(s.rowsUpdated());
            w.name("rowsRemoved").value(s.rowsRemoved());
            w.name("memoryBytes").value(s.memoryBytes());
            w.name("diskBytes").value(s.diskBytes());
            w.endObject();
        });
        w.endArray();
        w.name("lateRecords").beginObject();
        lateRecords.forEach((k, v) -> w.name(k).value(v));
        w.endObject();
        w.name("sinkRecords").beginObject();
        sinkRecords.forEach((k, v) -> w.name(k).value(v));
        w.endObject();
        w.name("operatorMetrics").beginObject();
        operatorMetrics.forEach((k, v) -> w.name(k).raw(Double.isFinite(v) ? Double.toString(v) : "null"));
        w.endObject();
        w.endObject();
    }

    /**
     * Records per second over the batch's duration: the processing rate (Spark's
     * {@code processedRowsPerSecond}).
     */
    public double recordsPerSecond() {
        long nanos = Math.max(1, duration.toNanos());
        return records * 1e9 / nanos;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchProgress p
                && worker.equals(p.worker)
                && batchId == p.batchId
                && offsets.equals(p.offsets)
                && records == p.records
                && skipped == p.skipped
                && duration.equals(p.duration)
                && committedAt.equals(p.committedAt)
                && watermarks.equals(p.watermarks)
                && partitionWatermarks.equals(p.partitionWatermarks)
                && watermarkHeldBy.equals(p.watermarkHeldBy)
                && runId.equals(p.runId)
                && taskBatchIds.equals(p.taskBatchIds)
                && durationMs.equals(p.durationMs)
                && Double.compare(inputRecordsPerSecond, p.inputRecordsPerSecond) == 0
                && Objects.equals(schedulingDelay, p.schedulingDelay)
                && Objects.equals(endToEndDelay, p.endToEndDelay)
                && endOffsets.equals(p.endOffsets)
                && lags.equals(p.lags)
                && stores.equals(p.stores)
                && lateRecords.equals(p.lateRecords)
                && sinkRecords.equals(p.sinkRecords)
                && operatorMetrics.equals(p.operatorMetrics)

                && Objects.equals(triggerInterval, p.triggerInterval)
                && Objects.equals(triggerDelay, p.triggerDelay)
                && Double.compare(rateBound, p.rateBound) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(worker, batchId, offsets, records, skipped, duration, committedAt, watermarks,
                partitionWatermarks, watermarkHeldBy, runId, taskBatchIds, durationMs, inputRecordsPerSecond,
                schedulingDelay, endToEndDelay, endOffsets, lags, stores, lateRecords, sinkRecords, operatorMetrics,
                triggerInterval, triggerDelay, rateBound);
    }

    /** One line: worker, batch, counts, duration, rate, offsets and watermarks. */
    @Override
    public String toString() {
        return String.format("%s batch %d: %d records (%d skipped) in %d ms, %.0f records/s, %s%s",
                worker, batchId, records, skipped, duration.toMillis(), recordsPerSecond(), offsets,
                watermarks.isEmpty() ? "" : ", watermarks " + watermarks + " held by " + watermarkHeldBy);
    }

    /**
     * Sets the fields of a {@link BatchProgress}. {@link #worker}, {@link #duration} and
     * {@link #committedAt} are required; the counts default to zero and the maps to empty. Maps are
     * copied (keeping their iteration order) when the progress is built. Not thread-safe.
     */
    public static final class Builder {
        private String worker;
        private long batchId;
        private Map<TopicPartition, OffsetRange> offsets = Map.of();
        private long records;
        private long skipped;
        private Duration duration;
        private Instant committedAt;
        private Map<Integer, Instant> watermarks = Map.of();
        private Map<TopicPartition, Instant> partitionWatermarks = Map.of();
        private Map<Integer, String> watermarkHeldBy = Map.of();
        private String runId = "";
        private Map<Integer, Long> taskBatchIds = Map.of();
        private Map<String, Long> durationMs = Map.of();
        private double inputRecordsPerSecond = Double.NaN;
        private Duration schedulingDelay;
        private Duration endToEndDelay;
        private Map<TopicPartition, Long> endOffsets = Map.of();
        private Map<TopicPartition, Long> lags = Map.of();
        private Map<String, StoreProgress> stores = Map.of();
        private Map<String, Long> lateRecords = Map.of();
        private Map<String, Long> sinkRecords = Map.of();
        private Map<String, Double> operatorMetrics = Map.of();
        private Duration triggerInterval;
        private Duration triggerDelay;
        private double rateBound = Double.NaN;

        private Builder() {
        }

        /** See {@link BatchProgress#triggerInterval()}; null for none (the default). */
        public Builder triggerInterval(Duration interval) {
            this.triggerInterval = interval;
            return this;
        }

        /** See {@link BatchProgress#triggerDelay()}; null for none (the default). */
        public Builder triggerDelay(Duration delay) {
            this.triggerDelay = delay;
            return this;
        }

        /** See {@link BatchProgress#rateBound()}; default {@link Double#NaN} (no bound). */
        public Builder rateBound(double recordsPerSecond) {
            this.rateBound = recordsPerSecond;
            return this;
        }

        /** See {@link BatchProgress#sinkRecords()}. @throws NullPointerException if null */
        public Builder sinkRecords(Map<String, Long> sinkRecords) {
            this.sinkRecords = Objects.requireNonNull(sinkRecords, "sinkRecords");
            return this;
        }

        /** See {@link BatchProgress#runId()}; default empty. @throws NullPointerException if null */
        public Builder runId(String runId) {
            this.runId = Objects.requireNonNull(runId, "runId");
            return this;
        }

        /** See {@link BatchProgress#taskBatchIds()}. @throws NullPointerException if null */
        public Builder taskBatchIds(Map<Integer, Long> taskBatchIds) {
            this.taskBatchIds = Objects.requireNonNull(taskBatchIds, "taskBatchIds");
            return this;
        }

        /** See {@link BatchProgress#durationMs()}. @throws NullPointerException if null */
        public Builder durationMs(Map<String, Long> durationMs) {
            this.durationMs = Objects.requireNonNull(durationMs, "durationMs");
            return this;
        }

        /** See {@link BatchProgress#inputRecordsPerSecond()}; default {@link Double#NaN}. */
        public Builder inputRecordsPerSecond(double rate) {
            this.inputRecordsPerSecond = rate;
            return this;
        }

        /** See {@link BatchProgress#schedulingDelay()}; null for none (the default). */
        public Builder schedulingDelay(Duration delay) {
            this.schedulingDelay = delay;
            return this;
        }

        /** See {@link BatchProgress#endToEndDelay()}; null for none (the default). */
        public Builder endToEndDelay(Duration delay) {
            this.endToEndDelay = delay;
            return this;
        }

        /** See {@link BatchProgress#endOffsets()}. @throws NullPointerException if null */
        public Builder endOffsets(Map<TopicPartition, Long> endOffsets) {
            this.endOffsets = Objects.requireNonNull(endOffsets, "endOffsets");
            return this;
        }

        /** See {@link BatchProgress#lags()}. @throws NullPointerException if null */
        public Builder lags(Map<TopicPartition, Long> lags) {
            this.lags = Objects.requireNonNull(lags, "lags");
            return this;
        }

        /** See {@link BatchProgress#stores()}. @throws NullPointerException if null */
        public Builder stores(Map<String, StoreProgress> stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** See {@link BatchProgress#operatorMetrics()}. @throws NullPointerException if null */
        public Builder operatorMetrics(Map<String, Double> operatorMetrics) {
            this.operatorMetrics = Objects.requireNonNull(operatorMetrics, "operatorMetrics");
            return this;
        }

        /** See {@link BatchProgress#lateRecords()}. @throws NullPointerException if null */
        public Builder lateRecords(Map<String, Long> lateRecords) {
            this.lateRecords = Objects.requireNonNull(lateRecords, "lateRecords");
            return this;
        }

        /** See {@link BatchProgress#worker()}. */
        public Builder worker(String worker) {
            this.worker = worker;
            return this;
        }

        /** See {@link BatchProgress#batchId()}. */
        public Builder batchId(long batchId) {
            this.batchId = batchId;
            return this;
        }

        /**
         * See {@link BatchProgress#offsets()}.
         *
         * @throws NullPointerException if {@code offsets} is null
         */
        public Builder offsets(Map<TopicPartition, OffsetRange> offsets) {
            this.offsets = Objects.requireNonNull(offsets, "offsets");
            return this;
        }

        /** See {@link BatchProgress#records()}. */
        public Builder records(long records) {
            this.records = records;
            return this;
        }

        /** See {@link BatchProgress#skipped()}. */
        public Builder skipped(long skipped) {
            this.skipped = skipped;
            return this;
        }

        /** See {@link BatchProgress#duration()}. */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** See {@link BatchProgress#committedAt()}. */
        public Builder committedAt(Instant committedAt) {
            this.committedAt = committedAt;
            return this;
        }

        /**
         * See {@link BatchProgress#watermarks()}.
         *
         * @throws NullPointerException if {@code watermarks} is null
         */
        public Builder watermarks(Map<Integer, Instant> watermarks) {
            this.watermarks = Objects.requireNonNull(watermarks, "watermarks");
            return this;
        }

        /**
         * See {@link BatchProgress#partitionWatermarks()}.
         *
         * @throws NullPointerException if {@code partitionWatermarks} is null
         */
        public Builder partitionWatermarks(Map<TopicPartition, Instant> partitionWatermarks) {
            this.partitionWatermarks = Objects.requireNonNull(partitionWatermarks, "partitionWatermarks");
            return this;
        }

        /**
         * See {@link BatchProgress#watermarkHeldBy()}.
         *
         * @throws NullPointerException if {@code watermarkHeldBy} is null
         */
        public Builder watermarkHeldBy(Map<Integer, String> watermarkHeldBy) {
            this.watermarkHeldBy = Objects.requireNonNull(watermarkHeldBy, "watermarkHeldBy");
            return this;
        }

        /**
         * The progress set so far.
         *
         * @throws NullPointerException naming the field if worker, duration or committedAt is missing
         */
        public BatchProgress build() {
            return new BatchProgress(this);
        }
    }
}
