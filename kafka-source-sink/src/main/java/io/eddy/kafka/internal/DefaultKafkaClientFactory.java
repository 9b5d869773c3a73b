package io.eddy.kafka.internal;

import io.eddy.kafka.ClientRole;
import io.eddy.kafka.KafkaClientFactory;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Real Kafka clients, created from the configuration as given whatever the role. The byte-array
 * (de)serializers are passed as instances, so a configuration without them works too.
 */
public final class DefaultKafkaClientFactory implements KafkaClientFactory {

    /** The one instance; stateless. */
    public static final DefaultKafkaClientFactory INSTANCE = new DefaultKafkaClientFactory();

    private DefaultKafkaClientFactory() {
    }

    @Override
    public Consumer<byte[], byte[]> consumer(ClientRole role, Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Producer<byte[], byte[]> producer(ClientRole role, Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Admin admin(ClientRole role, Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public String toString() {
        return "KafkaClientFactory.defaultFactory()";
    }
}
