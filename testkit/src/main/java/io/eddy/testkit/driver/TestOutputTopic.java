package io.eddy.testkit.driver;

import io.eddy.dsl.KeyValue;
import io.eddy.serde.Serde;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the committed records of an output topic of a {@link TestDriver}, typed. Each read returns
 * the records committed since the previous read, in the order they were written. Not thread-safe.
 */
public final class TestOutputTopic<K, V> {
    private final TestDriver driver;
    private final String topic;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private int position;

    TestOutputTopic(TestDriver driver, String topic, Serde<K> keySerde, Serde<V> valueSerde) {
        this.driver = driver;
        this.topic = topic;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    /** The records committed since the last read. */
    public List<TestRecord<K, V>> readRecords() {
        List<MemoryTopics.StoredRecord> log = driver.committed(topic);
        List<TestRecord<K, V>> out = new ArrayList<>();
        for (; position < log.size(); position++) {
            MemoryTopics.StoredRecord r = log.get(position);
            out.add(new TestRecord<>(keySerde.deserialize(topic, r.headers(), r.key()),
                    valueSerde.deserialize(topic, r.headers(), r.value()), r.partition(), r.timestamp(), r.headers()));
        }
        return out;
    }

    /** The key-value pairs committed since the last read. */
    public List<KeyValue<K, V>> readKeyValues() {
        return readRecords().stream().map(r -> KeyValue.of(r.key(), r.value())).toList();
    }

    /** The values committed since the last read. */
    public List<V> readValues() {
        return readRecords().stream().map(TestRecord::value).toList();
    }

    /** Whether nothing was committed since the last read. */
    public boolean isEmpty() {
        return position >= driver.committed(topic).size();
    }
}
