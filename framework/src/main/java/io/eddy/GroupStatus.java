package io.eddy;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A running (or stopped) application as its consumer group shows it, from
 * {@link EddyApp#describeGroup()}: the members with the tasks each owns, the lag of every task,
 * and the tasks no member owns.
 *
 * <h2>What can be known from where</h2>
 * The group coordinator knows the members, their hosts and their assignments; the committed and
 * end offsets give the lag. Any process that can reach the cluster with the application's
 * settings sees all of that, members or not. Whether a task is restoring its stores is known only
 * inside the member that owns it: the application object that was asked reports the phase of its
 * own workers' tasks, and {@link TaskStatus.Phase#UNKNOWN} for the others. The description is a
 * snapshot taken with several requests; during a rebalance members may show no tasks.
 *
 * <p>An immutable value. Later versions may add accessors. The runtime creates instances with
 * {@link #of}.
 */
public final class GroupStatus {
    private final String applicationId;
    private final String groupState;
    private final List<MemberStatus> members;
    private final List<TaskStatus> unassignedTasks;

    private GroupStatus(String applicationId, String groupState, List<MemberStatus> members,
                        List<TaskStatus> unassignedTasks) {
        this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
        this.groupState = Objects.requireNonNull(groupState, "groupState");
        this.members = List.copyOf(members);
        this.unassignedTasks = List.copyOf(unassignedTasks);
    }

    /**
     * A group's status.
     *
     * @param applicationId not null
     * @param groupState the coordinator's name of the group's state; not null
     * @param members copied; not null
     * @param unassignedTasks tasks with committed offsets that no member owns; copied; not null
     */
    public static GroupStatus of(String applicationId, String groupState, List<MemberStatus> members,
                                 List<TaskStatus> unassignedTasks) {
        return new GroupStatus(applicationId, groupState, members, unassignedTasks);
    }

    /** The application id, which is the consumer group id. */
    public String applicationId() {
        return applicationId;
    }

    /**
     * The group coordinator's state of the group, such as {@code Stable}, {@code PreparingRebalance},
     * {@code CompletingRebalance}, {@code Empty} (no member: the application is stopped) or
     * {@code Dead} (no such group).
     */
    public String groupState() {
        return groupState;
    }

    /** The members (worker threads of all instances), ordered by client id and member id; unmodifiable. */
    public List<MemberStatus> members() {
        return members;
    }

    /**
     * Tasks with committed offsets that no member owns: all of them when the application is
     * stopped, some during a rebalance; unmodifiable. Their phase is {@link TaskStatus.Phase#UNKNOWN}.
     */
    public List<TaskStatus> unassignedTasks() {
        return unassignedTasks;
    }

    /** The sum of the known lags of all tasks, owned or not; empty if none is known. */
    public OptionalLong totalLag() {
        long sum = 0;
        boolean known = false;
        for (MemberStatus m : members) {
            for (TaskStatus t : m.tasks()) {
                if (t.lag().isPresent()) {
                    sum += t.lag().getAsLong();
                    known = true;
                }
            }
        }
        for (TaskStatus t : unassignedTasks) {
            if (t.lag().isPresent()) {
                sum += t.lag().getAsLong();
                known = true;
            }
        }
        return known ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupStatus g && applicationId.equals(g.applicationId) && groupState.equals(g.groupState)
                && members.equals(g.members) && unassignedTasks.equals(g.unassignedTasks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(applicationId, groupState, members, unassignedTasks);
    }

    /** Several lines: the group and its state, then one line per member and per unassigned task. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("application '" + applicationId + "': group " + groupState + ", "
                + members.size() + " members, lag " + (totalLag().isPresent() ? totalLag().getAsLong() : "-"));
        members.forEach(m -> s.append("\n  ").append(m));
        unassignedTasks.forEach(t -> s.append("\n  unassigned ").append(t));
        return s.toString();
    }
}
