package io.eddy.dsl;

/**
 * One record given to {@link ForeachWriter#process}, with the position of the input record that
 * produced it. {@code (topic, partition, offset)} identifies the input record, so a writer can
 * make its writes idempotent by keying them with it.
 */
public record SinkRecord<K, V>(K key, V value, String topic, int partition, long offset, long timestamp) {
}
