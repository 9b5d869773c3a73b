package io.eddy.internal.runtime;

import io.eddy.Guarantee;
import io.eddy.ResetOptions;
import io.eddy.ResetReport;
import io.eddy.TopicCheckException;
import io.eddy.internal.plan.Plan;
import io.eddy.kafka.ClientRole;
import io.eddy.kafka.internal.TaskCheckpoint;
import io.eddy.kafka.internal.TopicAdmin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resets an application so that its next run starts over, as Kafka Streams' application reset
 * tool does:
 * <ol>
 *   <li>refuses while the consumer group has members (a running instance would recreate what is
 *       deleted, or commit over the reset offsets);</li>
 *   <li>locks the local state directory (refused if an instance on this machine holds it);</li>
 *   <li>commits the chosen offset for every input partition, keeping each task's batch id in the
 *       offset's checkpoint (so that batch ids keep growing for sinks that deduplicate by
 *       {@code (task, batchId)}) and dropping its watermark;</li>
 *   <li>deletes the group's offsets of the repartition topics, then the internal topics
 *       (changelogs, repartition topics, the store registry), and waits until the broker no
 *       longer lists them;</li>
 *   <li>deletes the stores in the local state directory (keeping its process id, so transactional
 *       ids stay stable).</li>
 * </ol>
 * The names come from the plan, never from a prefix match, so no topic the application does not
 * own is touched. Every broker call is bounded by the start timeout.
 */
public final class ApplicationReset {
    private static final Logger log = LoggerFactory.getLogger(ApplicationReset.class);
    private static final Set<String> KEPT_FILES = Set.of(".lock", "process-id", "application-id");

    private ApplicationReset() {
    }

    /**
     * Resets the application of {@code options} as {@code reset} says.
     *
     * @throws IllegalStateException if the group has members (naming them) or the state directory
     *         is in use
     * @throws TopicCheckException if an input topic is missing or the broker does not answer
     */
    public static ResetReport run(AppOptions options, ResetOptions reset) {
        String group = options.applicationId();
        Plan plan = options.plan();
        Duration timeout = options.startTimeout();
        Admin admin = KafkaClients.admin(options, ClientRole.ADMIN, ClientConfigs.admin(options));
        StateDirectory stateDirectory = null;
        try {
            requireNoMembers(admin, group, timeout);
            if (plan.stateful()) {
                stateDirectory = StateDirectory.lock(options.stateDir(), group);
            }
            TopicAdmin topics = new TopicAdmin(admin, timeout);
            Set<String> inputs = new TreeSet<>(plan.fixedTopics());
            for (var pattern : plan.patterns()) {
                inputs.addAll(topics.topicsMatching(pattern));
            }
            inputs.removeAll(plan.repartitionTopics());
            Map<String, Integer> counts;
            try {
                counts = topics.partitionCounts(inputs);
            } catch (TopicAdmin.TopicException e) {
                throw TopicChecks.toPublic(e);
            }
            Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(admin, group, timeout);
            Map<TopicPartition, Long> targets = targets(admin, counts, reset, options.guarantee(), timeout);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            targets.forEach((tp, offset) -> {
                OffsetAndMetadata before = committed.get(tp);
                String metadata = before == null ? "" : TaskCheckpoint.decode(before.metadata())
                        .map(c -> new TaskCheckpoint(c.batchId(), TaskCheckpoint.NO_WATERMARK).encode()).orElse("");
                offsets.put(tp, new OffsetAndMetadata(offset, metadata));
            });
            if (!offsets.isEmpty()) {
                get(admin.alterConsumerGroupOffsets(group, offsets).all(), "commit the reset offsets of group '"
                        + group + "'", timeout);
            }
            Set<TopicPartition> repartitionOffsets = new java.util.HashSet<>();
            committed.keySet().stream().filter(tp -> plan.repartitionTopics().contains(tp.topic()))
                    .forEach(repartitionOffsets::add);
            if (!repartitionOffsets.isEmpty()) {
                get(admin.deleteConsumerGroupOffsets(group, repartitionOffsets).all(), "delete the offsets of the "
                        + "repartition topics of group '" + group + "'", timeout);
            }
            List<String> deleted = deleteInternalTopics(admin, plan, group, timeout);
            Path wiped = null;
            if (stateDirectory != null) {
                wipe(stateDirectory.root());
                wiped = stateDirectory.root();
            }
            ResetReport report = ResetReport.of(group, targets, deleted, wiped);
            log.info("{}: reset ({}): {}", group, reset, report);
            return report;
        } finally {
            if (stateDirectory != null) {
                stateDirectory.close();
            }
            admin.close(timeout);
        }
    }

    /** The group's committed offsets (partitions without one left out); empty if there is no such group. */
    static Map<TopicPartition, OffsetAndMetadata> committedOffsets(Admin admin, String group, Duration timeout) {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        try {
            get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "read the committed offsets of "
                    + "group '" + group + "'", timeout).forEach((tp, om) -> {
                        if (om != null) {
                            committed.put(tp, om);
                        }
                    });
        } catch (TopicCheckException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
        return committed;
    }

