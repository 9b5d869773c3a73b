package io.eddy.internal.plan;

import io.eddy.source.StreamSource;

/**
 * A source outside Kafka in the plan: its name, the user's source, and the names of what the
 * runtime creates for it (records topic, coordination topic, group and transactional id).
 */
public record StreamSourceSpec(String name, StreamSource<?, ?> source, String applicationId) {

    /** {@code <application id>-source-<name>}: the topic the pipeline consumes. */
    public String recordsTopic() {
        return applicationId + "-source-" + name;
    }

    /** {@code <application id>-source-<name>-position}: compacted, one partition, the committed position. */
    public String positionTopic() {
        return recordsTopic() + "-position";
    }

    /** The consumer group whose owner of the position topic's partition reads the source. */
    public String groupId() {
        return recordsTopic();
    }

    /** The transactional id of the source's producer: one per source, so a new owner fences the old. */
    public String transactionalId() {
        return recordsTopic();
    }
}
