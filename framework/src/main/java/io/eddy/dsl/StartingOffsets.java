package io.eddy.dsl;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a source starts reading a partition for which the application's consumer group has no
 * committed offset yet (a new application, or a new partition). Once a batch has committed, the
 * committed offset wins. Immutable.
 */
public final class StartingOffsets {

    /** How the starting position is chosen. */
    public enum Kind { EARLIEST, LATEST, TIMESTAMP }

    private static final StartingOffsets EARLIEST = new StartingOffsets(Kind.EARLIEST, null);
    private static final StartingOffsets LATEST = new StartingOffsets(Kind.LATEST, null);

    private final Kind kind;
    private final Instant timestamp;

    private StartingOffsets(Kind kind, Instant timestamp) {
        this.kind = kind;
        this.timestamp = timestamp;
    }

    /** From the oldest retained record. The default. */
    public static StartingOffsets earliest() {
        return EARLIEST;
    }

    /** From the end: only records written after the application first starts. */
    public static StartingOffsets latest() {
        return LATEST;
    }

    /**
     * From the first record whose timestamp is at or after {@code timestamp}; partitions with no
     * such record start at the end.
     */
    public static StartingOffsets at(Instant timestamp) {
        return new StartingOffsets(Kind.TIMESTAMP, Objects.requireNonNull(timestamp, "timestamp"));
    }

    /** The kind of starting position. */
    public Kind kind() {
        return kind;
    }

    /** The timestamp for {@link Kind#TIMESTAMP}, else null. */
    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public String toString() {
        return kind == Kind.TIMESTAMP ? "StartingOffsets.at(" + timestamp + ")" : "StartingOffsets." + kind.name().toLowerCase();
    }
}
