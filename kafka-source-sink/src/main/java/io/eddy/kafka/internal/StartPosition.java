package io.eddy.kafka.internal;

/**
 * Where a source starts reading a partition that has no committed offset.
 *
 * @param kind earliest, latest or at a timestamp
 * @param timestampMs for {@link Kind#TIMESTAMP}: the first record at or after this time (epoch ms)
 */
public record StartPosition(Kind kind, long timestampMs) {

    public static final StartPosition EARLIEST = new StartPosition(Kind.EARLIEST, 0);
    public static final StartPosition LATEST = new StartPosition(Kind.LATEST, 0);

    /** The first record with a timestamp at or after {@code timestampMs}, else the end. */
    public static StartPosition at(long timestampMs) {
        return new StartPosition(Kind.TIMESTAMP, timestampMs);
    }

    /** How a start position is given. */
    public enum Kind { EARLIEST, LATEST, TIMESTAMP }
}
