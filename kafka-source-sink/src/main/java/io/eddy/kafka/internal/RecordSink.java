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
}
