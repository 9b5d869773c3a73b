/**
 * The Kafka side of Eddy that users may plug into: {@link io.eddy.kafka.KafkaClientFactory}, the
 * one place every Kafka client of an application comes from, and the {@link io.eddy.kafka.ClientRole}
 * each client is created for. Everything under {@code io.eddy.kafka.internal} is implementation.
 */
package io.eddy.kafka;
