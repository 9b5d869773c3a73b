package io.eddy.testkit.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A real single-node Kafka cluster (one KRaft process acting as broker and controller) running in
 * this JVM, started from the Kafka server jars with no Docker and no scripts.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *   kafka.createTopic("in", 3);
 *   TopicIO io = TopicIO.of(kafka);
 *   io.produce("in", List.of(KeyValue.of("k", "v")));
 *   kafka.restart();                    // same address, same data
 *   assertThat(io.readCommittedToEnd("in", Duration.ofSeconds(10))).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Each instance gets two free ports (client listener and controller listener) and a fresh
 * temporary directory, kept across {@link #stop()} / {@link #restart()} and deleted by {@link
 * #close()}. The broker is configured for one node: replication factor and minimum ISR 1 for the
 * offsets, transaction-state and share-state topics (5 partitions each instead of 50), no initial
 * rebalance delay, a 4 MiB log-cleaner buffer, a 3 s broker session (so a restart after a crash is
 * quick), group session timeouts down to 1 s allowed (not imposed), and automatic topic creation
 * off. Extra broker settings, which override these, go through {@link #builder()}.
 *
 * <p>Cost (2-core machine): about 2 s for the first start in a JVM, 0.3 s for later ones, 0.5 s to
 * restart, some 35 MB of heap idle. A fatal
 * broker error halts the JVM (Kafka's choice, not ours); tests that crash or isolate the broker, or
 * measure throughput, use {@link KafkaProcess}, which runs the same broker in a child JVM.
 *
 * <p>Thread-safety: all methods are thread-safe; lifecycle methods are serialized on the instance.
 */
public final class EmbeddedKafka implements KafkaCluster {

    private final BrokerNode node;
    private final Duration startupTimeout;
    private boolean closed;

    private EmbeddedKafka(BrokerNode node, Duration startupTimeout) {
        this.node = node;
        this.startupTimeout = startupTimeout;
    }

    /**
     * Starts a broker with the default settings and returns once it accepts clients.
     *
     * @return a running broker; the caller must {@link #close()} it
     * @throws IllegalStateException if the broker does not start within 60 s
     */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /**
     * Describes a broker with extra settings.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} The address is {@code 127.0.0.1:<port>}. */
    @Override
    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException also if the broker is stopped
     */
    @Override
    public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
        checkRunning("create topic " + name);
        ClusterAdmin.createTopic(bootstrapServers(), name, partitions, topicConfigs);
    }

    /**
     * Whether the broker is running: started and neither stopped nor closed.
     *
     * @return {@code true} while running
     */
    public synchronized boolean isRunning() {
        return node.isRunningInProcess();
    }

    /**
     * Shuts the broker down gracefully, keeping its data and ports for {@link #restart()}. Blocks until
     * it is down (usually well under a second). Clients see their connections close. Does nothing if
     * already stopped.
     *
     * @throws IllegalStateException if closed
     */
    public synchronized void stop() {
        checkOpen();
        node.stopInProcess();
    }

    /**
     * Stops the broker if it is running, then starts it again on the same ports over the same data,
     * and returns once it accepts clients. Committed data, topics, consumer-group offsets and
     * transaction state survive. Also starts a broker that {@link #stop()} stopped.
     *
     * @throws IllegalStateException if closed, or if the broker does not come back within the startup
     *     timeout
     */
    public synchronized void restart() {
        checkOpen();
        node.stopInProcess();
        node.startInProcess(startupTimeout);
    }

    /**
     * The directory holding the broker's logs (its data), for tests that inspect or damage it. Deleted
     * by {@link #close()}.
     *
     * @return the data directory; never null
     */
    public Path dataDirectory() {
        return node.dataDir();
    }

    /** Stops the broker and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            node.stopInProcess();
        } finally {
            node.deleteFiles();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + node + "]";
    }

    private synchronized void checkRunning(String action) {
        checkOpen();
        if (!node.isRunningInProcess()) {
            throw new IllegalStateException("cannot " + action + ": " + this + " is stopped");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Options for an {@link EmbeddedKafka}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /**
         * Sets one broker setting, such as {@code log.retention.ms} or {@code
         * group.consumer.session.timeout.ms}, overriding the testkit's default for it. Listeners, ports,
         * node id, roles and directories are managed by the testkit and rejected.
         *
         * @param key a broker configuration name; not null
         * @param value its value; not null
         * @return this builder
         * @throws IllegalArgumentException naming the key if it is reserved or either argument is null
         */
        public Builder brokerProperty(String key, String value) {
            BrokerNode.checkExtraProperty(key, value);
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Sets how long {@link #start()} and {@link EmbeddedKafka#restart()} wait for the broker to
         * accept clients. Default 60 s.
         *
         * @param timeout a positive duration; not null
         * @return this builder
         */
        public Builder startupTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("startupTimeout must be positive: " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Picks free ports, creates and formats a fresh directory, starts the broker and returns once it
         * accepts clients. Blocks about 2 s.
         *
         * @return a running broker; the caller must close it
         * @throws IllegalStateException if it does not start within the startup timeout (its directory is
         *     deleted)
         */
        public EmbeddedKafka start() {
            BrokerNode node = BrokerNode.fresh(brokerProperties);
            try {
                node.startInProcess(startupTimeout);
            } catch (RuntimeException e) {
                node.deleteFiles();
                throw e;
            }
            return new EmbeddedKafka(node, startupTimeout);
        }
    }
}
