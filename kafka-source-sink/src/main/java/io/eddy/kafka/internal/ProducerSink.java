package io.eddy.kafka.internal;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;

/**
 * A {@link RecordSink} over a Kafka producer. Sends are asynchronous; the first failed send is
 * remembered (one callback object for all records, no allocation per record beyond the
 * {@link ProducerRecord}) and reported by {@link #checkNoSendFailed()} before a batch commits,
 * so a batch whose output did not reach Kafka never commits its input offsets.
 */
public final class ProducerSink implements RecordSink, Callback {

    private final Producer<byte[], byte[]> producer;
    private final AtomicReference<SendFailure> firstFailure = new AtomicReference<>();

    /** Sends not known to be complete, oldest first; null unless acknowledgements are tracked. */
    private final java.util.ArrayDeque<java.util.concurrent.Future<RecordMetadata>> unacknowledged;
    private long sent;
    private long acknowledged;

    public ProducerSink(Producer<byte[], byte[]> producer) {
        this(producer, false);
    }

    /**
     * @param trackAcknowledgements whether {@link #mark()} and {@link #acknowledged(long)} are used:
     *        each send's future is then kept until it completes
     */
    public ProducerSink(Producer<byte[], byte[]> producer, boolean trackAcknowledgements) {
        this.producer = producer;
        this.unacknowledged = trackAcknowledgements ? new java.util.ArrayDeque<>() : null;
    }

    @Override
    public void send(String topic, byte[] key, byte[] value, long timestamp, Headers headers) {
        track(producer.send(new ProducerRecord<>(topic, null, timestamp, key, value, headers), this));
    }

    @Override
    public void send(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        track(producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value, headers), this));
    }

    private java.util.concurrent.Future<RecordMetadata> track(java.util.concurrent.Future<RecordMetadata> future) {
        if (unacknowledged != null) {
            unacknowledged.addLast(future);
            sent++;
        }
        return future;
    }

    /**
     * How many records were sent so far, for {@link #acknowledged(long)}; 0 unless acknowledgements
     * are tracked. The sending thread only.
     */
    public long mark() {
        return sent;
    }

    /**
     * Whether every record sent before {@code mark} (a {@link #mark()}) is acknowledged by the
     * broker; never waits. Sends complete out of order across partitions, so the futures are
     * released oldest first, each once done. True if acknowledgements are not tracked. The
     * sending thread only.
     *
     * @throws SendFailedException if a send failed
     */
    public boolean acknowledged(long mark) {
        if (unacknowledged == null) {
            return true;
        }
        java.util.concurrent.Future<RecordMetadata> head;
        while ((head = unacknowledged.peekFirst()) != null && head.isDone()) {
            unacknowledged.pollFirst();
            acknowledged++;
        }
        checkNoSendFailed();
        return acknowledged >= mark;
    }

    @Override
    public int partitions(String topic) {
        return producer.partitionsFor(topic).size();
    }

    /**
     * Sends a record to a given partition (changelog records go to the partition of their task)
     * and returns its future, whose offset the caller reads once the batch has committed.
     */
    public java.util.concurrent.Future<RecordMetadata> sendTo(String topic, int partition, byte[] key, byte[] value) {
        return track(producer.send(new ProducerRecord<>(topic, partition, null, key, value), this));
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception != null) {
            firstFailure.compareAndSet(null, new SendFailure(metadata == null ? "?" : metadata.topic(), exception));
        }
    }

    /** Throws the first send failure since the last {@link #reset()}, if any. */
    public void checkNoSendFailed() {
        SendFailure failure = firstFailure.get();
        if (failure != null) {
            throw new SendFailedException("sending to topic '" + failure.topic + "' failed: "
                    + failure.cause.getMessage(), failure.cause);
        }
    }

    /** Forgets a remembered failure, after the batch that saw it was aborted. */
    public void reset() {
        firstFailure.set(null);
    }

    /** The underlying producer. */
    public Producer<byte[], byte[]> producer() {
        return producer;
    }

    private record SendFailure(String topic, Exception cause) {
    }

    /** A record of the batch could not be written to Kafka. */
    public static final class SendFailedException extends RuntimeException {
        SendFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