    private static void requireNoMembers(Admin admin, String group, Duration timeout) {
        ConsumerGroupDescription description;
        try {
            description = get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group),
                    "describe group '" + group + "'", timeout);
        } catch (TopicCheckException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return;   // never started, or its offsets expired: nothing is running
            }
            throw e;
        }
        Collection<MemberDescription> members = description.members();
        if (!members.isEmpty()) {
            List<String> named = members.stream()
                    .map(m -> m.clientId() + "@" + m.host() + " (member " + m.consumerId()
                            + m.groupInstanceId().map(i -> ", instance " + i).orElse("") + ")")
                    .sorted().toList();
            throw new IllegalStateException("cannot reset '" + group + "': its consumer group has " + members.size()
                    + " active member(s): " + named + ". Stop every instance of the application first (a crashed "
                    + "instance stays a member until its session timeout passes) and try again");
        }
    }

    private static Map<TopicPartition, Long> targets(Admin admin, Map<String, Integer> counts, ResetOptions reset,
                                                     Guarantee guarantee, Duration timeout) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        counts.forEach((topic, n) -> {
            for (int p = 0; p < n; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                specs.put(tp, switch (reset.position()) {
                    case EARLIEST -> OffsetSpec.earliest();
                    case LATEST -> OffsetSpec.latest();
                    case TIMESTAMP -> OffsetSpec.forTimestamp(reset.timestamp().orElseThrow().toEpochMilli());
                });
                ends.put(tp, OffsetSpec.latest());
            }
        });
        Map<TopicPartition, Long> targets = new HashMap<>();
        if (specs.isEmpty()) {
            return targets;
        }
        ListOffsetsOptions isolation = new ListOffsetsOptions(guarantee == Guarantee.EXACTLY_ONCE
                ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = get(
                admin.listOffsets(specs, isolation).all(), "look up the reset offsets of " + counts.keySet(), timeout);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> endOffsets = null;
        for (var e : found.entrySet()) {
            long offset = e.getValue().offset();
            if (offset < 0) {   // no record at or after the timestamp: start at the end
                if (endOffsets == null) {
                    endOffsets = get(admin.listOffsets(ends, isolation).all(), "look up the end offsets of "
                            + counts.keySet(), timeout);
                }
                offset = endOffsets.get(e.getKey()).offset();
            }
            targets.put(e.getKey(), offset);
        }
        return targets;
    }

    private static List<String> deleteInternalTopics(Admin admin, Plan plan, String group, Duration timeout) {
        Set<String> internal = new TreeSet<>(plan.repartitionTopics());
        internal.addAll(plan.changelogTopics());
        internal.add(StoreRegistry.topic(group));
        Set<String> existing = get(admin.listTopics(new ListTopicsOptions().listInternal(false)).names(),
                "list topics", timeout);
        List<String> present = internal.stream().filter(existing::contains).toList();
        if (present.isEmpty()) {
            return present;
        }
        var results = admin.deleteTopics(present).topicNameValues();
        for (String topic : present) {
            try {
                get(results.get(topic), "delete internal topic '" + topic + "'", timeout);
            } catch (TopicCheckException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;   // already gone (deleted concurrently) is fine
                }
            }
        }
        // a deletion completes in the controller first: wait until the brokers forget the topics,
        // so that a start right after the reset creates them anew instead of finding them
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoffMs = 20;
        while (true) {
            Set<String> listed = get(admin.listTopics(new ListTopicsOptions().listInternal(false)).names(),
                    "list topics", timeout);
            List<String> left = present.stream().filter(listed::contains).toList();
            if (left.isEmpty()) {
                return present;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new TopicCheckException(TopicCheckException.Problem.NO_ANSWER, left, "deleted internal topics "
                        + left + " of '" + group + "' are still listed by the broker after " + timeout, null);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
            backoffMs = Math.min(backoffMs * 2, 500);
        }
    }

    /** Deletes the stores (every task directory and anything else) under {@code root}, keeping its lock and ids. */
    private static void wipe(Path root) {
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                if (!KEPT_FILES.contains(child.getFileName().toString())) {
                    deleteRecursively(child);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not delete the stores in " + root + ": " + e, e);
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** {@code future}'s value within {@code timeout}, failures as the public {@link TopicCheckException}. */
    static <T> T get(KafkaFuture<T> future, String what, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TopicCheckException(TopicCheckException.Problem.NO_ANSWER, List.of(), "could not " + what
                    + " within " + timeout + ": is the broker reachable at the configured bootstrap servers?", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            TopicCheckException.Problem problem = cause instanceof org.apache.kafka.common.errors.TimeoutException
                    ? TopicCheckException.Problem.NO_ANSWER : TopicCheckException.Problem.REQUEST_FAILED;
            throw new TopicCheckException(problem, List.of(), "could not " + what + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicCheckException(TopicCheckException.Problem.REQUEST_FAILED, List.of(),
                    "interrupted while trying to " + what, e);
        }
    }
}
