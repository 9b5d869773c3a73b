package io.eddy.internal.runtime;

import io.eddy.kafka.internal.RecordSink;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.Headers;

/**
 * A {@link RecordSink} that counts the records of the open batch per topic (outputs, repartition
 * and dead-letter topics) for {@link io.eddy.BatchProgress#sinkRecords()}, then passes them on. The
 * runtime's control records (sent to a given partition) are not counted. One map lookup per record;
 * the loop's thread only.
 */
final class CountingSink implements RecordSink {
    private final RecordSink delegate;
    private final Map<String, long[]> counts;

    CountingSink(RecordSink delegate, Map<String, long[]> counts) {
        this.delegate = delegate;
        this.counts = counts;
    }

    @Override
    public void send(String topic, byte[] key, byte[] value, long timestamp, Headers headers) {
        delegate.send(topic, key, value, timestamp, headers);
        long[] n = counts.get(topic);
        if (n == null) {
            counts.put(topic, n = new long[1]);
        }
        n[0]++;
    }

    @Override
    public void send(String topic, int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
        delegate.send(topic, partition, key, value, timestamp, headers);
    }

    @Override
    public int partitions(String topic) {
        return delegate.partitions(topic);
    }

    /** The counts of the batch, by topic, and starts over. */
    static Map<String, Long> drain(Map<String, long[]> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((topic, n) -> {
            if (n[0] > 0) {
                out.put(topic, n[0]);
                n[0] = 0;
            }
        });
        return out;
    }
}
