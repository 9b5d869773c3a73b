package io.eddy.internal.runtime;

import org.apache.kafka.common.header.Headers;

/**
 * The input record a task is processing right now: set once per input record by the task, read by
 * every node on the record's path (sinks copy timestamp and headers from it). One mutable instance
 * per task, so the record path allocates nothing for it.
 */
public final class RecordContext {
    String topic;
    int partition;
    long offset;
    long timestamp;
    Headers headers;

    void set(String topic, int partition, long offset, long timestamp, Headers headers) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.headers = headers;
    }

    /** A table emitting a changed row at commit: no input record, the row's latest timestamp. */
    void emitting(long timestamp) {
        this.timestamp = timestamp;
        this.headers = null;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public long timestamp() {
        return timestamp;
    }

    public Headers headers() {
        return headers;
    }
}
