package io.eddy.serde.kafka;

import io.eddy.serde.Serde;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Adapters between Eddy's {@link Serde} and Kafka's {@link Serializer}, {@link Deserializer} and
 * {@link org.apache.kafka.common.serialization.Serde}, in both directions, headers included.
 *
 * <pre>{@code
 * // an Eddy serde in a plain KafkaProducer
 * Serde<GenericRecord> orders = AvroSerdes.generic(registry);
 * KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(props,
 *         new StringSerializer(), KafkaSerdes.asKafkaSerializer(orders));
 *
 * // a team's own Kafka serde (or Apicurio's) in an Eddy pipeline
 * Serde<Order> orderSerde = KafkaSerdes.fromKafka(new OrderKafkaSerde(), Map.of("some.option", "x"), false);
 * }</pre>
 *
 * <p>Each adapter only forwards calls: it shares the wrapped object's thread-safety (Eddy serdes
 * are thread-safe; an Eddy pipeline shares one serde among its workers, so a wrapped Kafka serde
 * must be too, as Kafka's own and Confluent's are) and its null handling. Closing a Kafka-side
 * adapter does nothing (an Eddy serde owns no resources; close the registry client yourself);
 * an Eddy-side adapter never closes the Kafka serde it wraps.
 */
public final class KafkaSerdes {

    private KafkaSerdes() {
    }

    /**
     * An Eddy serde as a Kafka {@code Serializer}. Kafka's header-aware {@code serialize(topic,
     * headers, data)} (the one a {@code KafkaProducer} calls) goes to the serde's header-aware
     * variant, so a registry serde in header mode writes its schema-id header there.
     */
    public static <T> Serializer<T> asKafkaSerializer(Serde<T> serde) {
        Objects.requireNonNull(serde, "serde");
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, T data) {
                return serde.serialize(topic, data);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, T data) {
                return headers == null ? serde.serialize(topic, data) : serde.serialize(topic, headers, data);
            }

            @Override
            public String toString() {
                return "KafkaSerializer(" + serde + ")";
            }
        };
    }

    /**
     * An Eddy serde as a Kafka {@code Deserializer}; the header-aware variant reads the record's
     * headers (a registry serde finds a schema-id header there first).
     */
    public static <T> Deserializer<T> asKafkaDeserializer(Serde<T> serde) {
        Objects.requireNonNull(serde, "serde");
        return new Deserializer<>() {
            @Override
            public T deserialize(String topic, byte[] data) {
                return serde.deserialize(topic, data);
            }

            @Override
            public T deserialize(String topic, Headers headers, byte[] data) {
                return headers == null ? serde.deserialize(topic, data) : serde.deserialize(topic, headers, data);
            }

            @Override
            public String toString() {
                return "KafkaDeserializer(" + serde + ")";
            }
        };
    }

    /** An Eddy serde as a Kafka {@code Serde}: {@link #asKafkaSerializer} and {@link #asKafkaDeserializer}. */
    public static <T> org.apache.kafka.common.serialization.Serde<T> asKafkaSerde(Serde<T> serde) {
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(asKafkaSerializer(serde), asKafkaDeserializer(serde));
    }

    /**
     * A Kafka serde as an Eddy serde, used as it is (not configured here; see
     * {@link #fromKafka(org.apache.kafka.common.serialization.Serde, Map, boolean)}).
     */
    public static <T> Serde<T> fromKafka(org.apache.kafka.common.serialization.Serde<T> kafkaSerde) {
        Objects.requireNonNull(kafkaSerde, "kafkaSerde");
        return fromKafka(kafkaSerde.serializer(), kafkaSerde.deserializer());
    }

    /**
     * A Kafka serde as an Eddy serde, after calling its {@code configure(configs, isKey)} once
     * here, as a Kafka client does for a serde it creates from a class name.
     *
     * @param configs the serde's configuration; copied by the serde if it keeps it
     * @param isKey whether the serde is for record keys
     */
    public static <T> Serde<T> fromKafka(org.apache.kafka.common.serialization.Serde<T> kafkaSerde,
            Map<String, ?> configs, boolean isKey) {
        Objects.requireNonNull(kafkaSerde, "kafkaSerde");
        Objects.requireNonNull(configs, "configs");
        kafkaSerde.configure(configs, isKey);
        return fromKafka(kafkaSerde);
    }

    /**
     * A Kafka serializer and deserializer as one Eddy serde, used as they are. Eddy's
     * header-aware calls go to Kafka's header-aware variants. Kafka's
     * {@code ByteArraySerializer} counts as {@linkplain Serde#passesBytesThrough() passing bytes
     * through}, as {@link io.eddy.serde.Serdes#bytes()} does.
     */
    public static <T> Serde<T> fromKafka(Serializer<T> serializer, Deserializer<T> deserializer) {
        Objects.requireNonNull(serializer, "serializer");
        Objects.requireNonNull(deserializer, "deserializer");
        boolean passesBytesThrough = serializer.getClass() == org.apache.kafka.common.serialization.ByteArraySerializer.class;
        return new Serde<>() {
            @Override
            public boolean passesBytesThrough() {
                return passesBytesThrough;
            }

            @Override
            public byte[] serialize(String topic, T value) {
                return serializer.serialize(topic, value);
            }

            @Override
            public T deserialize(String topic, byte[] bytes) {
                return deserializer.deserialize(topic, bytes);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, T value) {
                return headers == null ? serializer.serialize(topic, value) : serializer.serialize(topic, headers, value);
            }

            @Override
            public T deserialize(String topic, Headers headers, byte[] bytes) {
                return headers == null ? deserializer.deserialize(topic, bytes) : deserializer.deserialize(topic, headers, bytes);
            }

            @Override
            public String toString() {
                return "KafkaSerdes.fromKafka(" + serializer.getClass().getName() + ", " + deserializer.getClass().getName() + ")";
            }
        };
    }
}
