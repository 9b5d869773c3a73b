package io.eddy.internal.runtime;

import io.eddy.kafka.ClientRole;
import io.eddy.kafka.KafkaClientFactory;
import io.eddy.kafka.internal.SecretSettings;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Eddy's runtime obtains a Kafka client: from the application's
 * {@link KafkaClientFactory}, given the role and the settings {@link ClientConfigs} assembled for
 * it, frozen. Logs what it creates at debug level with secret values hidden. Thread-safe as the
 * factory is.
 */
final class KafkaClients {
    private static final Logger log = LoggerFactory.getLogger(KafkaClients.class);

    private KafkaClients() {
    }

    /** The consumer of {@link ClientRole#WORKER_CONSUMER} from {@code config}. */
    static Consumer<byte[], byte[]> workerConsumer(AppOptions o, Map<String, Object> config) {
        return consumer(o, ClientRole.WORKER_CONSUMER, config);
    }

    /** The producer of {@link ClientRole#WORKER_PRODUCER} from {@code config}. */
    static Producer<byte[], byte[]> workerProducer(AppOptions o, Map<String, Object> config) {
        return producer(o, ClientRole.WORKER_PRODUCER, config);
    }

    static Consumer<byte[], byte[]> consumer(AppOptions o, ClientRole role, Map<String, Object> config) {
        Map<String, Object> frozen = frozen(o, role, ClientRole.Kind.CONSUMER, config);
        return nonNull(o, role, o.clientFactory().consumer(role, frozen));
    }

    static Producer<byte[], byte[]> producer(AppOptions o, ClientRole role, Map<String, Object> config) {
        Map<String, Object> frozen = frozen(o, role, ClientRole.Kind.PRODUCER, config);
        return nonNull(o, role, o.clientFactory().producer(role, frozen));
    }

    static Admin admin(AppOptions o, ClientRole role, Map<String, Object> config) {
        Map<String, Object> frozen = frozen(o, role, ClientRole.Kind.ADMIN, config);
        return nonNull(o, role, o.clientFactory().admin(role, frozen));
    }

    private static Map<String, Object> frozen(AppOptions o, ClientRole role, ClientRole.Kind kind,
                                              Map<String, Object> config) {
        if (role.kind() != kind) {
            throw new IllegalArgumentException("role " + role + " is for a client of kind " + role.kind() + ", not " + kind);
        }
        if (log.isDebugEnabled()) {
            log.debug("{}: creating the {} client with {}", o.applicationId(), role, SecretSettings.shown(config));
        }
        return Collections.unmodifiableMap(new HashMap<>(config));
    }

    private static <T> T nonNull(AppOptions o, ClientRole role, T client) {
        if (client == null) {
            throw new IllegalStateException("the client factory " + o.clientFactory() + " of '" + o.applicationId()
                    + "' returned no client for role " + role);
        }
        return client;
    }
}
