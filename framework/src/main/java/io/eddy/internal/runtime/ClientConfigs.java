package io.eddy.internal.runtime;

import io.eddy.Guarantee;
import io.eddy.kafka.internal.RebalanceObserver;
import io.eddy.kafka.internal.TaskAssignor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka client settings of a worker. Eddy owns the settings its guarantees depend on; a user
 * override of one of them is refused at build time ({@link #RESERVED_CONSUMER},
 * {@link #RESERVED_PRODUCER}).
 */
public final class ClientConfigs {

    public static final Set<String> RESERVED_CONSUMER = Set.of(
            ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    public static final Set<String> RESERVED_PRODUCER = Set.of(
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.ACKS_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

    private ClientConfigs() {
    }

    static Map<String, Object> consumer(AppOptions o, String memberName, String instanceId,
                                        RebalanceObserver observer) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, o.applicationId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, memberName + "-consumer");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                o.guarantee() == Guarantee.EXACTLY_ONCE ? "read_committed" : "read_uncommitted");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, TaskAssignor.class.getName());
        c.put(TaskAssignor.OBSERVER_CONFIG, observer);
        if (instanceId != null) {
            c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        c.putAll(o.consumerOverrides());
        return c;
    }

    static Map<String, Object> producer(AppOptions o, String memberName, String transactionalId) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, memberName + "-producer");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // a batch's output and changelog records are sent in a burst at commit: 256 KiB producer
        // batches instead of the default 16 KiB cut W2's produce requests from 3,593 to 805 and the
        // broker's CPU per record by a quarter; linger still bounds the wait when traffic is light
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, o.commitTimeout().toMillis());
        if (o.guarantee() == Guarantee.EXACTLY_ONCE) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            // a crashed worker's open transaction blocks read_committed readers until it times out
            // or a restarted worker with the same transactional id fences it; keep the wait short
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
            // a batch's first sends often meet CONCURRENT_TRANSACTIONS while the previous commit's
            // markers are written; the default 100 ms backoff would then stall every batch
            p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        }
        p.putAll(o.producerOverrides());
        return p;
    }
}
