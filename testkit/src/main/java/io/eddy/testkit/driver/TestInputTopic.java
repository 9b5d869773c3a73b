package io.eddy.testkit.driver;

import io.eddy.serde.Serde;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes typed records into an input topic of a {@link TestDriver}. Records wait in the topic until
 * the next {@link TestDriver#runBatch()}. Not thread-safe.
 */
public final class TestInputTopic<K, V> {
    private final TestDriver driver;
    private final String topic;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;

    TestInputTopic(TestDriver driver, String topic, Serde<K> keySerde, Serde<V> valueSerde) {
        this.driver = driver;
        this.topic = topic;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    /** Appends a record timestamped with the driver's clock, partitioned by key like Kafka's default partitioner. */
    public void pipe(K key, V value) {
        pipe(key, value, driver.now());
    }

    /** Appends a record with the given timestamp, partitioned by key. */
    public void pipe(K key, V value, Instant timestamp) {
        pipe(-1, key, value, timestamp, new RecordHeaders());
    }

    /**
     * Appends a record to an explicit partition ({@code -1}: by key) with a timestamp and headers.
     */
    public void pipe(int partition, K key, V value, Instant timestamp, Headers headers) {
        byte[] k = keySerde.serialize(topic, headers, key);
        byte[] v = valueSerde.serialize(topic, headers, value);
        driver.append(topic, partition, k, v, timestamp.toEpochMilli(), headers);
    }

    /** Appends raw bytes, for example a poison record no serde can read. */
    public void pipeRaw(int partition, byte[] key, byte[] value) {
        driver.append(topic, partition, key, value, driver.now().toEpochMilli(), new RecordHeaders());
    }
}
