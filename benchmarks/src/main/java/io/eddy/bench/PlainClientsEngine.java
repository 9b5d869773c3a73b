package io.eddy.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The workloads written directly against the Kafka clients, as a careful user would without a
 * framework: per thread one consumer ({@code read_committed}, no auto commit) and one producer.
 * Client defaults otherwise, except the consumer's fetch sizes, which are Eddy's worker's
 * ({@code max.partition.fetch.bytes} 8 MiB, {@code fetch.max.bytes} 16 MiB), a setting a careful
 * user tunes for throughput: so the loop stays the lower bound of what the clients cost.
 *
 * <p>Exactly-once (W1, W2, W3, W5): a transactional producer; {@code beginTransaction} at the first
 * record after a commit, a send per output record, and every commit interval
 * {@code sendOffsetsToTransaction(offsets, groupMetadata)} then {@code commitTransaction}.
 * At-least-once (W6): an idempotent producer; every commit interval {@code flush()} then the
 * consumer's {@code commitSync(offsets)}.
 *
 * <p>The count by key (W2, W6) keeps a {@code HashMap} of counts per input partition. A record
 * increments its key's count and marks the key changed; at each commit, every changed key is
 * written once with its new count to the output topic <em>and</em> to partition {@code p} of the
 * changelog topic {@code <application id>-counts-changelog} (compacted, created at start), in the
 * same transaction as the offsets (W2) or before the offset commit (W6). That keeps the guarantee
 * equal to the engines': a partition this loop is assigned is first restored from its changelog,
 * and after an aborted transaction the loop drops its counts, restores them from the changelog and
 * rewinds to the committed offsets. The counts live on the heap only (no RocksDB), which is what
 * a hand-written loop would do and why it is the upper bound here.
 *
 * <p>The windowed count (W3) keeps a {@link WindowCounts} per input partition: counts per (key,
 * one-minute window) of the record timestamps, and Eddy's watermark (largest event time − the
 * allowed delay, moved at each commit). At each commit, every window the new watermark closes is
 * written once to the output (key: the key's bytes then the window start as 8 bytes, like Kafka
 * Streams' {@code TimeWindowedSerializer}; value: the count) and deleted from the changelog if it
 * was logged there, and every changed count of a window still open goes to the changelog; the
 * largest event time of each partition travels as the metadata of its committed offset, in the
 * same transaction. A newly assigned partition is restored from both.
 *
 * <p>On a rebalance the open batch commits before partitions are revoked; a commit that fails for
 * a retriable reason aborts and rewinds to the committed offsets. Fencing, or a failed send, stops
 * the engine. No restore workload (W4): the plain clients have no store.
 */
final class PlainClientsEngine implements RunningEngine {
    /**
     * System property of the engine JVM: which instance of a multi-instance run it is (0 if unset),
     * so that the loops of two instances get different client and transactional ids.
     */
    static final String INSTANCE_PROPERTY = "eddy.bench.instance";
    private final List<Loop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private PlainClientsEngine() {
    }

    static PlainClientsEngine start(EngineSpec spec) {
        if (spec.workload().kind() == Workload.Kind.RESTORE) {
            throw new UnsupportedOperationException("the plain clients have no store to restore (" + spec.workload() + ")");
        }
        if (spec.workload().counts() || spec.workload().windowed()) {
            createChangelog(spec);
        }
        PlainClientsEngine engine = new PlainClientsEngine();
        for (int i = 0; i < spec.threads(); i++) {
            Loop loop = engine.new Loop(spec, i);
            Thread thread = new Thread(loop, "plain-loop-" + i);
            engine.loops.add(loop);
            engine.threads.add(thread);
        }
        engine.threads.forEach(Thread::start);
        return engine;
    }

    /** Creates the compacted changelog topic with as many partitions as the input, unless it exists. */
    private static void createChangelog(EngineSpec spec) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(spec.inputTopic())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(spec.inputTopic()).partitions().size();
            admin.createTopics(List.of(new NewTopic(Workload.changelogTopic(spec.applicationId()), partitions, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the changelog topic: " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the changelog topic", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating the changelog topic took longer than 30 s", e);
        }
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public void close(Duration timeout) {
        loops.forEach(Loop::requestStop);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    /** A windowed key as Kafka Streams' {@code TimeWindowedSerializer} writes it: the key's bytes, then the start. */
    private static byte[] windowKey(String key, long start) {
        byte[] k = utf8(key);
        return ByteBuffer.allocate(k.length + Long.BYTES).put(k).putLong(start).array();
    }

    /** A key's count and whether it changed since the last commit. */
    private static final class Counter {
        final String key;
        long count;
        boolean changed;

        Counter(String key, long count) {
            this.key = key;
            this.count = count;
        }
    }

    /** The counts of one input partition and the keys changed since the last commit. */
    private static final class PartitionCounts {
        final Map<String, Counter> byKey = new HashMap<>();
        final List<Counter> changed = new ArrayList<>();
    }

    /** One consume-transform-produce loop: one group member, one producer. */
    private final class Loop implements Runnable, ConsumerRebalanceListener, Callback {
        private final EngineSpec spec;
        private final boolean exactlyOnce;
        private final boolean counts;
        private final boolean windowed;
        private final String name;
        private final String changelog;
        private final KafkaConsumer<String, String> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        private final Map<Integer, PartitionCounts> state = new HashMap<>();
        private final Map<Integer, WindowCounts> windowState = new HashMap<>();
        private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
        private final long commitMillis;
        private KafkaConsumer<byte[], byte[]> restoreConsumer;
        private volatile boolean stopping;
        private boolean inBatch;
        private long batchStart;

        Loop(EngineSpec spec, int index) {
            this.spec = spec;
            this.exactlyOnce = spec.workload().exactlyOnce();
            this.counts = spec.workload().counts();
            this.windowed = spec.workload().windowed();
            this.commitMillis = spec.commitMillis();
            int instance = Integer.getInteger(INSTANCE_PROPERTY, 0);
            this.name = spec.applicationId() + (instance == 0 ? "" : "-i" + instance) + "-" + index;
            this.changelog = Workload.changelogTopic(spec.applicationId());
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, spec.applicationId(),
                    ConsumerConfig.CLIENT_ID_CONFIG, name + "-consumer",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, StreamsTuning.PARTITION_FETCH_BYTES,
                    ConsumerConfig.FETCH_MAX_BYTES_CONFIG, StreamsTuning.FETCH_BYTES));
            Map<String, Object> producerConfig = new HashMap<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers(),
                    ProducerConfig.CLIENT_ID_CONFIG, name + "-producer",
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
            if (exactlyOnce) {
                producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, name);
            }
            this.producer = new KafkaProducer<>(producerConfig);
        }

        void requestStop() {
            stopping = true;
            consumer.wakeup();
        }

        @Override
        public void run() {
            try {
                if (exactlyOnce) {
                    producer.initTransactions();
                }
                consumer.subscribe(List.of(spec.inputTopic()), this);
                while (!stopping) {
                    try {
                        pollOnce();
                    } catch (WakeupException e) {
                        // requestStop(): the loop condition decides
                    }
                }
                if (inBatch) {
                    commit();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                producer.close(Duration.ofSeconds(5));
                if (restoreConsumer != null) {
                    restoreConsumer.close(Duration.ofSeconds(5));
                }
            }
        }

        private void pollOnce() {
            long now = System.currentTimeMillis();
            long timeout = inBatch ? Math.max(0, batchStart + commitMillis - now) : commitMillis;
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(timeout));
            if (!records.isEmpty()) {
                if (!inBatch) {
                    if (exactlyOnce) {
                        producer.beginTransaction();
                    }
                    inBatch = true;
                    batchStart = System.currentTimeMillis();
                }
                for (TopicPartition tp : records.partitions()) {
                    List<ConsumerRecord<String, String>> list = records.records(tp);
                    if (counts) {
                        count(tp, list);
                    } else if (windowed) {
                        countWindows(tp, list);
                    } else {
                        mapAndFilter(list);
                    }
                    offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
                }
            }
            if (inBatch && System.currentTimeMillis() - batchStart >= commitMillis) {
                commit();
            }
        }

        private void mapAndFilter(List<ConsumerRecord<String, String>> list) {
            String output = spec.outputTopic();
            for (ConsumerRecord<String, String> r : list) {
                String value = Workload.w1Map(r.value());
                if (Workload.w1Keep(r.key(), value)) {
                    producer.send(new ProducerRecord<>(output, null, r.timestamp(), utf8(r.key()), utf8(value),
                            r.headers()), this);
                }
            }
        }

        private void count(TopicPartition tp, List<ConsumerRecord<String, String>> list) {
            PartitionCounts partition = state.computeIfAbsent(tp.partition(), p -> new PartitionCounts());
            for (ConsumerRecord<String, String> r : list) {
                Counter c = partition.byKey.get(r.key());
                if (c == null) {
                    c = new Counter(r.key(), 0);
                    partition.byKey.put(r.key(), c);
                }
                c.count++;
                if (!c.changed) {
                    c.changed = true;
                    partition.changed.add(c);
                }
            }
        }

        private void countWindows(TopicPartition tp, List<ConsumerRecord<String, String>> list) {
            WindowCounts windows = windowState.computeIfAbsent(tp.partition(), p -> newWindowCounts());
            for (ConsumerRecord<String, String> r : list) {
                windows.add(r.key(), r.timestamp());
            }
        }

        private WindowCounts newWindowCounts() {
            return new WindowCounts(EventTimeInput.WINDOW_MILLIS, spec.allowedDelayMillis());
        }

        /**
         * Closes the windows each partition's new watermark passes (output, and a tombstone if the
         * changelog holds them), logs the other changed counts, and puts each partition's largest
         * event time into its offset's metadata.
         */
        private void writeWindows() {
            for (Map.Entry<Integer, WindowCounts> e : windowState.entrySet()) {
                int partition = e.getKey();
                WindowCounts windows = e.getValue();
                windows.commit(new WindowCounts.Sink() {
                    @Override
                    public void closed(String key, long start, long count, boolean logged) {
                        byte[] windowKey = windowKey(key, start);
                        producer.send(new ProducerRecord<>(spec.outputTopic(), null,
                                start + EventTimeInput.WINDOW_MILLIS - 1, windowKey, longBytes(count)), Loop.this);
                        if (logged) {
                            producer.send(new ProducerRecord<>(changelog, partition, windowKey, null), Loop.this);
                        }
                    }

                    @Override
                    public void changed(String key, long start, long count) {
                        producer.send(new ProducerRecord<>(changelog, partition, windowKey(key, start),
                                longBytes(count)), Loop.this);
                    }
                });
                TopicPartition tp = new TopicPartition(spec.inputTopic(), partition);
                OffsetAndMetadata om = offsets.get(tp);
                if (om != null) {
                    offsets.put(tp, new OffsetAndMetadata(om.offset(), Long.toString(windows.maxEventTime())));
                }
            }
        }

        /** Writes every changed count to the output and to its changelog partition. */
        private void writeChangedCounts() {
            for (Map.Entry<Integer, PartitionCounts> e : state.entrySet()) {
                PartitionCounts partition = e.getValue();
                for (Counter c : partition.changed) {
                    byte[] key = utf8(c.key);
                    byte[] value = ByteBuffer.allocate(Long.BYTES).putLong(c.count).array();
                    producer.send(new ProducerRecord<>(spec.outputTopic(), key, value), this);
                    producer.send(new ProducerRecord<>(changelog, e.getKey(), key, value), this);
                    c.changed = false;
                }
                partition.changed.clear();
            }
        }

        private void commit() {
            try {
                if (counts) {
                    writeChangedCounts();
                } else if (windowed) {
                    writeWindows();
                }
                if (exactlyOnce) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                } else {
                    producer.flush();
                    if (sendFailure.get() != null) {
                        throw new IllegalStateException("a send failed", sendFailure.get());
                    }
                    consumer.commitSync(offsets);
                }
            } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
                throw e;
            } catch (KafkaException e) {
                if (sendFailure.get() != null) {
                    throw new IllegalStateException("a send failed", sendFailure.get());
                }
                if (exactlyOnce) {
                    producer.abortTransaction();
                    if (counts || windowed) {
                        state.clear();
                        windowState.clear();
                        restore(consumer.assignment());
                    }
                }
                rewind();
            } finally {
                offsets.clear();
                inBatch = false;
            }
        }

        private void rewind() {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(consumer.assignment()));
            for (TopicPartition tp : consumer.assignment()) {
                OffsetAndMetadata om = committed.get(tp);
                if (om == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, om.offset());
                }
            }
        }

        /**
         * Loads the counts (or window counts) of {@code inputs} from their changelog partitions,
         * read_committed, to the end; for window counts also the largest event time committed with
         * each partition's offset.
         */
        private void restore(Collection<TopicPartition> inputs) {
            if (inputs.isEmpty()) {
                return;
            }
            if (restoreConsumer == null) {
                restoreConsumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers(),
                        ConsumerConfig.CLIENT_ID_CONFIG, name + "-restore",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
            }
            List<TopicPartition> changelogs = new ArrayList<>();
            for (TopicPartition tp : inputs) {
                changelogs.add(new TopicPartition(changelog, tp.partition()));
                if (windowed) {
                    windowState.put(tp.partition(), newWindowCounts());
                } else {
                    state.put(tp.partition(), new PartitionCounts());
                }
            }
            if (windowed) {
                consumer.committed(new HashSet<>(inputs)).forEach((tp, om) -> {
                    if (om != null && !om.metadata().isEmpty()) {
                        windowState.get(tp.partition()).restoreMaxEventTime(Long.parseLong(om.metadata()));
                    }
                });
            }
            restoreConsumer.assign(changelogs);
            restoreConsumer.seekToBeginning(changelogs);
            Map<TopicPartition, Long> ends = restoreConsumer.endOffsets(changelogs);
            while (true) {
                boolean atEnd = true;
                for (TopicPartition tp : changelogs) {
                    atEnd &= restoreConsumer.position(tp) >= ends.get(tp);
                }
                if (atEnd) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : restoreConsumer.poll(Duration.ofMillis(100))) {
                    if (windowed) {
                        restoreWindow(windowState.get(r.partition()), r.key(), r.value());
                        continue;
                    }
                    PartitionCounts partition = state.get(r.partition());
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        partition.byKey.remove(key);
                    } else {
                        partition.byKey.put(key, new Counter(key, ByteBuffer.wrap(r.value()).getLong()));
                    }
                }
            }
            restoreConsumer.assign(List.of());
        }

        private static void restoreWindow(WindowCounts windows, byte[] windowKey, byte[] value) {
            int keyLength = windowKey.length - Long.BYTES;
            String key = new String(windowKey, 0, keyLength, StandardCharsets.UTF_8);
            long start = ByteBuffer.wrap(windowKey, keyLength, Long.BYTES).getLong();
            if (value == null) {
                windows.restoreDeleted(key, start);
            } else {
                windows.restore(key, start, ByteBuffer.wrap(value).getLong());
            }
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                sendFailure.compareAndSet(null, exception);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (inBatch) {
                commit();
            }
            partitions.forEach(tp -> {
                state.remove(tp.partition());
                windowState.remove(tp.partition());
            });
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (counts || windowed) {
                restore(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (inBatch && exactlyOnce) {
                producer.abortTransaction();
            }
            offsets.clear();
            inBatch = false;
            partitions.forEach(tp -> {
                state.remove(tp.partition());
                windowState.remove(tp.partition());
            });
        }
    }
}
