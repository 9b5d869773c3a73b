package io.eddy;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A snapshot of an application's counters since start, from {@link EddyApp#metrics()}.
 *
 * <p>An immutable value: {@code equals}, {@code hashCode} and {@code toString} cover every
 * counter. Later versions may add counters; code that reads the accessors it knows keeps
 * working. The runtime creates instances with {@link #builder()}; so can a test of code that
 * consumes metrics.
 *
 * <pre>{@code
 * AppMetrics m = app.metrics();
 * if (m.retriedBatches() > 0) { log.warn("temporary failures: {}", m); }
 * }</pre>
 */
public final class AppMetrics {

    private final long processedRecords;
    private final long skippedRecords;
    private final long committedBatches;
    private final long abortedBatches;
    private final long retriedBatches;
    private final long refusedCommits;
    private final long lateRecords;
    private final Map<String, Long> lateRecordsByOperator;

    private AppMetrics(Builder b) {
        this.processedRecords = b.processedRecords;
        this.skippedRecords = b.skippedRecords;
        this.committedBatches = b.committedBatches;
        this.abortedBatches = b.abortedBatches;
        this.retriedBatches = b.retriedBatches;
        this.refusedCommits = b.refusedCommits;
        this.lateRecords = b.lateRecords;
        this.lateRecordsByOperator = Collections.unmodifiableMap(new TreeMap<>(b.lateRecordsByOperator));
    }

    /** A builder whose counters all start at zero. */
    public static Builder builder() {
        return new Builder();
    }

    /** Records consumed in committed batches (skipped ones included). */
    public long processedRecords() {
        return processedRecords;
    }

    /** Records the error policy skipped in committed batches. */
    public long skippedRecords() {
        return skippedRecords;
    }

    /** Batches committed by all workers. */
    public long committedBatches() {
        return committedBatches;
    }

    /** Batches aborted (rebalance, fencing, failure) and to be re-processed. */
    public long abortedBatches() {
        return abortedBatches;
    }

    /**
     * Batches aborted because of a temporary failure (a schema registry that cannot be reached)
     * and retried after a backoff; a growing figure means an outage.
     */
    public long retriedBatches() {
        return retriedBatches;
    }

    /**
     * Commits refused because the worker's group was rebalancing while the batch was open. Each
     * such batch was aborted and runs again once the worker has rejoined; a figure that grows
     * steadily means the group never settles (members joining and leaving, or batches longer
     * than the group's rebalance timeout).
     */
    public long refusedCommits() {
        return refusedCommits;
    }

    /**
     * Records that event-time operators dropped as late (behind the watermark or only in closed
     * windows) in committed batches; late records routed to a side output are not counted.
     */
    public long lateRecords() {
        return lateRecords;
    }

    /** {@link #lateRecords()} per operator name; unmodifiable, sorted by name, never null. */
    public Map<String, Long> lateRecordsByOperator() {
        return lateRecordsByOperator;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppMetrics m
                && processedRecords == m.processedRecords
                && skippedRecords == m.skippedRecords
                && committedBatches == m.committedBatches
                && abortedBatches == m.abortedBatches
                && retriedBatches == m.retriedBatches
                && refusedCommits == m.refusedCommits
                && lateRecords == m.lateRecords
                && lateRecordsByOperator.equals(m.lateRecordsByOperator);
    }

    @Override
    public int hashCode() {
        return Objects.hash(processedRecords, skippedRecords, committedBatches, abortedBatches, retriedBatches,
                refusedCommits, lateRecords, lateRecordsByOperator);
    }

    @Override
    public String toString() {
        return "AppMetrics[processedRecords=" + processedRecords + ", skippedRecords=" + skippedRecords
                + ", committedBatches=" + committedBatches + ", abortedBatches=" + abortedBatches
                + ", retriedBatches=" + retriedBatches + ", refusedCommits=" + refusedCommits
                + ", lateRecords=" + lateRecords
                + ", lateRecordsByOperator=" + lateRecordsByOperator + "]";
    }

    /**
     * Sets the counters of an {@link AppMetrics}; each defaults to zero (the map to empty). Not
     * thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {
        private long processedRecords;
        private long skippedRecords;
        private long committedBatches;
        private long abortedBatches;
        private long retriedBatches;
        private long refusedCommits;
        private long lateRecords;
        private Map<String, Long> lateRecordsByOperator = Map.of();

        private Builder() {
        }

        /** See {@link AppMetrics#processedRecords()}. */
        public Builder processedRecords(long n) {
            this.processedRecords = n;
            return this;
        }

        /** See {@link AppMetrics#skippedRecords()}. */
        public Builder skippedRecords(long n) {
            this.skippedRecords = n;
            return this;
        }

        /** See {@link AppMetrics#committedBatches()}. */
        public Builder committedBatches(long n) {
            this.committedBatches = n;
            return this;
        }

        /** See {@link AppMetrics#abortedBatches()}. */
        public Builder abortedBatches(long n) {
            this.abortedBatches = n;
            return this;
        }

        /** See {@link AppMetrics#refusedCommits()}. */
        public Builder refusedCommits(long n) {
            this.refusedCommits = n;
            return this;
        }

        /** See {@link AppMetrics#retriedBatches()}. */
        public Builder retriedBatches(long n) {
            this.retriedBatches = n;
            return this;
        }

        /** See {@link AppMetrics#lateRecords()}. */
        public Builder lateRecords(long n) {
            this.lateRecords = n;
            return this;
        }

        /**
         * See {@link AppMetrics#lateRecordsByOperator()}; the map is copied when the metrics are
         * built.
         *
         * @throws NullPointerException if {@code byOperator} is null
         */
        public Builder lateRecordsByOperator(Map<String, Long> byOperator) {
            this.lateRecordsByOperator = Objects.requireNonNull(byOperator, "lateRecordsByOperator");
            return this;
        }

        /** The metrics set so far. */
        public AppMetrics build() {
            return new AppMetrics(this);
        }
    }
}
