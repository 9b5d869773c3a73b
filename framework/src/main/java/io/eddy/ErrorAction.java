package io.eddy;

import java.util.Objects;

/**
 * The decision of an {@link ErrorHandler}: {@link #FAIL}, {@link #SKIP}, or
 * {@link #deadLetter(String) send the record to a dead-letter topic}. Immutable.
 */
public final class ErrorAction {
    /** Stop the application with an error; the open batch is not committed. */
    public static final ErrorAction FAIL = new ErrorAction("FAIL", null);
    /** Count and log the record, then continue with the next one. */
    public static final ErrorAction SKIP = new ErrorAction("SKIP", null);

    private final String name;
    private final String deadLetterTopic;

    private ErrorAction(String name, String deadLetterTopic) {
        this.name = name;
        this.deadLetterTopic = deadLetterTopic;
    }

    /**
     * Write the failed record's original key, value and headers to {@code topic}, within the
     * batch's transaction, with headers describing the failure ({@code eddy.error.kind},
     * {@code eddy.error.operator}, {@code eddy.error.class}, {@code eddy.error.message},
     * {@code eddy.source.topic}, {@code eddy.source.partition}, {@code eddy.source.offset},
     * {@code eddy.source.timestamp}); count it as skipped and continue.
     */
    public static ErrorAction deadLetter(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("a dead-letter topic name must not be blank, got '" + topic + "'");
        }
        return new ErrorAction("DEAD_LETTER", topic);
    }

    /** The dead-letter topic, or null if this action is not a dead letter. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorAction a && a.name.equals(name) && Objects.equals(a.deadLetterTopic, deadLetterTopic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, deadLetterTopic);
    }

    @Override
    public String toString() {
        return deadLetterTopic == null ? name : name + "(" + deadLetterTopic + ")";
    }
}
