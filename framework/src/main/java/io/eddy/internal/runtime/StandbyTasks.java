package io.eddy.internal.runtime;

import io.eddy.kafka.ClientRole;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standby tasks of one application instance: warm copies of other members' task stores, kept
 * up to date by tailing their changelogs, so that a task moving here restores only the tail.
 *
 * <h2>Design</h2>
 * The assignor gives each worker its standby tasks ({@link #update}); this class keeps the union
 * of them open, on its own thread, with one read_committed consumer ({@link ClientRole#STANDBY_CONSUMER})
 * manually assigned to their changelog partitions. A standby's stores are the very directories an
 * active task of this instance would open ({@code task-<p>/<store>}), written with the same
 * restore path as {@link StateRestorer} (one atomic write of the records read with the offset of
 * the last one), so the store's own committed offset is the checkpoint: it survives a restart, and
 * when the task becomes active here its restore starts from that offset and reads only the tail.
 * The stores share the instance's RocksDB memory budget like active ones.
 *
 * <p>A task's stores can be open only once. A worker that is given a task calls {@link #claim}
 * before opening it: that closes the standby copy (under this object's lock, so never in the middle
 * of a write) and keeps it closed until {@link #unclaim}. The assignor never gives a standby to the
 * process owning the task, so the two meet only while a task moves here.
 *
 * <p>Thread-safe: workers call {@link #update}, {@link #claim} and {@link #unclaim}; the standby
 * thread does the rest.
 */
final class StandbyTasks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandbyTasks.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final AppRuntime app;
    private final AppOptions options;
    private final String name;
    private final Map<String, Set<Integer>> wantedByWorker = new HashMap<>();
    private final Set<Integer> claimed = new HashSet<>();
    private final Map<Integer, TaskState> open = new TreeMap<>();
    private final Map<TopicPartition, Integer> taskOfPartition = new HashMap<>();
    /** Per standby task: the records it is behind its changelogs (-1 until known). Read by any thread. */
    private final Map<Integer, Long> lags = new ConcurrentHashMap<>();
    /** Per standby task: the sum of its stores' changelog offsets. Read by any thread. */
    private final Map<Integer, Long> offsets = new ConcurrentHashMap<>();
    private volatile Consumer<byte[], byte[]> consumer;
    private Thread thread;
    private volatile boolean stopped;
    private boolean assignmentChanged;

    StandbyTasks(AppRuntime app) {
        this.app = app;
        this.options = app.options();
        this.name = options.applicationId() + "-standby";
    }

    /** Worker {@code worker} was given these standby tasks (replacing what it had). */
    synchronized void update(String worker, Set<Integer> tasks) {
        Set<Integer> before = wantedByWorker.getOrDefault(worker, Set.of());
        if (before.equals(tasks)) {
            return;
        }
        wantedByWorker.put(worker, Set.copyOf(tasks));
        if (!tasks.isEmpty() && thread == null && !stopped) {
            thread = new Thread(this::run, "eddy-" + name);
            thread.setDaemon(true);
            thread.start();
        }
        notifyAll();
    }

    /** A worker of this instance is about to open task {@code task}: close its standby copy first. */
    synchronized void claim(int task) {
        claimed.add(task);
        closeStandby(task);
    }

    /** The worker has closed task {@code task}; its stores may be a standby again. */
    synchronized void unclaim(int task) {
        claimed.remove(task);
        notifyAll();
    }

    /** Per standby task, the records it is behind (-1 while unknown); for status. */
    Map<Integer, Long> lags() {
        return new TreeMap<>(lags);
    }

    /** Per standby task, the sum of the changelog offsets its stores hold; for the assignor. */
    Map<Integer, Long> offsets() {
        return new TreeMap<>(offsets);
    }

    private Set<Integer> wanted() {
        Set<Integer> all = new TreeSet<>();
        wantedByWorker.values().forEach(all::addAll);
        all.removeAll(claimed);
        return all;
    }

    private void run() {
        try {
            consumer = KafkaClients.consumer(options, ClientRole.STANDBY_CONSUMER,
                    ClientConfigs.standbyConsumer(options, name));
            while (!stopped) {
                reconcile();
                if (taskOfPartition.isEmpty()) {
                    synchronized (this) {
                        if (!stopped && wanted().isEmpty()) {
                            wait(1_000);
                        }
                    }
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                apply(records);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopped) {
                // a standby is an optimisation: without it a moved task restores more, nothing is lost
                log.warn("{}: standby tasks stopped: {}", name, e.toString(), e);
            }
        } finally {
            synchronized (this) {
                new ArrayList<>(open.keySet()).forEach(this::closeStandby);
            }
            if (consumer != null) {
                try {
                    consumer.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    log.debug("{}: closing the standby consumer: {}", name, e.toString());
                }
            }
        }
    }

    /** Opens the wanted standbys, closes the others, and points the consumer at their changelogs. */
    private synchronized void reconcile() {
        Set<Integer> wanted = wanted();
        for (Integer task : new ArrayList<>(open.keySet())) {
            if (!wanted.contains(task)) {
                closeStandby(task);
            }
        }
        Map<TopicPartition, Long> seeks = new HashMap<>();
        for (int task : wanted) {
            if (!open.containsKey(task)) {
                TaskState state = new TaskState(task, options.plan(), app.stateEnvironment(),
                        app.stateDirectory().taskDir(task), options.storeCacheBytes());
                open.put(task, state);
                state.restoreOffsets().forEach((tp, from) -> {
                    taskOfPartition.put(tp, task);
                    seeks.put(tp, from);
                });
                offsets.put(task, offsetSum(state));
                lags.put(task, -1L);
                assignmentChanged = true;
                log.info("{}: keeping a standby copy of task {} from {}", name, task, state.restoreOffsets());
            }
        }
        if (assignmentChanged) {
            consumer.assign(new ArrayList<>(taskOfPartition.keySet()));
            seeks.forEach(consumer::seek);
            assignmentChanged = false;
        }
    }

    private static long offsetSum(TaskState state) {
        long sum = 0;
        for (long next : state.restoreOffsets().values()) {
            sum += next;
        }
        return sum;
    }

    /** Writes what was read to the standbys still open, each partition's chunk with its last offset. */
    private synchronized void apply(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            Integer task = taskOfPartition.get(tp);
            TaskState state = task == null ? null : open.get(task);
            if (state == null) {
                continue;   // closed meanwhile; a reopened standby seeks to its store's offset again
            }
            List<ConsumerRecord<byte[], byte[]>> chunk = records.records(tp);
            Map<org.apache.kafka.common.utils.Bytes, byte[]> collapsed = new java.util.LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : chunk) {
                if (r.key() != null) {
                    collapsed.put(org.apache.kafka.common.utils.Bytes.wrap(r.key()), r.value());
                }
            }
            List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>(collapsed.size());
            collapsed.forEach((k, v) -> entries.add(new AbstractMap.SimpleImmutableEntry<>(k.get(), v)));
            state.restore(tp, entries, chunk.get(chunk.size() - 1).offset());
            offsets.put(task, offsetSum(state));
        }
        for (Map.Entry<Integer, TaskState> e : open.entrySet()) {
            long lag = 0;
            boolean known = true;
            for (TopicPartition tp : e.getValue().changelogPartitions()) {
                java.util.OptionalLong l = consumer.currentLag(tp);
                if (l.isPresent()) {
                    lag += l.getAsLong();
                } else {
                    known = false;
                }
            }
            lags.put(e.getKey(), known ? lag : -1L);
        }
    }

    private void closeStandby(int task) {
        TaskState state = open.remove(task);
        lags.remove(task);
        if (state == null) {
            return;
        }
        state.changelogPartitions().forEach(taskOfPartition::remove);
        assignmentChanged = true;
        try {
            state.close();
        } catch (RuntimeException e) {
            log.warn("{}: closing the standby copy of task {}: {}", name, task, e.toString());
        }
        log.info("{}: closed the standby copy of task {}", name, task);
    }

    /** Stops the thread and closes every standby store; waits for it at most {@code timeout}. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = thread;
            notifyAll();
        }
        if (t != null) {
            if (consumer != null) {
                consumer.wakeup();
            }
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
