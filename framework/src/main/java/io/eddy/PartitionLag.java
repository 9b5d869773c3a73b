package io.eddy;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * How far an application's consumer group is behind on one partition it reads (an input or a
 * repartition topic), part of a {@link TaskStatus}.
 *
 * <p>The committed offset is the group's (the next record a new owner would process); the end
 * offset is what a reader of the application's isolation level can read (the last stable offset
 * under exactly-once, the high watermark under at-least-once). Both are read at the moment of
 * the description; records processed in a batch not yet committed still count as lag.
 *
 * <p>A partition written in transactions (a repartition topic under exactly-once, or an input
 * written by a transactional producer) ends with a commit marker, which takes an offset but is no
 * record: a group that has processed everything then shows a lag of 1 there, as Kafka's
 * {@code kafka-consumer-groups} tool does too.
 *
 * <p>An immutable value. Later versions may add accessors. The runtime creates instances with
 * {@link #of}.
 */
public final class PartitionLag {
    private final String topic;
    private final int partition;
    private final long committedOffset;
    private final long endOffset;

    private PartitionLag(String topic, int partition, long committedOffset, long endOffset) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.committedOffset = committedOffset;
        this.endOffset = endOffset;
    }

    /**
     * A partition's lag.
     *
     * @param topic not null
     * @param partition the partition number
     * @param committedOffset the group's committed offset, or a negative number if it has none
     * @param endOffset the partition's end offset
     */
    public static PartitionLag of(String topic, int partition, long committedOffset, long endOffset) {
        return new PartitionLag(topic, partition, committedOffset < 0 ? -1 : committedOffset, endOffset);
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    /** The partition number, which is also the task's id. */
    public int partition() {
        return partition;
    }

    /** The group's committed offset; empty if the group has committed none for this partition. */
    public OptionalLong committedOffset() {
        return committedOffset < 0 ? OptionalLong.empty() : OptionalLong.of(committedOffset);
    }

    /** The partition's end offset for the application's isolation level. */
    public long endOffset() {
        return endOffset;
    }

    /**
     * Records between the committed offset and the end (never negative); empty when nothing is
     * committed (where processing starts then depends on the source's starting offsets).
     */
    public OptionalLong lag() {
        return committedOffset < 0 ? OptionalLong.empty() : OptionalLong.of(Math.max(0, endOffset - committedOffset));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionLag p && topic.equals(p.topic) && partition == p.partition
                && committedOffset == p.committedOffset && endOffset == p.endOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, committedOffset, endOffset);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + " committed " + (committedOffset < 0 ? "-" : committedOffset) + " end "
                + endOffset + " lag " + (committedOffset < 0 ? "-" : lag().getAsLong());
    }
}
