package io.eddy.dsl;

import java.util.List;
import java.util.Objects;

/**
 * One task's share of one micro-batch, given whole to a {@link BatchWriter}: which application,
 * task and batch it is, and its records in the order they reached the sink. Immutable.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SinkBatch<K, V> {
    private final String applicationId;
    private final TaskBatch id;
    private final List<SinkRecord<K, V>> records;

    private SinkBatch(String applicationId, TaskBatch id, List<SinkRecord<K, V>> records) {
        this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
        this.id = Objects.requireNonNull(id, "id");
        this.records = List.copyOf(records);
    }

    /**
     * A batch, for the runtime and for tests of a writer.
     *
     * @param applicationId the application's id; not null
     * @param id the task and its batch number; not null
     * @param records the records (copied); not null, no null elements
     */
    public static <K, V> SinkBatch<K, V> of(String applicationId, TaskBatch id, List<SinkRecord<K, V>> records) {
        return new SinkBatch<>(applicationId, id, records);
    }

    /** The application's id (its consumer group), so a writer can key what it stores per application. */
    public String applicationId() {
        return applicationId;
    }

    /** The task and its batch number: the same on a replay of this batch (see {@link TaskBatch}). */
    public TaskBatch id() {
        return id;
    }

    /** The task number (the input partition number). */
    public int task() {
        return id.task();
    }

    /** The task's batch number, from 0, stored with its committed offsets. */
    public long batchId() {
        return id.batchId();
    }

    /**
     * The records, in the order they reached the sink; an unmodifiable list, never empty when
     * given to a writer. A null value is a tombstone (a deleted row) when the stream comes from a
     * table.
     */
    public List<SinkRecord<K, V>> records() {
        return records;
    }

    @Override
    public String toString() {
        return "SinkBatch[application=" + applicationId + ", task=" + id.task() + ", batchId=" + id.batchId()
                + ", records=" + records.size() + "]";
    }
}
