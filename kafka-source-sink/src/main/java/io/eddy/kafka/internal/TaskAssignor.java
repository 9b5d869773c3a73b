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
 *   <li><b>state-aware</b>: a task without a live owner (new, or its owner died) goes, among the
 *       members with room for it, to one whose process holds the task's state on disk (the most
 *       changelog first): a standby host restores only the changelog's tail.</li>
 * </ol>
 * With {@link #STANDBY_REPLICAS_CONFIG} {@code n > 0}, every task also gets up to {@code n}
 * standby members, each in a different process from the task's owner (old and new while it
 * moves) and from each other, preferring processes that already hold the task's state, then the
 * least loaded. Members learn their standby tasks and every active task's endpoint from the
 * assignment user data ({@link MembershipInfo}).
 */
public final class TaskAssignor implements ConsumerPartitionAssignor, Configurable {

    /** Consumer config key under which the worker passes its {@link RebalanceObserver}. */
    public static final String OBSERVER_CONFIG = "eddy.rebalance.observer";
    /** The protocol name members announce. */
    public static final String NAME = "eddy-task";
    /** Consumer config key: how many standby replicas each task gets (an Integer, default 0). */
    public static final String STANDBY_REPLICAS_CONFIG = "eddy.standby.replicas";

    private RebalanceObserver observer;
    private int standbyReplicas;

    @Override
    public void configure(Map<String, ?> configs) {
        Object o = configs.get(OBSERVER_CONFIG);
        if (o instanceof RebalanceObserver ro) {
            observer = ro;
        }
        if (configs.get(STANDBY_REPLICAS_CONFIG) instanceof Integer n) {
            standbyReplicas = n;
        }
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        if (observer != null) {
            observer.onJoin();
            MembershipInfo.Subscription s = observer.subscription();
            return s == null ? null : s.encode();
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
        if (observer != null) {
            observer.onAssignment(MembershipInfo.Assignment.decode(assignment.userData()));
        }
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
        Map<String, MembershipInfo.Subscription> infos = new TreeMap<>();
        for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
            Set<Integer> tasks = new TreeSet<>();
            for (TopicPartition tp : e.getValue().ownedPartitions()) {
                tasks.add(tp.partition());
            }
            owned.put(e.getKey(), tasks);
            infos.put(e.getKey(), MembershipInfo.Subscription.decode(e.getValue().userData(), e.getKey()));
        }
        Map<String, Map<Integer, Long>> held = new TreeMap<>();
        Map<String, String> processOf = new TreeMap<>();
        infos.forEach((m, i) -> {
            held.put(m, i.heldTasks());
            processOf.put(m, i.processId());
        });
        Map<String, Set<Integer>> intended = intendedTasks(taskCount, owned, held);
        Map<String, Set<Integer>> target = withholdMoving(intended, owned, taskCount);
        Map<String, Set<Integer>> standbys = assignStandbys(taskCount, standbyReplicas, intended, owned, processOf, held);
        Set<String> liveTransactionalIds = new TreeSet<>();
        infos.values().forEach(i -> {
            if (!i.transactionalId().isEmpty()) {
                liveTransactionalIds.add(i.transactionalId());
            }
        });
        Map<Integer, String> endpoints = new TreeMap<>();
        intended.forEach((m, tasks) -> {
            String endpoint = infos.get(m).endpoint();
            if (!endpoint.isEmpty()) {
                tasks.forEach(t -> endpoints.put(t, endpoint));
            }
        });

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
            MembershipInfo.Assignment info = new MembershipInfo.Assignment(taskCount, endpoints,
                    standbys.getOrDefault(e.getKey(), Set.of()), liveTransactionalIds);
            result.put(e.getKey(), new Assignment(partitions, info.encode()));
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
        Map<String, Map<Integer, Long>> held = new TreeMap<>();
        owned.keySet().forEach(m -> held.put(m, Map.of()));
        return withholdMoving(intendedTasks(taskCount, owned, held), owned, taskCount);
    }

