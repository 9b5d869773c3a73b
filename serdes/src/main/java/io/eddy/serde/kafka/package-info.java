/**
 * Eddy's serdes and Kafka's serializers, each usable as the other: {@link io.eddy.serde.kafka.KafkaSerdes}
 * adapts any Eddy {@link io.eddy.serde.Serde} to Kafka's {@code Serializer}, {@code Deserializer}
 * and {@code Serde} (headers included) and any Kafka serde to an Eddy one;
 * {@link io.eddy.serde.kafka.RegistrySerdeConfig} reads a registry serde's configuration from a
 * Kafka-style properties map with Confluent's property names;
 * {@link io.eddy.serde.kafka.RegistryKafkaSerializer} and
 * {@link io.eddy.serde.kafka.RegistryKafkaDeserializer} turn any registry serde into a Kafka
 * class configured by those properties (the Protobuf and JSON Schema modules have theirs); and
 * {@link io.eddy.serde.kafka.AvroKafkaSerializer}, {@link io.eddy.serde.kafka.AvroKafkaDeserializer}
 * and {@link io.eddy.serde.kafka.AvroKafkaSerde} are Eddy's Avro serde as classes a Kafka client
 * can be configured with by name.
 */
package io.eddy.serde.kafka;
