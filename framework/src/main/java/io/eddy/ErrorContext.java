package io.eddy;

import java.util.Objects;

/**
 * Describes a record that failed, given to the {@link ErrorHandler} and held by
 * {@link ProcessingFailedException#context()}.
 *
 * <p>An immutable value: {@code equals} and {@code hashCode} cover every field (the error by
 * identity). Later versions may add fields; code that reads the accessors it knows keeps working.
 * The runtime creates instances with {@link #builder()}; so can a test of an {@link ErrorHandler}.
 *
 * <pre>{@code
 * .errorHandler(ctx -> ctx.kind() == ErrorContext.Kind.DESERIALIZATION ? ErrorAction.SKIP : ErrorAction.FAIL)
 * }</pre>
 */
public final class ErrorContext {

    /** Where the failure happened. */
    public enum Kind {
        /** A key or value serde could not read the record's bytes. */
        DESERIALIZATION,
        /** User code (a mapper, predicate, sink, or an output serde) threw. */
        PROCESSING
    }

    private final Kind kind;
    private final String operator;
    private final String topic;
    private final int partition;
    private final long offset;
    private final Throwable error;
    private final String location;

    private ErrorContext(Builder b) {
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.operator = Objects.requireNonNull(b.operator, "operator");
        this.topic = Objects.requireNonNull(b.topic, "topic");
        this.partition = b.partition;
        this.offset = b.offset;
        this.error = Objects.requireNonNull(b.error, "error");
        this.location = b.location;
    }

    /** A builder with every field still to set (kind, operator, topic and error are required). */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether reading the record's bytes or processing it failed. */
    public Kind kind() {
        return kind;
    }

    /** The name of the operator that failed (a source's name for deserialization). */
    public String operator() {
        return operator;
    }

    /** The input record's topic. */
    public String topic() {
        return topic;
    }

    /** The input record's partition. */
    public int partition() {
        return partition;
    }

    /** The input record's offset. */
    public long offset() {
        return offset;
    }

    /** What was thrown. */
    public Throwable error() {
        return error;
    }

    /**
     * Where the input was outside Kafka, for a record of a non-Kafka source (for example
     * {@code "/in/orders-1.csv:17"}, file and line); null for a record read from a Kafka topic.
     */
    public String location() {
        return location;
    }

    /** A one-line description naming operator, topic, partition and offset (or the location outside Kafka). */
    public String describe() {
        if (location != null) {
            return String.format("%s failed in source '%s' at %s: %s",
                    kind == Kind.DESERIALIZATION ? "deserialization" : "processing", operator, location, error);
        }
        return String.format("%s failed in operator '%s' on record %s-%d@%d: %s",
                kind == Kind.DESERIALIZATION ? "deserialization" : "processing",
                operator, topic, partition, offset, error);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorContext c
                && kind == c.kind
                && operator.equals(c.operator)
                && topic.equals(c.topic)
                && partition == c.partition
                && offset == c.offset
                && Objects.equals(location, c.location)
                && error == c.error;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, operator, topic, partition, offset, location, System.identityHashCode(error));
    }

    @Override
    public String toString() {
        return "ErrorContext[" + describe() + "]";
    }

    /**
     * Sets the fields of an {@link ErrorContext}. Kind, operator, topic and error are required;
     * partition and offset default to 0. Not thread-safe.
     */
    public static final class Builder {
        private Kind kind;
        private String operator;
        private String topic;
        private int partition;
        private long offset;
        private Throwable error;
        private String location;

        private Builder() {
        }

        /** See {@link ErrorContext#location()}; null (the default) for a Kafka record. */
        public Builder location(String location) {
            this.location = location;
            return this;
        }

        /** See {@link ErrorContext#kind()}. */
        public Builder kind(Kind kind) {
            this.kind = kind;
            return this;
        }

        /** See {@link ErrorContext#operator()}. */
        public Builder operator(String operator) {
            this.operator = operator;
            return this;
        }

        /** See {@link ErrorContext#topic()}. */
        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /** See {@link ErrorContext#partition()}. */
        public Builder partition(int partition) {
            this.partition = partition;
            return this;
        }

        /** See {@link ErrorContext#offset()}. */
        public Builder offset(long offset) {
            this.offset = offset;
            return this;
        }

        /** See {@link ErrorContext#error()}. */
        public Builder error(Throwable error) {
            this.error = error;
            return this;
        }

        /**
         * The context set so far.
         *
         * @throws NullPointerException naming the field if kind, operator, topic or error is missing
         */
        public ErrorContext build() {
            return new ErrorContext(this);
        }
    }
}
