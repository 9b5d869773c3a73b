package io.eddy.internal.runtime;

import io.eddy.RestoreProgress;
import io.eddy.kafka.ClientRole;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the stores of a worker's newly assigned tasks from their changelogs.
 *
 * <h2>Design</h2>
 * A task whose stores are behind their changelogs is <em>restoring</em>: the worker pauses its
 * input partitions and, each loop iteration, calls {@link #restoreStep}, which polls a separate
 * read_committed consumer (manually assigned to the changelog partitions, no group). When every
 * changelog partition of a task has reached the end offset taken when its restore began, the task
 * is complete and the worker resumes its inputs.
 *
 * <p><b>The end is the high watermark, not the last stable offset.</b> A transaction that a dead
 * or fenced producer left open on a changelog (a SIGKILLed previous owner, a producer that lost
 * its broker mid-commit) holds the last stable offset back at its first record until the broker
 * aborts it, while the previous owner's later transactions, committed, sit beyond it. Restoring
 * to the last stable offset would then miss committed state, and the task would go on from a
 * wrong store (seen in the fault suite: FINAL windows never emitted). So the end taken is the
 * high watermark (read_uncommitted), and a partition is complete once the read_committed
 * consumer's position reaches it: the position cannot pass an open transaction, so the restore
 * waits, its progress reported, until every transaction open when it began is committed or
 * aborted (at most the transaction timeout plus the broker's abort interval; the
 * {@link ExpiredTransactionFencer} usually ends it sooner). Nobody else writes the partitions
 * while this worker owns the task, so the end does not move.
 *
 * <p><b>Collapsing.</b> A changelog's head is not compacted yet, so it often holds many updates
 * of each key. Records read are collapsed per partition in a hash map (the last value of each key
 * wins, a tombstone included) and applied to the store only when the partition reaches its end,
 * or when the collapsed records of all partitions exceed {@code maxBatchStateBytes}; each apply is
 * one atomic store write together with the offset of the last record it covers. A changelog of
 * five million updates of a hundred thousand keys thus costs a hundred thousand store writes, not
 * five million.
 * <ul>
 *   <li>Restoring runs on the worker thread between polls of the group consumer, so the worker
 *       stays in the group and keeps processing its other tasks; nothing here blocks for long.</li>
 *   <li>Restore starts from the offset the store holds, so a crash or a rebalance in the middle
 *       loses nothing already applied: the next owner (or the same one) resumes where it stopped,
 *       and repeated rebalances cannot make restore start over: it always progresses.</li>
 *   <li>A task revoked while restoring is simply dropped ({@link #remove}).</li>
 * </ul>
 * Not thread-safe: one worker thread owns it.
 */
final class StateRestorer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateRestorer.class);
    private static final long REPORT_EVERY_MS = 5_000;

    private final String name;
    private final AppOptions options;
    private final Consumer<RestoreProgress> listener;
    private org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    /** Asks for the changelogs' high watermarks (read_uncommitted); never polls. */
    private org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> endConsumer;
    private final Map<Integer, Map<TopicPartition, Restore>> byTask = new HashMap<>();
    private final Map<TopicPartition, Restore> byPartition = new HashMap<>();
    /** Key, value and map overhead of every collapsed record not applied yet, over all partitions. */
    private long collapsedBytes;
    private static final int COLLAPSED_ENTRY_OVERHEAD = 96;
    /** Stands for a tombstone in the collapsed records; compared by identity. */
    private static final byte[] TOMBSTONE = new byte[0];

    private static final class Restore {
        final TaskState state;
        final String store;
        final long start;
        final long end;
        final long startedAt;
        long restored;
        long lastReport;
        /** The consumer's position at the last progress report, to tell a restore that waits. */
        long positionAtLastReport = -1;
        /** Records read but not applied yet: the last value (or {@link #TOMBSTONE}) of each key. */
        final Map<Bytes, byte[]> collapsed = new HashMap<>();
        /** The offset of the last record in {@link #collapsed}, or -1 if it is empty. */
        long collapsedUpTo = -1;

        Restore(TaskState state, String store, long start, long end, long now) {
            this.state = state;
            this.store = store;
            this.start = start;
            this.end = end;
            this.startedAt = now;
            this.lastReport = now;
        }
    }

    StateRestorer(String name, AppOptions options, Consumer<RestoreProgress> listener) {
        this.name = name;
        this.options = options;
        this.listener = listener;
    }

    boolean isRestoring(int task) {
        return byTask.containsKey(task);
    }

    boolean active() {
        return !byPartition.isEmpty();
    }

    /**
     * Starts restoring {@code task} if any of its stores is behind its changelog.
     *
     * @return whether the task must wait for a restore before processing
     */
    boolean add(Task task) {
        TaskState state = task.state();
        Map<TopicPartition, Long> from = state.restoreOffsets();
        Map<TopicPartition, Long> end = endOffsets(from.keySet());
        Map<TopicPartition, Restore> pending = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
            long stop = end.getOrDefault(e.getKey(), 0L);
            long start = e.getValue();
            if (start > stop) {
                throw new IllegalStateException("store of changelog " + e.getKey() + " is at offset " + start
                        + " but the changelog ends at " + stop + " (the changelog was truncated while this task "
                        + "was being set up)");
            }
            if (start < stop) {
                String store = storeOf(e.getKey());
                Restore r = new Restore(state, store, start, stop, now);
                pending.put(e.getKey(), r);
                report(r, task.id(), RestoreProgress.Phase.STARTED, now);
            }
        }
        if (pending.isEmpty()) {
            return false;
        }
        byTask.put(task.id(), pending);
        byPartition.putAll(pending);
        consumer().assign(new ArrayList<>(byPartition.keySet()));
        pending.forEach((tp, r) -> consumer.seek(tp, r.start));
        log.info("{}: task {} restores {}", name, task.id(), describe(pending));
        return true;
    }

    /**
     * Discards the stores of a new task that claim more of their changelog than it has: they were
     * built from another incarnation of the topic (recreated, or another cluster) and are rebuilt
     * from the changelog as it is. Runs before the task's operators open their stores.
     */
    void discardStoresAheadOfChangelog(TaskState state) {
        Map<TopicPartition, Long> from = state.restoreOffsets();
        Map<TopicPartition, Long> end = endOffsets(from.keySet());
        for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
            long stop = end.getOrDefault(e.getKey(), 0L);
            if (e.getValue() > stop) {
                log.warn("{}: the store of changelog {} is at offset {} but the changelog ends at {}; discarding it",
                        name, e.getKey(), e.getValue(), stop);
                state.discardStore(e.getKey());
            }
        }
    }

    /**
     * The high watermarks of {@code changelogs}: their read_uncommitted end offsets, so that
     * committed records beyond a transaction left open are restored too (see the class comment).
     * The asking consumer is assigned the partitions (a consumer warns for each end offset of a
     * partition it is not assigned) but never polls, so it never fetches.
     */
    private Map<TopicPartition, Long> endOffsets(Set<TopicPartition> changelogs) {
        if (changelogs.isEmpty()) {
            return Map.of();
        }
        if (endConsumer == null) {
            endConsumer = KafkaClients.consumer(options, ClientRole.RESTORE_CONSUMER,
                    ClientConfigs.changelogEndConsumer(options, name));
        }
        endConsumer.assign(changelogs);
        return endConsumer.endOffsets(changelogs, options.commitTimeout());
    }

    private String storeOf(TopicPartition changelog) {
        String suffix = "-changelog";
        String prefix = options.applicationId() + "-";
        String t = changelog.topic();
        return t.startsWith(prefix) && t.endsWith(suffix) ? t.substring(prefix.length(), t.length() - suffix.length()) : t;
    }

    private static String describe(Map<TopicPartition, Restore> pending) {
        StringBuilder b = new StringBuilder();
        pending.forEach((tp, r) -> b.append(b.length() == 0 ? "" : ", ").append(r.store).append(" from offset ")
                .append(r.start).append(" to ").append(r.end));
        return b.toString();
    }

    /**
     * Reads one chunk of changelog records and applies it.
     *
     * @return the tasks whose restore completed in this step
     */
    List<Integer> restoreStep() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
        long now = System.currentTimeMillis();
        for (TopicPartition tp : records.partitions()) {
            Restore r = byPartition.get(tp);
            if (r != null) {
                collapse(tp, r, records.records(tp));
            }
        }
        if (collapsedBytes > options.maxBatchStateBytes()) {
            byPartition.forEach(this::apply);
        }
        List<Integer> done = new ArrayList<>();
        for (Map.Entry<Integer, Map<TopicPartition, Restore>> e : new ArrayList<>(byTask.entrySet())) {
            boolean complete = true;
            for (Map.Entry<TopicPartition, Restore> p : e.getValue().entrySet()) {
                Restore r = p.getValue();
                boolean reached = consumer.position(p.getKey()) >= r.end;
                if (reached) {
                    apply(p.getKey(), r);
                } else {
                    complete = false;
                    if (now - r.lastReport >= REPORT_EVERY_MS) {
                        long position = consumer.position(p.getKey());
                        if (position == r.positionAtLastReport) {
                            log.warn("{}: the restore of store {} of task {} waits at offset {} of {} (end {}): a "
                                    + "transaction left open there holds back its last stable offset; the broker "
                                    + "aborts it after its transaction timeout (a transaction that stays open is a "
                                    + "hanging one: see kafka-transactions.sh find-hanging)", name, r.store, e.getKey(),
                                    position, p.getKey(), r.end);
                        }
                        r.positionAtLastReport = position;
                        report(r, e.getKey(), RestoreProgress.Phase.RUNNING, now);
                    }
                }
            }
            if (complete) {
                e.getValue().forEach((tp, r) -> report(r, e.getKey(), RestoreProgress.Phase.DONE, now));
                remove(e.getKey());
                done.add(e.getKey());
            }
        }
        return done;
    }

    private void collapse(TopicPartition tp, Restore r, List<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            if (rec.offset() >= r.end) {
                break;
            }
            byte[] key = rec.key();
            if (key == null) {
                throw new IllegalStateException("changelog " + tp + " holds a record without a key at offset "
                        + rec.offset() + "; a changelog written by Eddy never does, so the topic is not this "
                        + "store's changelog or was written by something else");
            }
            byte[] value = rec.value() == null ? TOMBSTONE : rec.value();
            byte[] replaced = r.collapsed.put(Bytes.wrap(key), value);
            collapsedBytes += value.length
                    + (replaced == null ? key.length + COLLAPSED_ENTRY_OVERHEAD : -replaced.length);
            r.collapsedUpTo = rec.offset();
            r.restored++;
        }
    }

    /** Writes the collapsed records of {@code tp} to its store, with the offset of the last one. */
    private void apply(TopicPartition tp, Restore r) {
        if (r.collapsedUpTo < 0) {
            return;
        }
        List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>(r.collapsed.size());
        r.collapsed.forEach((k, v) -> entries.add(
                new AbstractMap.SimpleImmutableEntry<>(k.get(), v == TOMBSTONE ? null : v)));
        r.state.restore(tp, entries, r.collapsedUpTo);
        dropCollapsed(r);
    }

    private void dropCollapsed(Restore r) {
        for (Map.Entry<Bytes, byte[]> e : r.collapsed.entrySet()) {
            collapsedBytes -= e.getKey().get().length + e.getValue().length + COLLAPSED_ENTRY_OVERHEAD;
        }
        r.collapsed.clear();
        r.collapsedUpTo = -1;
    }

    private void report(Restore r, int task, RestoreProgress.Phase phase, long now) {
        r.lastReport = now;
        long total = r.end - r.start;
        double seconds = Math.max(0.001, (now - r.startedAt) / 1000.0);
        double rate = r.restored / seconds;
        Duration remaining = phase == RestoreProgress.Phase.RUNNING && rate > 0
                ? Duration.ofMillis((long) ((total - r.restored) / rate * 1000)) : Duration.ZERO;
        RestoreProgress progress = RestoreProgress.builder().store(r.store).task(task).phase(phase)
                .restored(r.restored).total(total).startOffset(r.start).recordsPerSecond(rate).remaining(remaining)
                .build();
        if (phase == RestoreProgress.Phase.DONE) {
            log.info("{}: task {} store {} restored: {} records in {} ms ({} records/s)", name, task, r.store,
                    r.restored, now - r.startedAt, (long) rate);
        } else if (phase == RestoreProgress.Phase.RUNNING) {
            log.info("{}: task {} store {} restoring: {}/{} records, {} records/s, about {} s left", name, task,
                    r.store, r.restored, total, (long) rate, remaining.toSeconds());
        }
        try {
            listener.accept(progress);
        } catch (RuntimeException e) {
            log.warn("restore listener failed: {}", e.toString());
        }
    }

    /**
     * Stops restoring {@code task} (revoked, or complete); what it applied so far stays in its
     * stores, records read but not applied are dropped (the store's offset does not cover them).
     */
    void remove(int task) {
        Map<TopicPartition, Restore> removed = byTask.remove(task);
        if (removed == null) {
            return;
        }
        removed.values().forEach(this::dropCollapsed);
        removed.keySet().forEach(byPartition::remove);
        Set<TopicPartition> still = new HashSet<>(byPartition.keySet());
        consumer.assign(still);
    }

    private org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = KafkaClients.consumer(options, ClientRole.RESTORE_CONSUMER,
                    ClientConfigs.restoreConsumer(options, name));
        }
        return consumer;
    }

    @Override
    public void close() {
        closeQuietly(endConsumer, "the changelog end consumer");
        endConsumer = null;
        closeQuietly(consumer, "the restore consumer");
        consumer = null;
        byTask.clear();
        byPartition.clear();
        collapsedBytes = 0;
    }

    private void closeQuietly(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c, String what) {
        if (c == null) {
            return;
        }
        try {
            c.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.debug("{}: closing {}: {}", name, what, e.toString());
        }
    }
}
