package io.eddy.internal.runtime;

import io.eddy.TopicCheckException;
import io.eddy.kafka.internal.TopicAdmin;
import java.util.Map;

/**
 * Turns the topic checks' internal exception into the public {@link TopicCheckException}, so that
 * no internal type leaves {@code EddyApp.start()} or the test driver.
 */
public final class TopicChecks {

    private TopicChecks() {
    }

    /** The public exception with the same message, problem, topics and cause as {@code e}. */
    static TopicCheckException toPublic(TopicAdmin.TopicException e) {
        TopicCheckException.Problem problem = switch (e.kind()) {
            case MISSING -> TopicCheckException.Problem.MISSING;
            case NOT_CO_PARTITIONED -> TopicCheckException.Problem.NOT_CO_PARTITIONED;
            case WRONG_PARTITION_COUNT -> TopicCheckException.Problem.WRONG_PARTITION_COUNT;
            case WRONG_CLEANUP_POLICY -> TopicCheckException.Problem.WRONG_CLEANUP_POLICY;
            case WRONG_RETENTION -> TopicCheckException.Problem.WRONG_RETENTION;
            case NO_ANSWER -> TopicCheckException.Problem.NO_ANSWER;
            case REQUEST_FAILED -> TopicCheckException.Problem.REQUEST_FAILED;
        };
        return new TopicCheckException(problem, e.topics(), e.getMessage(), e.getCause());
    }

    /**
     * {@link TopicAdmin#requireCoPartitioned} with the public exception.
     *
     * @return the common partition count (0 when there are no topics)
     * @throws TopicCheckException naming every topic and its count when they differ
     */
    public static int requireCoPartitioned(Map<String, Integer> counts) {
        try {
            return TopicAdmin.requireCoPartitioned(counts);
        } catch (TopicAdmin.TopicException e) {
            throw toPublic(e);
        }
    }
}
