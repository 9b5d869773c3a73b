package io.eddy.kafka;

import io.eddy.kafka.internal.DefaultKafkaClientFactory;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Where every Kafka client of an Eddy application comes from: the workers' consumers and producers,
 * the restore consumers, the global-table consumer, the clients of the store registry, the
 * end-offset lookup of an {@code availableNow} run and the admin client that checks and creates
 * topics. Give one to {@code EddyApp.Builder.clientFactory(...)} to wrap, count or replace the
 * clients (tests pass one returning {@code MockConsumer} and {@code MockProducer}); without one,
 * Eddy uses {@link #defaultFactory()}, which creates real clients.
 *
 * <pre>{@code
 * KafkaClientFactory real = KafkaClientFactory.defaultFactory();
 * KafkaClientFactory counting = new KafkaClientFactory() {
 *     public Consumer<byte[], byte[]> consumer(ClientRole role, Map<String, Object> config) {
 *         created.merge(role, 1, Integer::sum);
 *         return real.consumer(role, config);
 *     }
 *     public Producer<byte[], byte[]> producer(ClientRole role, Map<String, Object> config) {
 *         created.merge(role, 1, Integer::sum);
 *         return real.producer(role, config);
 *     }
 *     public Admin admin(ClientRole role, Map<String, Object> config) {
 *         created.merge(role, 1, Integer::sum);
 *         return real.admin(role, config);
 *     }
 * };
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>The configuration is final.</b> {@code config} is a new, unmodifiable map holding
 *       everything Eddy decided for this client: the bootstrap servers, then the application's
 *       common client settings (security, rack, …), then Eddy's own settings for the role (client
 *       id, isolation level, transactional id, byte-array serializers or deserializers, …), then
 *       the user's overrides for the role. Create the client from it as it is. A factory may add
 *       settings of its own (interceptors, metrics reporters) but must not change those Eddy owns
 *       (group id, isolation level, auto commit, assignment strategy, transactional id, idempotence,
 *       acks, serializers and deserializers): Eddy's processing guarantee depends on them. The map
 *       may hold secrets (passwords, JAAS configurations): do not log its values.</li>
 *   <li><b>Who closes.</b> Each call must return a new client that nothing else uses. Eddy owns
 *       it from then on: it subscribes or assigns consumers itself, and closes every client it was
 *       given when it no longer needs it, also after a failure. The factory must not close it.</li>
 *   <li><b>Threading.</b> Eddy calls the factory from several threads at once (the thread calling
 *       {@code start()}, each worker thread, the global-table thread), at start and again later
 *       (a worker whose producer was fenced rejoins with new clients). Implementations must be
 *       thread-safe. A call may block (a real client resolves its bootstrap servers).</li>
 *   <li><b>Failures.</b> A method that throws fails what Eddy was doing: {@code start()} for the
 *       admin, store-registry, global-table and end-offset roles; the worker, and so the
 *       application, for the worker and restore roles. None of the methods may return null.</li>
 * </ul>
 *
 * <p>Each method is called only with a role of its own kind ({@link ClientRole#kind()}).
 */
public interface KafkaClientFactory {

    /**
     * A new consumer of byte arrays for {@code role}.
     *
     * @param role what the consumer is for; of kind {@link ClientRole.Kind#CONSUMER}
     * @param config the consumer's final settings, unmodifiable; includes the byte-array deserializers
     * @return a new consumer, not yet subscribed or assigned; never null
     */
    Consumer<byte[], byte[]> consumer(ClientRole role, Map<String, Object> config);

    /**
     * A new producer of byte arrays for {@code role}.
     *
     * @param role what the producer is for; of kind {@link ClientRole.Kind#PRODUCER}
     * @param config the producer's final settings, unmodifiable; includes the byte-array serializers
     *        and, for a worker under exactly-once, the transactional id
     * @return a new producer; Eddy calls {@code initTransactions()} itself; never null
     */
    Producer<byte[], byte[]> producer(ClientRole role, Map<String, Object> config);

    /**
     * A new admin client for {@code role}.
     *
     * @param role what the admin client is for; of kind {@link ClientRole.Kind#ADMIN}
     * @param config the admin client's final settings, unmodifiable
     * @return a new admin client; never null
     */
    Admin admin(ClientRole role, Map<String, Object> config);

    /**
     * The factory Eddy uses when none is given: it creates {@code KafkaConsumer}, {@code KafkaProducer}
     * and {@code Admin.create(...)} clients from the configuration as it is, whatever the role.
     * Stateless and thread-safe; wrap it to observe or adjust what Eddy creates.
     *
     * @return the shared default factory
     */
    static KafkaClientFactory defaultFactory() {
        return DefaultKafkaClientFactory.INSTANCE;
    }
}
