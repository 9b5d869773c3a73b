package io.eddy.internal.runtime;

import io.eddy.kafka.internal.AssignmentListener;
import io.eddy.kafka.internal.CommitPort;
import io.eddy.kafka.internal.InputPort;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What a {@link Worker} (or the test driver) drives: the micro-batch {@link BatchLoop}, or the
 * record-at-a-time {@link RecordLoop} of the low-latency trigger. One thread owns a loop; it is
 * its input port's {@link AssignmentListener}.
 */
public interface WorkerLoop extends AssignmentListener {

    /** Connects the loop to (new) ports; tasks are created as the input assigns partitions. */
    void attach(InputPort input, CommitPort commit);

    /** One turn: poll, process, commit when due. Returns early when the owner must rejoin. */
    void runOnce();

    /**
     * The test driver's turn: processes every record the input has and commits, cut by the caller
     * instead of a trigger.
     *
     * @return the number of records processed
     * @throws RuntimeException what processing or committing threw; what was processed since the
     *         last commit is then rolled back and its partitions rewound
     */
    long runBatch();

    /** Whether the owner must replace its clients and rejoin (after {@link #dropTasks()}). */
    boolean rejoinNeeded();

    /** Marks the clients unusable: the owner replaces them. */
    void requestRejoin();

    /** Whether records were processed (or state changed) since the last commit. */
    boolean batchOpen();

    /**
     * Commits what was processed since the last commit, waiting for it.
     *
     * @return false if it was aborted instead
     */
    boolean commitBatch();

    /**
     * Discards what was processed since the last commit, as far as it can be.
     *
     * @return the partitions rewound (empty if none)
     */
    Set<TopicPartition> abortBatch(Throwable cause);

    /** Closes every task and stops their restores (commit or abort first). */
    void dropTasks();

    /** The tasks owned now, by id (a read-only view). */
    Map<Integer, Task> tasks();
}
