package io.eddy.monitoring;

import io.eddy.kafka.ClientRole;
import io.eddy.kafka.KafkaClientFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * A {@link KafkaClientFactory} that publishes the Kafka clients' own metrics (fetch and produce
 * rates, request latencies, records lag, ...) to a Micrometer registry with Micrometer's
 * {@link KafkaClientMetrics}, tagged {@code application} and {@code eddy.client.role}. It creates the
 * clients with another factory (usually {@link KafkaClientFactory#defaultFactory()}).
 *
 * <pre>{@code
 * MeteredClientFactory clients = MeteredClientFactory.wrap(KafkaClientFactory.defaultFactory(), registry, "orders");
 * EddyApp app = EddyApp.builder("orders").clientFactory(clients)...build();
 * ...
 * app.close(); clients.close();
 * }</pre>
 *
 * <p>Only the long-lived clients are metered: the workers' consumers and producers, the restore
 * consumers, the standby consumer and the global-table consumer. A client that replaces an earlier one with the same role
 * and client id (a worker rejoining with new clients) takes over its meters; the earlier client's
 * meters are removed. Thread-safe.
 */
public final class MeteredClientFactory implements KafkaClientFactory, AutoCloseable {
    private static final Set<ClientRole> METERED = EnumSet.of(ClientRole.WORKER_CONSUMER, ClientRole.WORKER_PRODUCER,
            ClientRole.RESTORE_CONSUMER, ClientRole.STANDBY_CONSUMER, ClientRole.GLOBAL_TABLE_CONSUMER);

    private final KafkaClientFactory delegate;
    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<String, KafkaClientMetrics> bound = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "eddy-kafka-client-metrics");
        t.setDaemon(true);
        return t;
    });

    private MeteredClientFactory(KafkaClientFactory delegate, MeterRegistry registry, String applicationId) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of("application", Objects.requireNonNull(applicationId, "applicationId"));
    }

    /**
     * A factory creating clients with {@code delegate} and metering them in {@code registry}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static MeteredClientFactory wrap(KafkaClientFactory delegate, MeterRegistry registry, String applicationId) {
        return new MeteredClientFactory(delegate, registry, applicationId);
    }

    @Override
    public Consumer<byte[], byte[]> consumer(ClientRole role, Map<String, Object> config) {
        Consumer<byte[], byte[]> consumer = delegate.consumer(role, config);
        if (METERED.contains(role)) {
            bind(role, config, new KafkaClientMetrics(consumer, tags.and("eddy.client.role", role.name()), scheduler));
        }
        return consumer;
    }

    @Override
    public Producer<byte[], byte[]> producer(ClientRole role, Map<String, Object> config) {
        Producer<byte[], byte[]> producer = delegate.producer(role, config);
        if (METERED.contains(role)) {
            bind(role, config, new KafkaClientMetrics(producer, tags.and("eddy.client.role", role.name()), scheduler));
        }
        return producer;
    }

    @Override
    public Admin admin(ClientRole role, Map<String, Object> config) {
        return delegate.admin(role, config);
    }

    private void bind(ClientRole role, Map<String, Object> config, KafkaClientMetrics metrics) {
        String key = role + "/" + config.get(CommonClientConfigs.CLIENT_ID_CONFIG);
        KafkaClientMetrics previous = bound.put(key, metrics);
        if (previous != null) {
            previous.close();   // the client it metered was replaced
        }
        metrics.bindTo(registry);
    }

    /** Removes every client's meters and stops the refresh thread. */
    @Override
    public void close() {
        bound.values().forEach(KafkaClientMetrics::close);
        bound.clear();
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "MeteredClientFactory[" + delegate + "]";
    }
}
