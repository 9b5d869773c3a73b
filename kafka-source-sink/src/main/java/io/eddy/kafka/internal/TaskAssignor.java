package io.eddy.kafka.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;

/**
 * Assigns whole tasks, not partitions, to the members of an Eddy application's consumer group.
 *
 * <p>Task {@code p} is partition {@code p} of every input topic the group subscribes to, so a
 * member that owns a task owns all its co-partitioned inputs (the state issue's joins need this;
 * Kafka's own assignors may split them). The assignment is:
 * <ol>
 *   <li><b>balanced</b>: every member gets {@code floor(T/M)} or {@code ceil(T/M)} tasks;</li>
 *   <li><b>sticky</b>: a member keeps the tasks it owns up to its quota, so a rebalance moves as
 *       few tasks (and as little state) as possible;</li>
 *   <li><b>cooperative</b>: a task that moves from a live member to another is withheld for one
 *       round: its old owner revokes it (committing its in-flight batch), rejoins, and the next
 *       round gives it to the new owner. No partition ever has two owners at once.</li>
 * </ol>
 */
public final class TaskAssignor implements ConsumerPartitionAssignor, Configurable {

    /** Consumer config key under which the worker passes its {@link RebalanceObserver}. */
    public static final String OBSERVER_CONFIG = "eddy.rebalance.observer";
    /** The protocol name members announce. */
    public static final String NAME = "eddy-task";

    private RebalanceObserver observer;

    @Override
    public void configure(Map<String, ?> configs) {
        Object o = configs.get(OBSERVER_CONFIG);
        if (o instanceof RebalanceObserver ro) {
            observer = ro;
        }
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        if (observer != null) {
            observer.onJoin();
        }
        return null;
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.COOPERATIVE);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> subscriptions = groupSubscription.groupSubscription();
        Map<String, Integer> partitionCounts = new TreeMap<>();
        for (Subscription s : subscriptions.values()) {
            for (String topic : s.topics()) {
                Integer count = metadata.partitionCountForTopic(topic);
                if (count != null) {
                    partitionCounts.put(topic, count);
                }
            }
        }
        int taskCount = partitionCounts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        Map<String, Set<Integer>> owned = new TreeMap<>();
        for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
            Set<Integer> tasks = new TreeSet<>();
            for (TopicPartition tp : e.getValue().ownedPartitions()) {
                tasks.add(tp.partition());
            }
            owned.put(e.getKey(), tasks);
        }
        Map<String, Set<Integer>> target = assignTasks(taskCount, owned);

        Map<String, Assignment> result = new HashMap<>();
        for (Map.Entry<String, Set<Integer>> e : target.entrySet()) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> topics = subscriptions.get(e.getKey()).topics();
            for (int task : e.getValue()) {
                for (String topic : topics) {
                    Integer count = partitionCounts.get(topic);
                    if (count != null && task < count) {
                        partitions.add(new TopicPartition(topic, task));
                    }
                }
            }
            result.put(e.getKey(), new Assignment(partitions));
        }
        return new GroupAssignment(result);
    }

    /**
     * The task-level algorithm, separated so it can be tested without a broker.
     *
     * @param taskCount number of tasks {@code 0..taskCount-1}
     * @param owned tasks each member currently owns (keys are all the members of the group)
     * @return the tasks each member gets this round; tasks moving between live members are left out
     */
    static Map<String, Set<Integer>> assignTasks(int taskCount, Map<String, Set<Integer>> owned) {
        List<String> members = new ArrayList<>(new TreeSet<>(owned.keySet()));
        Map<String, Set<Integer>> target = new TreeMap<>();
        members.forEach(m -> target.put(m, new TreeSet<>()));
        if (members.isEmpty()) {
            return target;
        }
        int minQuota = taskCount / members.size();
        int membersWithExtra = taskCount % members.size();

        Map<Integer, String> currentOwner = new HashMap<>();
        for (String m : members) {
            for (int t : owned.get(m)) {
                if (t < taskCount) {
                    currentOwner.putIfAbsent(t, m);
                }
            }
        }
        // 1. keep owned tasks up to the minimum quota
        for (String m : members) {
            for (int t : owned.get(m)) {
                if (m.equals(currentOwner.get(t)) && target.get(m).size() < minQuota) {
                    target.get(m).add(t);
                }
            }
        }
        // 2. let members keep one extra owned task while extra slots remain
        for (String m : members) {
            if (membersWithExtra == 0) {
                break;
            }
            for (int t : owned.get(m)) {
                if (m.equals(currentOwner.get(t)) && !isAssigned(target, t) && target.get(m).size() == minQuota) {
                    target.get(m).add(t);
                    membersWithExtra--;
                    break;
                }
            }
        }
        // 3. hand out the rest to the least loaded members
        Comparator<String> byLoad = Comparator.<String>comparingInt(m -> target.get(m).size()).thenComparing(m -> m);
        for (int t = 0; t < taskCount; t++) {
            if (isAssigned(target, t)) {
                continue;
            }
            String least = members.stream()
                    .filter(m -> target.get(m).size() < minQuota)
                    .min(byLoad)
                    .orElse(null);
            if (least == null && membersWithExtra > 0) {
                least = members.stream().filter(m -> target.get(m).size() == minQuota).min(byLoad).orElse(null);
                membersWithExtra--;
            }
            if (least == null) {
                least = members.stream().min(byLoad).orElseThrow();
            }
            target.get(least).add(t);
        }
        // 4. cooperative: a task whose live owner loses it is withheld until that owner revokes it
        for (Map.Entry<String, Set<Integer>> e : target.entrySet()) {
            e.getValue().removeIf(t -> {
                String owner = currentOwner.get(t);
                return owner != null && !owner.equals(e.getKey());
            });
        }
        return target;
    }

    private static boolean isAssigned(Map<String, Set<Integer>> target, int task) {
        for (Set<Integer> tasks : target.values()) {
            if (tasks.contains(task)) {
                return true;
            }
        }
        return false;
    }
}
