package io.eddy;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One task of a running application as {@link EddyApp#describeGroup()} sees it: task {@code p}
 * is partition {@code p} of every input (and repartition) topic, with its lag per partition and,
 * where known, whether it is restoring its stores or processing.
 *
 * <p>An immutable value. Later versions may add accessors. The runtime creates instances with
 * {@link #of}.
 */
public final class TaskStatus {

    /** What a task is doing. Later versions may add phases. */
    public enum Phase {
        /** Its stores are catching up with their changelogs; it processes no records yet. */
        RESTORING,
        /** It processes records. */
        RUNNING,
        /**
         * Not known to the process that asked: only a member knows whether its own tasks are
         * restoring, so the tasks of members in other processes, and tasks no member owns, are
         * reported so.
         */
        UNKNOWN
    }

    private final int task;
    private final Phase phase;
    private final List<PartitionLag> partitions;

    private TaskStatus(int task, Phase phase, List<PartitionLag> partitions) {
        this.task = task;
        this.phase = Objects.requireNonNull(phase, "phase");
        this.partitions = List.copyOf(partitions);
    }

    /**
     * A task's status.
     *
     * @param task the task id (the partition number)
     * @param phase not null
     * @param partitions the partitions of the task, with their lag; copied; not null
     */
    public static TaskStatus of(int task, Phase phase, List<PartitionLag> partitions) {
        return new TaskStatus(task, phase, partitions);
    }

    /** The task id, which is the partition number of each of its partitions. */
    public int task() {
        return task;
    }

    /** Restoring, running, or not known from here (see {@link Phase#UNKNOWN}). */
    public Phase phase() {
        return phase;
    }

    /** The task's partitions with their lag, in topic order; unmodifiable. */
    public List<PartitionLag> partitions() {
        return partitions;
    }

    /** The sum of the known lags of its partitions; empty if none is known. */
    public OptionalLong lag() {
        long sum = 0;
        boolean known = false;
        for (PartitionLag p : partitions) {
            if (p.lag().isPresent()) {
                sum += p.lag().getAsLong();
                known = true;
            }
        }
        return known ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskStatus t && task == t.task && phase == t.phase && partitions.equals(t.partitions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, phase, partitions);
    }

    @Override
    public String toString() {
        return "task " + task + " " + phase + " " + partitions;
    }
}
