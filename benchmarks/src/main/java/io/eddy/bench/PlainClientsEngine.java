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
 * Client defaults otherwise.
 *
 * <p>Exactly-once (W1, W2, W5): a transactional producer; {@code beginTransaction} at the first
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
 * <p>On a rebalance the open batch commits before partitions are revoked; a commit that fails for
 * a retriable reason aborts and rewinds to the committed offsets. Fencing, or a failed send, stops
 * the engine. No restore workload (W4): the plain clients have no store.
 */
final class PlainClientsEngine implements RunningEngine {
    private final List<Loop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private PlainClientsEngine() {
    }

    static PlainClientsEngine start(EngineSpec spec) {
        if (spec.workload().kind() == Workload.Kind.RESTORE) {
            throw new UnsupportedOperationException("the plain clients have no store to restore (" + spec.workload() + ")");
        }
        if (spec.workload().counts()) {
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
        private final String name;
        private final String changelog;
        private final KafkaConsumer<String, String> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        private final Map<Integer, PartitionCounts> state = new HashMap<>();
        private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
        private final long commitMillis;
        private KafkaConsumer<String, byte[]> restoreConsumer;
        private volatile boolean stopping;
        private boolean inBatch;
        private long batchStart;

        Loop(EngineSpec spec, int index) {
            this.spec = spec;
            this.exactlyOnce = spec.workload().exactlyOnce();
            this.counts = spec.workload().counts();
            this.commitMillis = spec.commitMillis();
            this.name = spec.applicationId() + "-" + index;
            this.changelog = Workload.changelogTopic(spec.applicationId());
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, spec.applicationId(),
                    ConsumerConfig.CLIENT_ID_CONFIG, name + "-consumer",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
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
                    if (counts) {
                        state.clear();
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

        /** Loads the counts of {@code inputs} from their changelog partitions, read_committed, to the end. */
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
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
            }
            List<TopicPartition> changelogs = new ArrayList<>();
            for (TopicPartition tp : inputs) {
                changelogs.add(new TopicPartition(changelog, tp.partition()));
                state.put(tp.partition(), new PartitionCounts());
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
                for (ConsumerRecord<String, byte[]> r : restoreConsumer.poll(Duration.ofMillis(100))) {
                    PartitionCounts partition = state.get(r.partition());
                    if (r.value() == null) {
                        partition.byKey.remove(r.key());
                    } else {
                        partition.byKey.put(r.key(), new Counter(r.key(), ByteBuffer.wrap(r.value()).getLong()));
                    }
                }
            }
            restoreConsumer.assign(List.of());
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
            partitions.forEach(tp -> state.remove(tp.partition()));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (counts) {
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
            partitions.forEach(tp -> state.remove(tp.partition()));
        }
    }
}
