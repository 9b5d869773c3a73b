package io.eddy;

import java.time.Duration;
import java.util.Objects;

/**
 * The progress of restoring one store of one task from its changelog, given to every
 * {@link RestoreListener}.
 *
 * <p>An immutable value: {@code equals}, {@code hashCode} and {@code toString} cover every field.
 * Later versions may add fields; code that reads the accessors it knows keeps working. The
 * runtime creates instances with {@link #builder()}; so can a test of a {@link RestoreListener}.
 *
 * <pre>{@code
 * .addRestoreListener(r -> {
 *     if (r.phase() == RestoreProgress.Phase.DONE) log.info("{} restored {} records", r.store(), r.restored());
 * })
 * }</pre>
 */
public final class RestoreProgress {

    /** The steps a restore reports. */
    public enum Phase { STARTED, RUNNING, DONE }

    private final String store;
    private final int task;
    private final Phase phase;
    private final long restored;
    private final long total;
    private final long startOffset;
    private final double recordsPerSecond;
    private final Duration remaining;

    private RestoreProgress(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.task = b.task;
        this.phase = Objects.requireNonNull(b.phase, "phase");
        this.restored = b.restored;
        this.total = b.total;
        this.startOffset = b.startOffset;
        this.recordsPerSecond = b.recordsPerSecond;
        this.remaining = Objects.requireNonNull(b.remaining, "remaining");
    }

    /** A builder with store and phase still to set (both required), zero counts and no time remaining. */
    public static Builder builder() {
        return new Builder();
    }

    /** The store's name. */
    public String store() {
        return store;
    }

    /** The task (partition) number. */
    public int task() {
        return task;
    }

    /** Started, running or done. */
    public Phase phase() {
        return phase;
    }

    /** Changelog records applied so far in this restore. */
    public long restored() {
        return restored;
    }

    /** Records to apply in this restore (from the store's stored offset to the changelog's end). */
    public long total() {
        return total;
    }

    /** The changelog offset the restore started from (0 for a restore from scratch). */
    public long startOffset() {
        return startOffset;
    }

    /** The rate so far. */
    public double recordsPerSecond() {
        return recordsPerSecond;
    }

    /** The estimated time left ({@link Duration#ZERO} when done or unknown). */
    public Duration remaining() {
        return remaining;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RestoreProgress r
                && store.equals(r.store)
                && task == r.task
                && phase == r.phase
                && restored == r.restored
                && total == r.total
                && startOffset == r.startOffset
                && Double.compare(recordsPerSecond, r.recordsPerSecond) == 0
                && remaining.equals(r.remaining);
    }

    @Override
    public int hashCode() {
        return Objects.hash(store, task, phase, restored, total, startOffset, recordsPerSecond, remaining);
    }

    @Override
    public String toString() {
        return "RestoreProgress[store=" + store + ", task=" + task + ", phase=" + phase + ", restored=" + restored
                + ", total=" + total + ", startOffset=" + startOffset + ", recordsPerSecond=" + recordsPerSecond
                + ", remaining=" + remaining + "]";
    }

    /**
     * Sets the fields of a {@link RestoreProgress}. Store and phase are required; the counts
     * default to zero and {@code remaining} to {@link Duration#ZERO}. Not thread-safe.
     */
    public static final class Builder {
        private String store;
        private int task;
        private Phase phase;
        private long restored;
        private long total;
        private long startOffset;
        private double recordsPerSecond;
        private Duration remaining = Duration.ZERO;

        private Builder() {
        }

        /** See {@link RestoreProgress#store()}. */
        public Builder store(String store) {
            this.store = store;
            return this;
        }

        /** See {@link RestoreProgress#task()}. */
        public Builder task(int task) {
            this.task = task;
            return this;
        }

        /** See {@link RestoreProgress#phase()}. */
        public Builder phase(Phase phase) {
            this.phase = phase;
            return this;
        }

        /** See {@link RestoreProgress#restored()}. */
        public Builder restored(long restored) {
            this.restored = restored;
            return this;
        }

        /** See {@link RestoreProgress#total()}. */
        public Builder total(long total) {
            this.total = total;
            return this;
        }

        /** See {@link RestoreProgress#startOffset()}. */
        public Builder startOffset(long startOffset) {
            this.startOffset = startOffset;
            return this;
        }

        /** See {@link RestoreProgress#recordsPerSecond()}. */
        public Builder recordsPerSecond(double recordsPerSecond) {
            this.recordsPerSecond = recordsPerSecond;
            return this;
        }

        /** See {@link RestoreProgress#remaining()}. */
        public Builder remaining(Duration remaining) {
            this.remaining = remaining;
            return this;
        }

        /**
         * The progress set so far.
         *
         * @throws NullPointerException naming the field if store, phase or remaining is missing
         */
        public RestoreProgress build() {
            return new RestoreProgress(this);
        }
    }
}
