package io.eddy.testkit.driver;

import org.apache.kafka.common.header.Headers;

/**
 * A record read from a {@link TestOutputTopic}: typed key and value, the partition it went to,
 * its timestamp and its headers.
 */
public record TestRecord<K, V>(K key, V value, int partition, long timestamp, Headers headers) {
}
