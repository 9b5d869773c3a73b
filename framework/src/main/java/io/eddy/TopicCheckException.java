package io.eddy;

import java.util.List;
import java.util.Objects;

/**
 * The topics an application needs are not as it needs them, or the broker could not be asked.
 * Thrown by {@link EddyApp#start()} (the application's state is then {@link AppState#ERROR} and
 * {@link EddyApp#failure()} holds the same exception), by {@link EddyApp#reset} and
 * {@link EddyApp#describeGroup} when an input is missing or the broker refuses or does not answer
 * (their {@link #topics()} may then be empty), and by the test kit's driver when its inputs are not
 * co-partitioned.
 *
 * <p>The message names the topics, what they have and what they need, and what to do;
 * {@link #problem()} and {@link #topics()} give the same facts to code.
 *
 * <pre>{@code
 * try {
 *     app.start();
 * } catch (TopicCheckException e) {
 *     if (e.problem() == TopicCheckException.Problem.MISSING) { createTopics(e.topics()); }
 *     else throw e;
 * }
 * }</pre>
 */
public class TopicCheckException extends RuntimeException {

    /** Which check failed. Later versions may add problems. */
    public enum Problem {
        /** A topic the pipeline reads does not exist. */
        MISSING,
        /** The input topics have different partition counts; task {@code p} needs partition {@code p} of each. */
        NOT_CO_PARTITIONED,
        /** An existing internal topic (changelog, repartition) has a partition count other than the inputs'. */
        WRONG_PARTITION_COUNT,
        /** An existing internal topic has the wrong {@code cleanup.policy}. */
        WRONG_CLEANUP_POLICY,
        /**
         * An existing repartition topic has a time or size retention ({@code retention.ms} or
         * {@code retention.bytes} other than -1), so the broker could delete records before the
         * application reads them. The application deletes consumed records itself.
         */
        WRONG_RETENTION,
        /** The broker did not answer within the start timeout. */
        NO_ANSWER,
        /** The broker refused or failed a request (an authorization error, say), or the call was interrupted. */
        REQUEST_FAILED
    }

    private final Problem problem;
    private final List<String> topics;

    /**
     * An exception for {@code problem} with {@code topics}, described by {@code message}.
     *
     * @param problem which check failed; not null
     * @param topics the topics concerned; copied; empty when no topic in particular is
     * @param message names the topics, the problem and what to do
     * @param cause the broker's error, or null
     */
    public TopicCheckException(Problem problem, List<String> topics, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.topics = List.copyOf(topics);
    }

    /** Which check failed; never null. */
    public Problem problem() {
        return problem;
    }

    /** The topics concerned, unmodifiable; empty when no topic in particular is (a listing of all topics failed). */
    public List<String> topics() {
        return topics;
    }
}
