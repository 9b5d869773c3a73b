package io.eddy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link EddyApp#reset(ResetOptions)} resets an application: where its consumer group's
 * committed input offsets go. The internal topics and the local state directory are always
 * deleted, so the next run rebuilds its state from the inputs it reads.
 *
 * <p>An immutable value; thread-safe. Later versions may add options, as {@code with…} methods
 * returning a copy.
 *
 * <pre>{@code
 * app.reset(ResetOptions.toEarliest());                                  // reprocess everything
 * app.reset(ResetOptions.toTimestamp(Instant.parse("2026-12-01T00:00:00Z")));
 * }</pre>
 */
public final class ResetOptions {

    /** Where the committed offset of every input partition goes. */
    public enum Position {
        /** The partition's first offset still in the log: everything is processed again. */
        EARLIEST,
        /** The partition's end (the last stable offset under exactly-once): only new records are processed. */
        LATEST,
        /**
         * The first offset whose record timestamp is at or after {@link #timestamp()}; the end of
         * the partition when no record is that recent.
         */
        TIMESTAMP
    }

    private final Position position;
    private final Instant timestamp;

    private ResetOptions(Position position, Instant timestamp) {
        this.position = position;
        this.timestamp = timestamp;
    }

    /** Every input partition back to its first offset still in the log. */
    public static ResetOptions toEarliest() {
        return new ResetOptions(Position.EARLIEST, null);
    }

    /** Every input partition to its end: records written before the reset are skipped. */
    public static ResetOptions toLatest() {
        return new ResetOptions(Position.LATEST, null);
    }

    /**
     * Every input partition to the first record with a timestamp at or after {@code timestamp}
     * (the partition's end if there is none).
     *
     * @param timestamp not null
     */
    public static ResetOptions toTimestamp(Instant timestamp) {
        return new ResetOptions(Position.TIMESTAMP, Objects.requireNonNull(timestamp, "timestamp"));
    }

    /** Where the input offsets go; never null. */
    public Position position() {
        return position;
    }

    /** The timestamp of {@link Position#TIMESTAMP}; empty for the other positions. */
    public Optional<Instant> timestamp() {
        return Optional.ofNullable(timestamp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResetOptions other && position == other.position
                && Objects.equals(timestamp, other.timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(position, timestamp);
    }

    @Override
    public String toString() {
        return timestamp == null ? "ResetOptions[" + position + "]" : "ResetOptions[" + position + " " + timestamp + "]";
    }
}
