package io.eddy.internal.runtime;

import io.eddy.Guarantee;
import io.eddy.kafka.ClientRole;
import io.eddy.kafka.internal.RebalanceObserver;
import io.eddy.kafka.internal.TaskAssignor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The settings of every Kafka client Eddy creates, one method per {@link ClientRole}. Each client's
 * settings are assembled in the same order, later layers winning:
 * <ol>
 *   <li>the bootstrap servers;</li>
 *   <li>the application's common overrides ({@code EddyApp.Builder.clientOverride}): security,
 *       rack and the like, for every client;</li>
 *   <li>Eddy's own settings for the role (client id, isolation level, transactional id, fetch
 *       sizes, timeouts, byte-array serializers or deserializers);</li>
 *   <li>the user's overrides for the role, where the role has some ({@code consumerOverride} for
 *       the worker consumer, {@code producerOverride} for the worker producer, {@code adminOverride}
 *       for the admin client).</li>
 * </ol>
 * Eddy owns the settings its guarantees depend on; a user override of one of them is refused at
 * build time ({@link #RESERVED_CONSUMER}, {@link #RESERVED_PRODUCER}, {@link #RESERVED_COMMON}).
 * The clients themselves come from {@link KafkaClients}.
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
    /**
     * Settings a common override may not set: those reserved for consumers or producers, and the
     * bootstrap servers, which have an option of their own.
     */
    public static final Set<String> RESERVED_COMMON = reservedCommon();

    private ClientConfigs() {
    }

    private static Set<String> reservedCommon() {
        Set<String> reserved = new TreeSet<>(RESERVED_CONSUMER);
        reserved.addAll(RESERVED_PRODUCER);
        reserved.add(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return Set.copyOf(reserved);
    }

    /** The first two layers, which every client gets: the bootstrap servers and the common overrides. */
    static Map<String, Object> common(AppOptions o) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
        c.putAll(o.clientOverrides());
        return c;
    }

    /** A consumer that reads to the end of what is committed, outside any group, of byte arrays. */
    private static Map<String, Object> readCommittedConsumer(AppOptions o) {
        Map<String, Object> c = common(o);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return c;
    }

    /** {@link ClientRole#RESTORE_CONSUMER} of the worker {@code memberName}. */
    static Map<String, Object> restoreConsumer(AppOptions o, String memberName) {
        Map<String, Object> c = readCommittedConsumer(o);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, memberName + "-restore");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        return c;
    }

    /**
     * {@link ClientRole#RESTORE_CONSUMER} of the worker {@code memberName} that only asks for the
     * changelogs' high watermarks (read_uncommitted end offsets); it never fetches records.
     */
    static Map<String, Object> changelogEndConsumer(AppOptions o, String memberName) {
        Map<String, Object> c = readCommittedConsumer(o);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, memberName + "-restore-end");
        return c;
    }

    /** {@link ClientRole#STANDBY_CONSUMER} of this instance. */
    static Map<String, Object> standbyConsumer(AppOptions o, String instanceName) {
        Map<String, Object> c = readCommittedConsumer(o);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceName + "-standby");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        return c;
    }

    /** {@link ClientRole#GLOBAL_TABLE_CONSUMER}. */
    static Map<String, Object> globalTableConsumer(AppOptions o) {
        Map<String, Object> c = readCommittedConsumer(o);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, o.applicationId() + "-global");
        return c;
    }

    /** {@link ClientRole#STORE_REGISTRY_CONSUMER}. */
    static Map<String, Object> storeRegistryConsumer(AppOptions o) {
        Map<String, Object> c = readCommittedConsumer(o);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, o.applicationId() + "-store-registry-reader");
        // the start reads the registry up to an end it already knows: a fetch that finds nothing new
        // must not sit out the default 500 ms waiting for data that is not coming
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return c;
    }

    /** {@link ClientRole#STORE_REGISTRY_PRODUCER}. */
    static Map<String, Object> storeRegistryProducer(AppOptions o) {
        Map<String, Object> p = common(o);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, o.applicationId() + "-store-registry-writer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /** {@link ClientRole#END_OFFSETS_CONSUMER}. */
    static Map<String, Object> endOffsetsConsumer(AppOptions o) {
        Map<String, Object> c = readCommittedConsumer(o);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, o.applicationId() + "-end-offsets");
        return c;
    }

    /** {@link ClientRole#SOURCE_CONSUMER} of the source runner {@code clientId}, in the group {@code groupId}. */
    static Map<String, Object> sourceConsumer(AppOptions o, String groupId, String clientId) {
        Map<String, Object> c = readCommittedConsumer(o);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-consumer");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        if (o.instanceId() != null) {
            // static membership, as the workers': a restarted instance takes its source back at once
            c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, o.instanceId());
        }
        return c;
    }

    /** {@link ClientRole#SOURCE_CONSUMER} that reads a source's position topic back, outside any group. */
    static Map<String, Object> sourcePositionReader(AppOptions o, String clientId) {
        Map<String, Object> c = readCommittedConsumer(o);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-position-reader");
        return c;
    }

    /** {@link ClientRole#SOURCE_PRODUCER} of the source runner {@code clientId}: always transactional. */
    static Map<String, Object> sourceProducer(AppOptions o, String clientId, String transactionalId) {
        Map<String, Object> p = common(o);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, o.commitTimeout().toMillis());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        return p;   // the common settings only, as the store registry's producer: role overrides stay with the workers
    }

    /** {@link ClientRole#ADMIN}: its calls are bounded by the start timeout. */
    static Map<String, Object> admin(AppOptions o) {
        Map<String, Object> a = common(o);
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, o.applicationId() + "-admin");
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) o.startTimeout().toMillis());
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(o.startTimeout().toMillis(), 30_000));
        a.putAll(o.adminOverrides());
        return a;
    }

    /**
     * {@link ClientRole#ADMIN} of the worker {@code memberName}, which deletes the consumed records
     * of repartition topics: the admin settings with the worker's client id.
     */
    static Map<String, Object> purgeAdmin(AppOptions o, String memberName) {
        Map<String, Object> a = admin(o);
        if (!o.adminOverrides().containsKey(AdminClientConfig.CLIENT_ID_CONFIG)) {
            a.put(AdminClientConfig.CLIENT_ID_CONFIG, memberName + "-purge");
        }
        return a;
    }

    /** The workers' default {@code session.timeout.ms} (Kafka's is 45 s); see the README's failover section. */
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 10_000;
    /** The workers' default {@code heartbeat.interval.ms} (Kafka's is 3 s). */
    public static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;

    /** The workers' default {@code max.partition.fetch.bytes} (Kafka's is 1 MiB). */
    public static final int WORKER_PARTITION_FETCH_BYTES = 8 << 20;
    /** The workers' default {@code fetch.max.bytes} (Kafka's is 50 MiB). */
    public static final int WORKER_FETCH_BYTES = 16 << 20;

    /** {@link ClientRole#WORKER_CONSUMER} of the worker {@code memberName}. */
    static Map<String, Object> consumer(AppOptions o, String memberName, String instanceId,
                                        RebalanceObserver observer) {
        Map<String, Object> c = common(o);
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
        c.put(TaskAssignor.STANDBY_REPLICAS_CONFIG, o.standbyReplicas());
        // a dead member is noticed after the session timeout: 10 s instead of Kafka's 45 s (the
        // heartbeats come from the consumer's own thread, so a long batch or restore never misses
        // one), and 1 s heartbeats tell the other members of a rebalance sooner; both overridable
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS);
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, DEFAULT_HEARTBEAT_INTERVAL_MS);
        if (instanceId != null) {
            c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        if (FlowController.pausesInput(o.flowControl())) {
            // measured: with the default 500 ms, a partition resumed after a short hold waited up to
            // 500 ms for its next records (a fetch parked at the broker), cutting a 2,000 records/s
            // limit to ~520 records/s; at 25 ms the limit held (1,941 records/s). The fetch sizes
            // stay the client's: a held partition is rewound, so its buffered records are fetched again
            c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FlowController.FETCH_MAX_WAIT_MS);
        } else {
            // larger fetches per partition (the client default is 1 MiB): a worker that drains one
            // partition's buffered records no longer waits for its next fetch, and a batch holds
            // longer runs of each partition, so more updates of a key collapse into one. Measured
            // (W2, count by key, 3M records): 8 MiB ran 1.55x the records/s of 1 MiB, 4 MiB 1.35x.
            // A response is bounded at 16 MiB, below the client default of 50 MiB
            c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, WORKER_PARTITION_FETCH_BYTES);
            c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, WORKER_FETCH_BYTES);
        }
        c.putAll(o.consumerOverrides());
        return c;
    }

    /** {@link ClientRole#WORKER_PRODUCER} of the worker {@code memberName}. */
    static Map<String, Object> producer(AppOptions o, String memberName, String transactionalId) {
        Map<String, Object> p = common(o);
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
        if (o.trigger().isLowLatency()) {
            // record at a time: each output is sent at once, not held for a batch to fill
            p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        }
        if (o.guarantee() == Guarantee.EXACTLY_ONCE) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            // a crashed worker's open transaction blocks read_committed readers until it times out
            // or a restarted worker with the same transactional id fences it; keep the wait short
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
            // a batch's first sends meet CONCURRENT_TRANSACTIONS when the previous commit's markers
            // take longer to write than the broker waits for them (add.partitions.to.txn.retry.backoff.max.ms,
            // 100 ms by default: a busy broker); the default 100 ms backoff would add to that stall
            p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        }
        p.putAll(o.producerOverrides());
        return p;
    }
}
