package io.eddy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One member of an application's consumer group, that is one worker thread of one instance, as
 * {@link EddyApp#describeGroup()} sees it: who it is and which tasks it owns.
 *
 * <p>The member id is the group coordinator's; the client id is {@code <application id>-<worker
 * index>-consumer}, the same in every instance, so the host (and the group instance id of a static
 * member, {@code <instanceId>-<worker index>}) tell instances apart. {@link #local()} says whether
 * the member is a worker of the application object that was asked.
 *
 * <p>An immutable value. Later versions may add accessors. The runtime creates instances with
 * {@link #of}.
 */
public final class MemberStatus {
    private final String memberId;
    private final String clientId;
    private final String host;
    private final String groupInstanceId;
    private final boolean local;
    private final List<TaskStatus> tasks;

    private MemberStatus(String memberId, String clientId, String host, String groupInstanceId, boolean local,
                         List<TaskStatus> tasks) {
        this.memberId = Objects.requireNonNull(memberId, "memberId");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.host = Objects.requireNonNull(host, "host");
        this.groupInstanceId = groupInstanceId;
        this.local = local;
        this.tasks = List.copyOf(tasks);
    }

    /**
     * A member's status.
     *
     * @param memberId not null
     * @param clientId not null
     * @param host as the broker sees it; not null
     * @param groupInstanceId the static member's instance id, or null for a dynamic member
     * @param local whether the member is a worker of the application that was asked
     * @param tasks the tasks it owns; copied; not null
     */
    public static MemberStatus of(String memberId, String clientId, String host, String groupInstanceId,
                                  boolean local, List<TaskStatus> tasks) {
        return new MemberStatus(memberId, clientId, host, groupInstanceId, local, tasks);
    }

    /** The member id the group coordinator gave it. */
    public String memberId() {
        return memberId;
    }

    /** The consumer's client id, {@code <application id>-<worker index>-consumer}. */
    public String clientId() {
        return clientId;
    }

    /** The member's host as the broker sees it (such as {@code /10.0.0.7}). */
    public String host() {
        return host;
    }

    /** The group instance id of a static member ({@code EddyApp.Builder.instanceId}); empty for a dynamic one. */
    public Optional<String> groupInstanceId() {
        return Optional.ofNullable(groupInstanceId);
    }

    /**
     * Whether this member is a worker of the {@link EddyApp} that was asked; only then are the
     * phases of its tasks known.
     */
    public boolean local() {
        return local;
    }

    /** The tasks it owns, by task id; unmodifiable; empty while the group rebalances or it has none. */
    public List<TaskStatus> tasks() {
        return tasks;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberStatus m && memberId.equals(m.memberId) && clientId.equals(m.clientId)
                && host.equals(m.host) && Objects.equals(groupInstanceId, m.groupInstanceId) && local == m.local
                && tasks.equals(m.tasks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(memberId, clientId, host, groupInstanceId, local, tasks);
    }

    @Override
    public String toString() {
        return "member " + memberId + " (" + clientId + "@" + host
                + (groupInstanceId == null ? "" : ", instance " + groupInstanceId) + (local ? ", local" : "") + "): "
                + tasks;
    }
}