    /**
     * The balanced, sticky, state-aware target of every member, before the cooperative rule
     * withholds the tasks that move between live members.
     *
     * @param held per member, the tasks whose state its process holds, with the sum of their
     *             changelog offsets (-1 if unknown)
     */
    static Map<String, Set<Integer>> intendedTasks(int taskCount, Map<String, Set<Integer>> owned,
                                                   Map<String, Map<Integer, Long>> held) {
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
            int task = t;
            // among members with room, one holding the task's state (the most changelog) before the least loaded
            Comparator<String> byState = Comparator.<String>comparingLong(
                    m -> -held.getOrDefault(m, Map.of()).getOrDefault(task, -2L)).thenComparing(byLoad);
            String least = members.stream()
                    .filter(m -> target.get(m).size() < minQuota)
                    .min(byState)
                    .orElse(null);
            if (least == null && membersWithExtra > 0) {
                least = members.stream().filter(m -> target.get(m).size() == minQuota).min(byState).orElse(null);
                membersWithExtra--;
            }
            if (least == null) {
                least = members.stream().min(byLoad).orElseThrow();
            }
            target.get(least).add(t);
        }
        return target;
    }

    /** Cooperative: a task whose live owner loses it is withheld until that owner has revoked it. */
    static Map<String, Set<Integer>> withholdMoving(Map<String, Set<Integer>> intended,
                                                    Map<String, Set<Integer>> owned, int taskCount) {
        Map<Integer, String> currentOwner = currentOwners(owned, taskCount);
        Map<String, Set<Integer>> target = new TreeMap<>();
        intended.forEach((m, tasks) -> {
            Set<Integer> kept = new TreeSet<>(tasks);
            kept.removeIf(t -> {
                String owner = currentOwner.get(t);
                return owner != null && !owner.equals(m);
            });
            target.put(m, kept);
        });
        return target;
    }

    private static Map<Integer, String> currentOwners(Map<String, Set<Integer>> owned, int taskCount) {
        Map<Integer, String> currentOwner = new HashMap<>();
        for (String m : new TreeSet<>(owned.keySet())) {
            for (int t : owned.get(m)) {
                if (t < taskCount) {
                    currentOwner.putIfAbsent(t, m);
                }
            }
        }
        return currentOwner;
    }

    /**
     * Up to {@code replicas} standby members per task, each in a process other than the task's
     * owners' (intended and current) and than each other's; processes holding the task's state come
     * first (most changelog first), then the least loaded with standbys.
     */
    static Map<String, Set<Integer>> assignStandbys(int taskCount, int replicas, Map<String, Set<Integer>> intended,
                                                    Map<String, Set<Integer>> owned, Map<String, String> processOf,
                                                    Map<String, Map<Integer, Long>> held) {
        Map<String, Set<Integer>> standbys = new TreeMap<>();
        processOf.keySet().forEach(m -> standbys.put(m, new TreeSet<>()));
        if (replicas <= 0) {
            return standbys;
        }
        Map<Integer, String> currentOwner = currentOwners(owned, taskCount);
        Map<Integer, String> intendedOwner = new HashMap<>();
        intended.forEach((m, tasks) -> tasks.forEach(t -> intendedOwner.put(t, m)));
        for (int t = 0; t < taskCount; t++) {
            int task = t;
            Set<String> excludedProcesses = new TreeSet<>();
            for (String owner : new String[] {currentOwner.get(t), intendedOwner.get(t)}) {
                if (owner != null && processOf.containsKey(owner)) {
                    excludedProcesses.add(processOf.get(owner));
                }
            }
            Comparator<String> preference = Comparator.<String>comparingLong(
                            m -> -held.getOrDefault(m, Map.of()).getOrDefault(task, -2L))
                    .thenComparingInt(m -> standbys.get(m).size())
                    .thenComparing(m -> m);
            List<String> candidates = new ArrayList<>(processOf.keySet());
            candidates.sort(preference);
            int given = 0;
            for (String m : candidates) {
                if (given == replicas) {
                    break;
                }
                if (excludedProcesses.add(processOf.get(m))) {
                    standbys.get(m).add(task);
                    given++;
                }
            }
        }
        return standbys;
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
