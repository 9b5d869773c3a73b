package io.eddy.kafka.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The commit protocol on Kafka clients.
 *
 * <p><b>Exactly-once.</b> A batch is one transaction: {@code beginTransaction()} when it opens,
 * output and changelog records sent inside it, then
 * {@code sendOffsetsToTransaction(offsets, consumer.groupMetadata())} and
 * {@code commitTransaction()}: output, state changes and input offsets become visible together or
 * not at all. The group metadata carries the member's generation, so a member that was replaced
 * in the group (a zombie) cannot commit: the broker refuses its offsets.
 *
 * <p><b>At-least-once.</b> Flush the producer, check that every send succeeded, then commit the
 * offsets with {@code commitSync}: a batch whose output did not reach Kafka never commits its
 * input offsets. The low-latency loop commits the offsets with {@code commitAsync} instead
 * ({@link #commitAsync}), after the same flush.
 *
 * <p>Client exceptions are sorted into {@link CommitResult.Outcome}s here, so the batch loop never
 * sees a Kafka client type. Not thread-safe: one worker thread owns it.
 */
public final class KafkaCommitPort implements CommitPort {

    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> consumer;
    private final ProducerSink sink;
    private final boolean exactlyOnce;
    private final Duration commitTimeout;
    private final java.util.concurrent.atomic.AtomicLong failedAsyncCommits = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param producer the worker's producer; transactional (and initialised) when {@code exactlyOnce}
     * @param consumer the worker's group member, whose group metadata or offset commits seal a batch
     */
    public KafkaCommitPort(Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer, boolean exactlyOnce,
                           Duration commitTimeout) {
        this(producer, consumer, exactlyOnce, commitTimeout, false);
    }

    /**
     * @param trackAcknowledgements whether {@link #outputMark()} and {@link #outputAcknowledged}
     *        track each send (the low-latency loop commits offsets without flushing)
     */
    public KafkaCommitPort(Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer, boolean exactlyOnce,
                           Duration commitTimeout, boolean trackAcknowledgements) {
        this.producer = producer;
        this.consumer = consumer;
        this.sink = new ProducerSink(producer, trackAcknowledgements);
        this.exactlyOnce = exactlyOnce;
        this.commitTimeout = commitTimeout;
    }

    @Override
    public void begin() {
        if (exactlyOnce) {
            producer.beginTransaction();
        }
    }

    @Override
    public RecordSink sink() {
        return sink;
    }

    @Override
    public LongSupplier sendChangelog(String topic, int partition, byte[] key, byte[] value) {
        Future<RecordMetadata> sent = sink.sendTo(topic, partition, key, value);
        return () -> offsetOf(sent);
    }

    private static long offsetOf(Future<RecordMetadata> sent) {
        try {
            return sent.get().offset();   // complete: the batch's transaction (or flush) is done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading a changelog offset", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a changelog record of a committed batch has no offset: " + e.getCause(), e);
        }
    }

    @Override
    public CommitResult commit(Map<TopicPartition, CheckpointedOffset> offsets) {
        return commit(offsets, false);
    }

    /**
     * At-least-once: flushes and checks the output like {@link #commit}, then commits the offsets
     * with {@code commitAsync}; a failure of that commit is counted ({@link #failedAsyncCommits()})
     * and otherwise ignored, as the next commit carries later offsets. Exactly-once: {@link #commit}.
     */
    @Override
    public CommitResult commitAsync(Map<TopicPartition, CheckpointedOffset> offsets) {
        return commit(offsets, !exactlyOnce);
    }

    @Override
    public long outputMark() {
        return sink.mark();
    }

    @Override
    public boolean outputAcknowledged(long mark) {
        try {
            return sink.acknowledged(mark);
        } catch (ProducerSink.SendFailedException e) {
            throw new BatchFailedException(e.getMessage(), e);
        }
    }

    @Override
    public CommitResult commitOffsetsAsync(Map<TopicPartition, CheckpointedOffset> offsets) {
        if (exactlyOnce) {
            return commit(offsets);
        }
        Map<TopicPartition, OffsetAndMetadata> kafkaOffsets = new HashMap<>();
        offsets.forEach((tp, o) -> kafkaOffsets.put(tp, new OffsetAndMetadata(o.offset(), o.checkpoint().encode())));
        try {
            consumer.commitAsync(kafkaOffsets, (committed, error) -> {
                if (error != null) {
                    failedAsyncCommits.incrementAndGet();
                }
            });
            return CommitResult.COMMITTED;
        } catch (FencedInstanceIdException e) {
            return new CommitResult(CommitResult.Outcome.FENCED, e);
        } catch (KafkaException e) {
            return new CommitResult(CommitResult.Outcome.CLIENTS_UNUSABLE, e);
        }
    }

    /** Asynchronous offset commits that failed so far (any thread). */
    public long failedAsyncCommits() {
        return failedAsyncCommits.get();
    }

    private CommitResult commit(Map<TopicPartition, CheckpointedOffset> offsets, boolean async) {
        Map<TopicPartition, OffsetAndMetadata> kafkaOffsets = new HashMap<>();
        offsets.forEach((tp, o) -> kafkaOffsets.put(tp, new OffsetAndMetadata(o.offset(), o.checkpoint().encode())));
        try {
            if (exactlyOnce) {
                if (!kafkaOffsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(kafkaOffsets, consumer.groupMetadata());
                }
                producer.commitTransaction();
            } else {
                producer.flush();
                sink.checkNoSendFailed();
                if (kafkaOffsets.isEmpty()) {
                    return CommitResult.COMMITTED;
                }
                if (async) {
                    consumer.commitAsync(kafkaOffsets, (committed, error) -> {
                        if (error != null) {
                            failedAsyncCommits.incrementAndGet();
                        }
                    });
                } else {
                    commitOffsetsSync(kafkaOffsets);
                }
            }
            return CommitResult.COMMITTED;
        } catch (ProducerFencedException | FencedInstanceIdException e) {
            return new CommitResult(CommitResult.Outcome.FENCED, e);
        } catch (CommitFailedException | RebalanceInProgressException | UnknownMemberIdException
                 | IllegalGenerationException | TransactionAbortableException e) {
            return new CommitResult(CommitResult.Outcome.REFUSED_REBALANCE, e);
        } catch (InvalidProducerEpochException | TimeoutException e) {
            return new CommitResult(CommitResult.Outcome.CLIENTS_UNUSABLE, e);
        } catch (ProducerSink.SendFailedException e) {
            throw new BatchFailedException(e.getMessage(), e);
        } catch (KafkaException e) {
            try {
                sink.checkNoSendFailed();
            } catch (ProducerSink.SendFailedException sendFailure) {
                throw new BatchFailedException(sendFailure.getMessage(), sendFailure);
            }
            throw new BatchFailedException(e.toString(), e);
        }
    }

    private void commitOffsetsSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, commitTimeout);
        } catch (WakeupException e) {
            consumer.commitSync(offsets, commitTimeout);   // a stop request must not cost the commit
        }
    }

    @Override
    public boolean abort() {
        sink.reset();
        if (!exactlyOnce) {
            return true;
        }
        try {
            producer.abortTransaction();
            return true;
        } catch (KafkaException | IllegalStateException e) {
            return false;   // fenced, or in no transaction: a new producer is needed
        }
    }
}
