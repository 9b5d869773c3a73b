package io.eddy;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one instance of an application is doing now, from {@link EddyApp#status()}: its state, run,
 * workers and their tasks (which restore), the latest restore progress per store and task, the
 * counters, and each worker's last committed batch. Spark's {@code StreamingQueryStatus} and more.
 *
 * <p>An immutable snapshot; later versions may add fields. Created by the runtime with
 * {@link #builder()}; so can a test.
 */
public final class AppStatus {

    /** One worker thread of this instance. */
    public static final class WorkerStatus {
        private final String name;
        private final Set<Integer> tasks;
        private final Set<Integer> restoringTasks;
        private final BatchProgress lastBatch;

        private WorkerStatus(String name, Set<Integer> tasks, Set<Integer> restoringTasks, BatchProgress lastBatch) {
            this.name = Objects.requireNonNull(name, "name");
            this.tasks = Collections.unmodifiableSet(new TreeSet<>(tasks));
            this.restoringTasks = Collections.unmodifiableSet(new TreeSet<>(restoringTasks));
            this.lastBatch = lastBatch;
        }

        /**
         * A worker's status.
         *
         * @param name the worker's name; not null
         * @param tasks the tasks it owns; not null
         * @param restoringTasks those of its tasks restoring their stores; not null
         * @param lastBatch its last committed batch in this run, or null
         */
        public static WorkerStatus of(String name, Set<Integer> tasks, Set<Integer> restoringTasks,
                                      BatchProgress lastBatch) {
            return new WorkerStatus(name, tasks, restoringTasks, lastBatch);
        }

        /** The worker's name, {@code <application id>-<index>}. */
        public String name() {
            return name;
        }

        /** The tasks (partition numbers) the worker owns, sorted; unmodifiable. */
        public Set<Integer> tasks() {
            return tasks;
        }

        /** Those of {@link #tasks()} restoring their stores, sorted; unmodifiable. */
        public Set<Integer> restoringTasks() {
            return restoringTasks;
        }

        /** The worker's last committed batch in this run; empty before its first. */
        public Optional<BatchProgress> lastBatch() {
            return Optional.ofNullable(lastBatch);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WorkerStatus w && name.equals(w.name) && tasks.equals(w.tasks)
                    && restoringTasks.equals(w.restoringTasks) && Objects.equals(lastBatch, w.lastBatch);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, tasks, restoringTasks, lastBatch);
        }

        @Override
        public String toString() {
            return name + " tasks " + tasks + (restoringTasks.isEmpty() ? "" : " restoring " + restoringTasks);
        }
    }

    private final String applicationId;
    private final String runId;
    private final AppState state;
    private final String failure;
    private final Duration triggerInterval;
    private final Instant at;
    private final List<WorkerStatus> workers;
    private final List<RestoreProgress> restores;
    private final AppMetrics metrics;

    private AppStatus(Builder b) {
        this.applicationId = Objects.requireNonNull(b.applicationId, "applicationId");
        this.runId = Objects.requireNonNull(b.runId, "runId");
        this.state = Objects.requireNonNull(b.state, "state");
        this.failure = b.failure;
        this.triggerInterval = Objects.requireNonNull(b.triggerInterval, "triggerInterval");
        this.at = Objects.requireNonNull(b.at, "at");
        this.workers = List.copyOf(b.workers);
        this.restores = List.copyOf(b.restores);
        this.metrics = Objects.requireNonNull(b.metrics, "metrics");
    }

    /** A builder; application id, state, trigger interval, time and metrics are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The application id. */
    public String applicationId() {
        return applicationId;
    }

    /** This run's id, new at each {@link EddyApp#start()}; empty before the start. */
    public String runId() {
        return runId;
    }

    /** The application's state. */
    public AppState state() {
        return state;
    }

    /** The message of the failure that stopped the application, if it failed. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The trigger's interval (zero for availableNow): what a batch's processing time compares with. */
    public Duration triggerInterval() {
        return triggerInterval;
    }

    /** When this snapshot was taken (the application's clock). */
    public Instant at() {
        return at;
    }

    /** This instance's workers, in index order; unmodifiable, empty before start. */
    public List<WorkerStatus> workers() {
        return workers;
    }

    /**
     * The latest restore progress of each store of each task this instance restored in this run
     * (running, or done), by store then task; unmodifiable.
     */
    public List<RestoreProgress> restores() {
        return restores;
    }

    /** Whether any task of this instance is restoring its stores now. */
    public boolean restoring() {
        return workers.stream().anyMatch(w -> !w.restoringTasks().isEmpty());
    }

    /** The counters since start, as {@link EddyApp#metrics()}. */
    public AppMetrics metrics() {
        return metrics;
    }

    /**
     * This status as one JSON object (schema in the README's "Monitoring" section). A worker's last
     * batch is summarised (id, records, commit time); the full batch is in {@code /progress}.
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(512);
        JsonWriter w = new JsonWriter(out);
        w.beginObject();
        w.name("applicationId").value(applicationId);
        w.name("runId").value(runId);
        w.name("state").value(state.name());
        w.name("failure").value(failure);
        w.name("triggerIntervalMs").millis(triggerInterval);
        w.name("at").value(at);
        w.name("restoring").value(restoring());
        w.name("workers").beginArray();
        for (WorkerStatus ws : workers) {
            w.beginObject();
            w.name("name").value(ws.name());
            w.name("tasks").beginArray();
            ws.tasks().forEach(t -> w.value((long) t));
            w.endArray();
            w.name("restoringTasks").beginArray();
            ws.restoringTasks().forEach(t -> w.value((long) t));
            w.endArray();
            w.name("lastBatch");
            if (ws.lastBatch == null) {
                w.raw("null");
            } else {
                BatchProgress p = ws.lastBatch;
                w.beginObject();
                w.name("batchId").value(p.batchId());
                w.name("records").value(p.records());
                w.name("committedAt").value(p.committedAt());
                w.name("taskBatchIds").beginObject();
                p.taskBatchIds().forEach((k, v) -> w.name(String.valueOf(k)).value(v));
                w.endObject();
                w.name("lags").beginObject();
                p.lags().forEach((tp, lag) -> w.name(tp.toString()).value(lag));
                w.endObject();
                w.endObject();
            }
            w.endObject();
        }
        w.endArray();
        w.name("restores").beginArray();
        for (RestoreProgress r : restores) {
            w.beginObject();
            w.name("store").value(r.store());
            w.name("task").value(r.task());
            w.name("phase").value(r.phase().name());
            w.name("restored").value(r.restored());
            w.name("total").value(r.total());
            w.name("recordsPerSecond").value(r.recordsPerSecond());
            w.name("remainingMs").millis(r.remaining());
            w.endObject();
        }
        w.endArray();
        w.name("metrics").beginObject();
        w.name("processedRecords").value(metrics.processedRecords());
        w.name("skippedRecords").value(metrics.skippedRecords());
        w.name("committedBatches").value(metrics.committedBatches());
        w.name("abortedBatches").value(metrics.abortedBatches());
        w.name("retriedBatches").value(metrics.retriedBatches());
        w.name("refusedCommits").value(metrics.refusedCommits());
        w.name("lateRecords").value(metrics.lateRecords());
        w.endObject();
        w.endObject();
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppStatus s && applicationId.equals(s.applicationId) && runId.equals(s.runId)
                && state == s.state && Objects.equals(failure, s.failure) && triggerInterval.equals(s.triggerInterval)
                && at.equals(s.at) && workers.equals(s.workers) && restores.equals(s.restores)
                && metrics.equals(s.metrics);
    }

    @Override
    public int hashCode() {
        return Objects.hash(applicationId, runId, state, failure, triggerInterval, at, workers, restores, metrics);
    }

    @Override
    public String toString() {
        return "AppStatus[" + applicationId + " run " + runId + " " + state + (failure == null ? "" : " (" + failure + ")")
                + ", workers " + workers + ", restores " + restores.size() + "]";
    }

    /** Sets the fields of an {@link AppStatus}. Not thread-safe. */
    public static final class Builder {
        private String applicationId;
        private String runId = "";
        private AppState state;
        private String failure;
        private Duration triggerInterval;
        private Instant at;
        private List<WorkerStatus> workers = List.of();
        private List<RestoreProgress> restores = List.of();
        private AppMetrics metrics;

        private Builder() {
        }

        /** See {@link AppStatus#applicationId()}. */
        public Builder applicationId(String applicationId) {
            this.applicationId = applicationId;
            return this;
        }

        /** See {@link AppStatus#runId()}. */
        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        /** See {@link AppStatus#state()}. */
        public Builder state(AppState state) {
            this.state = state;
            return this;
        }

        /** See {@link AppStatus#failure()}; null for none. */
        public Builder failure(String failure) {
            this.failure = failure;
            return this;
        }

        /** See {@link AppStatus#triggerInterval()}. */
        public Builder triggerInterval(Duration triggerInterval) {
            this.triggerInterval = triggerInterval;
            return this;
        }

        /** See {@link AppStatus#at()}. */
        public Builder at(Instant at) {
            this.at = at;
            return this;
        }

        /** See {@link AppStatus#workers()}; copied. */
        public Builder workers(List<WorkerStatus> workers) {
            this.workers = Objects.requireNonNull(workers, "workers");
            return this;
        }

        /** See {@link AppStatus#restores()}; copied. */
        public Builder restores(List<RestoreProgress> restores) {
            this.restores = Objects.requireNonNull(restores, "restores");
            return this;
        }

        /** See {@link AppStatus#metrics()}. */
        public Builder metrics(AppMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * The status set so far.
         *
         * @throws NullPointerException naming the first required field missing
         */
        public AppStatus build() {
            return new AppStatus(this);
        }
    }
}
