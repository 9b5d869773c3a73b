package io.eddy.kafka.internal;

import org.apache.kafka.common.header.Headers;

/**
 * Where a task's output records go: a Kafka producer in the runtime, an in-memory log in the test
 * driver. Called on the worker thread only; implementations need not be thread-safe.
 */
public interface RecordSink {

    /**
     * Sends one record. The partition is chosen from the key bytes the way Kafka's default
     * partitioner does (murmur2), or spread when the key is null.
     *
     * @param headers headers owned by this record (the caller made a copy); may be null
     */
    void send(String topic, byte[] key, byte[] value, long timestamp, Headers headers);

    /**
     * Sends one record to partition {@code partition} of {@code topic} (the runtime's own control
     * records, such as watermark reports on a repartition topic).
     *
     * @param key may be null
     * @param headers headers owned by this record; may be null
     * @throws UnsupportedOperationException if this sink cannot address partitions
     */
    default void send(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot send to a given partition");
    }

    /**
     * The number of partitions of {@code topic} (which must exist); may block on a metadata lookup
     * the first time.
     *
     * @throws UnsupportedOperationException if this sink does not know partition counts
     */
    default int partitions(String topic) {
        throw new UnsupportedOperationException(getClass().getName() + " does not know partition counts");
    }
}
