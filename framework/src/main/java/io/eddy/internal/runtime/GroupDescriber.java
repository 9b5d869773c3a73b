package io.eddy.internal.runtime;

import io.eddy.GroupStatus;
import io.eddy.Guarantee;
import io.eddy.MemberStatus;
import io.eddy.PartitionLag;
import io.eddy.TaskStatus;
import io.eddy.kafka.ClientRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Describes an application's consumer group with the admin client, from any process: the members
 * and their assignments (describe group), the committed offsets (list group offsets) and the end
 * offsets at the application's isolation level (list offsets), joined into tasks. The phase of a
 * task (restoring or running) comes from the asking application's own workers, the only place it
 * is known; see {@link GroupStatus}.
 */
public final class GroupDescriber {
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private GroupDescriber() {
    }

    /**
     * The status of the group of {@code options}' application.
     *
     * @param local this process's workers of the application: member id to the tasks restoring
     * @throws io.eddy.TopicCheckException if the broker does not answer within the start timeout
     */
    public static GroupStatus describe(AppOptions options, Map<String, Set<Integer>> local) {
        String group = options.applicationId();
        Duration timeout = options.startTimeout();
        Admin admin = KafkaClients.admin(options, ClientRole.ADMIN, ClientConfigs.admin(options));
        try {
            String state;
            List<MemberDescription> members = new ArrayList<>();
            try {
                ConsumerGroupDescription d = ApplicationReset.get(
                        admin.describeConsumerGroups(List.of(group)).describedGroups().get(group),
                        "describe group '" + group + "'", timeout);
                state = d.groupState() == null ? "Unknown" : d.groupState().toString();
                members.addAll(d.members());
            } catch (io.eddy.TopicCheckException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                state = "Dead";
            }
            Map<TopicPartition, OffsetAndMetadata> committed = ApplicationReset.committedOffsets(admin, group, timeout);
            Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
            members.forEach(m -> partitions.addAll(m.assignment().topicPartitions()));
            Map<TopicPartition, Long> ends = endOffsets(admin, partitions, options.guarantee(), timeout);

            Set<TopicPartition> assigned = new HashSet<>();
            List<MemberStatus> memberStatuses = new ArrayList<>();
            members.sort(Comparator.comparing(MemberDescription::clientId).thenComparing(MemberDescription::consumerId));
            for (MemberDescription m : members) {
                Set<Integer> restoring = local.get(m.consumerId());
                boolean isLocal = restoring != null;
                assigned.addAll(m.assignment().topicPartitions());
                List<TaskStatus> tasks = tasks(m.assignment().topicPartitions(), committed, ends,
                        task -> !isLocal ? TaskStatus.Phase.UNKNOWN
                                : restoring.contains(task) ? TaskStatus.Phase.RESTORING : TaskStatus.Phase.RUNNING);
                memberStatuses.add(MemberStatus.of(m.consumerId(), m.clientId(), m.host(),
                        m.groupInstanceId().orElse(null), isLocal, tasks));
            }
            Set<TopicPartition> unassigned = new HashSet<>(committed.keySet());
            unassigned.removeAll(assigned);
            List<TaskStatus> unassignedTasks = tasks(unassigned, committed, ends, task -> TaskStatus.Phase.UNKNOWN);
            return GroupStatus.of(group, state, memberStatuses, unassignedTasks);
        } finally {
            admin.close(timeout);   // close() alone waits for requests a silent broker never answers
        }
    }

    private static List<TaskStatus> tasks(Set<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> committed,
                                          Map<TopicPartition, Long> ends,
                                          java.util.function.IntFunction<TaskStatus.Phase> phase) {
        Map<Integer, List<TopicPartition>> byTask = new TreeMap<>();
        partitions.forEach(tp -> byTask.computeIfAbsent(tp.partition(), p -> new ArrayList<>()).add(tp));
        List<TaskStatus> tasks = new ArrayList<>();
        byTask.forEach((task, tps) -> {
            tps.sort(ORDER);
            List<PartitionLag> lags = new ArrayList<>();
            for (TopicPartition tp : tps) {
                if (!ends.containsKey(tp)) {
                    continue;   // a committed offset of a topic deleted since
                }
                OffsetAndMetadata c = committed.get(tp);
                lags.add(PartitionLag.of(tp.topic(), tp.partition(), c == null ? -1 : c.offset(), ends.get(tp)));
            }
            tasks.add(TaskStatus.of(task, phase.apply(task), lags));
        });
        return tasks;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, Set<TopicPartition> partitions, Guarantee guarantee,
                                                        Duration timeout) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        if (partitions.isEmpty()) {
            return ends;
        }
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        ListOffsetsOptions isolation = new ListOffsetsOptions(guarantee == Guarantee.EXACTLY_ONCE
                ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED);
        var result = admin.listOffsets(specs, isolation);
        for (TopicPartition tp : partitions) {
            try {
                ListOffsetsResult.ListOffsetsResultInfo info = ApplicationReset.get(result.partitionResult(tp),
                        "look up the end offset of " + tp, timeout);
                ends.put(tp, info.offset());
            } catch (io.eddy.TopicCheckException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
                // committed offsets of a deleted topic: no end to compare with
            }
        }
        return ends;
    }
}
