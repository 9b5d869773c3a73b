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

    public ProducerSink(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    @Override
    public void send(String topic, byte[] key, byte[] value, long timestamp, Headers headers) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, value, headers), this);
    }

    @Override
    public void send(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value, headers), this);
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
        return producer.send(new ProducerRecord<>(topic, partition, null, key, value), this);
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
