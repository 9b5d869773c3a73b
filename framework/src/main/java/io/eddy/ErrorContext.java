package io.eddy;

/**
 * Describes a record that failed, given to the {@link ErrorHandler}.
 *
 * @param kind whether reading the record's bytes or processing it failed
 * @param operator the name of the operator that failed (a source's name for deserialization)
 * @param topic the input record's topic
 * @param partition the input record's partition
 * @param offset the input record's offset
 * @param error what was thrown
 */
public record ErrorContext(Kind kind, String operator, String topic, int partition, long offset, Throwable error) {

    /** Where the failure happened. */
    public enum Kind {
        /** A key or value serde could not read the record's bytes. */
        DESERIALIZATION,
        /** User code (a mapper, predicate, sink, or an output serde) threw. */
        PROCESSING
    }

    /** A one-line description naming operator, topic, partition and offset. */
    public String describe() {
        return String.format("%s failed in operator '%s' on record %s-%d@%d: %s",
                kind == Kind.DESERIALIZATION ? "deserialization" : "processing",
                operator, topic, partition, offset, error);
    }
}
