package io.eddy.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The workloads written directly against the Kafka clients, as a careful user would without a
 * framework: per thread one consumer ({@code read_committed}, no auto commit) and one
 * transactional producer; {@code beginTransaction} at the first record after a commit, a send per
 * output record, and every commit interval {@code sendOffsetsToTransaction(offsets,
 * groupMetadata)} then {@code commitTransaction}. Client defaults otherwise.
 *
 * <p>On a rebalance the open transaction commits before partitions are revoked; a commit that
 * fails for a retriable reason aborts and rewinds to the committed offsets. Fencing, or a failed
 * send, stops the engine.
 */
final class PlainClientsEngine implements RunningEngine {
    private final List<Loop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private PlainClientsEngine() {
    }

    static PlainClientsEngine start(EngineSpec spec) {
        if (spec.workload() != Workload.W1) {
            throw new UnsupportedOperationException("the plain clients run only stateless workloads, not "
                    + spec.workload());
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

    /** One consume-transform-produce loop: one group member, one transactional producer. */
    private final class Loop implements Runnable, ConsumerRebalanceListener, Callback {
        private final EngineSpec spec;
        private final KafkaConsumer<String, String> consumer;
        private final KafkaProducer<String, String> producer;
        private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
        private final long commitMillis;
        private volatile boolean stopping;
        private boolean inTransaction;
        private long transactionStart;

        Loop(EngineSpec spec, int index) {
            this.spec = spec;
            this.commitMillis = spec.commitMillis();
            String name = spec.applicationId() + "-" + index;
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, spec.applicationId(),
                    ConsumerConfig.CLIENT_ID_CONFIG, name + "-consumer",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
            this.producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers(),
                    ProducerConfig.CLIENT_ID_CONFIG, name + "-producer",
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, name,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        }

        void requestStop() {
            stopping = true;
            consumer.wakeup();
        }

        @Override
        public void run() {
            try {
                producer.initTransactions();
                consumer.subscribe(List.of(spec.inputTopic()), this);
                while (!stopping) {
                    try {
                        pollOnce();
                    } catch (WakeupException e) {
                        // requestStop(): the loop condition decides
                    }
                }
                if (inTransaction) {
                    commit();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                producer.close(Duration.ofSeconds(5));
            }
        }

        private void pollOnce() {
            long now = System.currentTimeMillis();
            long timeout = inTransaction ? Math.max(0, transactionStart + commitMillis - now) : commitMillis;
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(timeout));
            if (!records.isEmpty()) {
                if (!inTransaction) {
                    producer.beginTransaction();
                    inTransaction = true;
                    transactionStart = System.currentTimeMillis();
                }
                String output = spec.outputTopic();
                for (TopicPartition tp : records.partitions()) {
                    List<ConsumerRecord<String, String>> list = records.records(tp);
                    for (ConsumerRecord<String, String> r : list) {
                        String value = Workload.w1Map(r.value());
                        if (Workload.w1Keep(r.key(), value)) {
                            producer.send(new ProducerRecord<>(output, null, r.timestamp(), r.key(), value,
                                    r.headers()), this);
                        }
                    }
                    offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
                }
            }
            if (inTransaction && System.currentTimeMillis() - transactionStart >= commitMillis) {
                commit();
            }
        }

        private void commit() {
            try {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
                throw e;
            } catch (KafkaException e) {
                if (sendFailure.get() != null) {
                    throw new IllegalStateException("a send failed", sendFailure.get());
                }
                producer.abortTransaction();
                rewind();
            } finally {
                offsets.clear();
                inTransaction = false;
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

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                sendFailure.compareAndSet(null, exception);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (inTransaction) {
                commit();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (inTransaction) {
                producer.abortTransaction();
                offsets.clear();
                inTransaction = false;
            }
        }
    }
}
