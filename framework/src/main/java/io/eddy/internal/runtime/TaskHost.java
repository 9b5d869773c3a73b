package io.eddy.internal.runtime;

import io.eddy.kafka.internal.RecordSink;
import java.util.Collection;

/**
 * Creates, restores and drops the tasks of one {@link BatchLoop}: the Kafka worker restores stores
 * from changelog topics in the background ({@link KafkaTaskHost}); the test driver restores them
 * from its in-memory topics when it creates them. Called on the loop's thread only. A host whose
 * tasks are complete when created needs only {@link #create}: the other methods default to "no
 * restore under way".
 */
public interface TaskHost {

    /** A new task for partition {@code id} of every input, writing its output to {@code sink}. */
    Task create(int id, RecordSink sink);

    /**
     * Starts bringing the stores of a new task up to date.
     *
     * @return true if the task must not process records until {@link #restoreStep()} reports it done
     */
    default boolean startRestore(Task task) {
        return false;
    }

    /** Whether some task is still restoring. */
    default boolean restoring() {
        return false;
    }

    /** Whether task {@code id} is still restoring. */
    default boolean restoring(int id) {
        return false;
    }

    /**
     * Advances the restores a bounded step (it may wait up to a poll's timeout).
     *
     * @return the tasks whose restore completed in this step
     */
    default Collection<Integer> restoreStep() {
        return java.util.List.of();
    }

    /** Stops restoring {@code task}, if it was, and closes it. */
    default void remove(Task task) {
        task.close();
    }

    /** Stops every restore; the tasks themselves are closed by the caller. */
    default void close() {
    }
}
