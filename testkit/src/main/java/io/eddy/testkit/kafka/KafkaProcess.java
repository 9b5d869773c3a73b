package io.eddy.testkit.kafka;

import io.eddy.testkit.process.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link EmbeddedKafka} broker running in a child JVM, for tests that crash, stop or freeze the
 * broker, and for benchmarks that must not share a heap with it.
 *
 * <pre>{@code
 * try (KafkaProcess kafka = KafkaProcess.start()) {
 *   kafka.createTopic("in", 1);
 *   TopicIO.of(kafka).produce("in", records);
 *   kafka.kill();                       // SIGKILL: no flush, no controlled shutdown
 *   kafka.restart();                    // same address, same directory; waits until ready
 * }
 * }</pre>
 *
 * <p>The broker is configured exactly as {@link EmbeddedKafka} is. Its two ports and its directory
 * are chosen once, when this object is built, and kept for every restart, so clients configured
 * with {@link #bootstrapServers()} reconnect by themselves. The child's output (broker warnings and
 * the testkit's start/stop lines) is appended to {@link #logFile()} across restarts.
 *
 * <p>The child runs {@code io.eddy.testkit.kafka.KafkaProcessMain} on this JVM's classpath with
 * {@code -Xmx512m} unless told otherwise. It dies with this JVM (see {@link ChildJvm}).
 *
 * <p>Cost (2-core machine): about 2 s to start, or to restart after {@link #stop()}; about 5 s to
 * restart after {@link #kill()}, because the restarted broker cannot register with the controller
 * until the killed one's session has expired ({@code broker.session.timeout.ms}, 3 s here instead
 * of Kafka's 9 s).
 *
 * <p>Durability: the broker acknowledges a write once it is in the operating system's page cache,
 * not on disk. SIGKILL ends the process, not the machine, so {@link #kill()} loses no acknowledged
 * record; what it loses is whatever was in flight.
 *
 * <p>Thread-safety: all methods are thread-safe; lifecycle methods are serialized on the instance.
 */
public final class KafkaProcess implements KafkaCluster {

    private final BrokerNode node;
    private final Path serverProperties;
    private final Path logFile;
    private final List<String> jvmOptions;
    private final Duration startupTimeout;
    private ChildJvm child;
    private boolean closed;

    private KafkaProcess(BrokerNode node, List<String> jvmOptions, Duration startupTimeout) {
        this.node = node;
        this.serverProperties = node.writeServerProperties();
        this.logFile = node.root().resolve("broker.log");
        this.jvmOptions = List.copyOf(jvmOptions);
        this.startupTimeout = startupTimeout;
    }

    /**
     * Starts a broker in a child JVM with the default settings and returns once it accepts clients.
     *
     * @return a running broker; the caller must {@link #close()} it
     * @throws AssertionError if the child exits or is not ready within 60 s; the message holds the end
     *     of its log
     */
    public static KafkaProcess start() {
        return builder().start();
    }

    /**
     * Describes a broker with extra settings or JVM options.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} The address is {@code 127.0.0.1:<port>}, the same across restarts. */
    @Override
    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException also if the broker is not running
     */
    @Override
    public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
        synchronized (this) {
            checkOpen();
            if (!isRunning()) {
                throw new IllegalStateException("cannot create topic " + name + ": " + this + " is down");
            }
        }
        ClusterAdmin.createTopic(bootstrapServers(), name, partitions, topicConfigs);
    }

    /**
     * Whether the broker's JVM is alive, paused or not.
     *
     * @return {@code true} while the child JVM runs
     */
    public synchronized boolean isRunning() {
        return child != null && child.isAlive();
    }

    /**
     * The operating-system process id of the current broker JVM; it changes on every restart.
     *
     * @return the pid
     * @throws IllegalStateException if the broker has never started or is closed
     */
    public synchronized long pid() {
        checkOpen();
        return child.pid();
    }

    /**
     * The file receiving the broker JVM's output, appended to across restarts; deleted by {@link
     * #close()}.
     *
     * @return the log file; never null
     */
    public Path logFile() {
        return logFile;
    }

    /**
     * Kills the broker JVM with SIGKILL and waits until it is gone: a crash, with no controlled
     * shutdown. Its data directory stays for {@link #restart()}. Does nothing if already down.
     *
     * @throws IllegalStateException if closed
     */
    public synchronized void kill() {
        checkOpen();
        child.kill();
    }

    /**
     * Shuts the broker down gracefully (SIGTERM; SIGKILL after 30 s) and waits until its JVM has
     * exited. Its data directory stays for {@link #restart()}. Does nothing if already down.
     *
     * @throws IllegalStateException if closed
     */
    public synchronized void stop() {
        checkOpen();
        child.stop(Duration.ofSeconds(30));
    }

    /**
     * Stops the broker gracefully if it is running (use {@link #kill()} first to restart after a
     * crash), starts a new JVM on the same ports and directory, and returns once the broker accepts
     * clients. Everything the old broker had written to its files survives.
     *
     * @throws IllegalStateException if closed
     * @throws AssertionError if the new JVM exits or is not ready within the startup timeout
     */
    public synchronized void restart() {
        checkOpen();
        child.stop(Duration.ofSeconds(30));
        launch();
    }

    /**
     * Freezes the broker JVM with SIGSTOP: connections stay open but nothing answers, like a broker in
     * a long GC pause or behind a network partition. Clients see timeouts. Does nothing if already
     * paused.
     *
     * @throws IllegalStateException if closed or not running
     */
    public synchronized void pause() {
        checkOpen();
        child.pause();
    }

    /**
     * Lets a broker frozen by {@link #pause()} run again. Does nothing if not paused.
     *
     * @throws IllegalStateException if closed or not running
     */
    public synchronized void resume() {
        checkOpen();
        child.resume();
    }

    /** Kills the broker JVM and deletes its directory, log file included. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (child != null) {
                child.kill();
            }
        } finally {
            node.deleteFiles();
        }
    }

    @Override
    public String toString() {
        return "KafkaProcess[" + node + (child == null ? "" : ", pid " + child.pid()) + "]";
    }

    private void launch() {
        ChildJvm.Builder builder =
                ChildJvm.builder(KafkaProcessMain.class)
                        .args(serverProperties.toString())
                        .logFile(logFile);
        jvmOptions.forEach(builder::jvmOption);
        child = builder.start();
        try {
            child.awaitLogLine(KafkaProcessMain.READY_MARKER, startupTimeout);
        } catch (AssertionError e) {
            child.kill();
            throw e;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Options for a {@link KafkaProcess}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private String maxHeap = "512m";
        private Duration startupTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /**
         * Sets one broker setting, overriding the testkit's default for it; see {@link
         * EmbeddedKafka.Builder#brokerProperty}.
         *
         * @param key a broker configuration name; not null, not reserved
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
         * Sets the broker JVM's maximum heap, as for {@code -Xmx}. Default {@code 512m}.
         *
         * @param size a size such as {@code 256m} or {@code 2g}; not null
         * @return this builder
         */
        public Builder maxHeap(String size) {
            Objects.requireNonNull(size, "size");
            if (!size.matches("\\d+[kKmMgG]?")) {
                throw new IllegalArgumentException("maxHeap must look like 512m or 2g, was " + size);
            }
            this.maxHeap = size;
            return this;
        }

        /**
         * Appends an option for the broker JVM, such as {@code -XX:+UseParallelGC}.
         *
         * @param option a {@code java} command option starting with {@code -}; not null
         * @return this builder
         */
        public Builder jvmOption(String option) {
            Objects.requireNonNull(option, "option");
            if (!option.startsWith("-")) {
                throw new IllegalArgumentException("a JVM option starts with '-': " + option);
            }
            jvmOptions.add(option);
            return this;
        }

        /**
         * Sets how long {@link #start()} and {@link KafkaProcess#restart()} wait for the broker to accept
         * clients. Default 60 s.
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
         * Picks free ports and a fresh directory, launches the broker JVM (which formats the storage)
         * and returns once the broker accepts clients. Blocks about 2 s.
         *
         * @return a running broker; the caller must close it
         * @throws AssertionError if the child exits or is not ready within the startup timeout (its
         *     directory is deleted)
         */
        public KafkaProcess start() {
            List<String> options = new ArrayList<>();
            options.add("-Xmx" + maxHeap);
            options.addAll(jvmOptions);
            KafkaProcess kafka =
                    new KafkaProcess(BrokerNode.fresh(brokerProperties), options, startupTimeout);
            try {
                synchronized (kafka) {
                    kafka.launch();
                }
            } catch (RuntimeException | AssertionError e) {
                kafka.close();
                throw e;
            }
            return kafka;
        }
    }
}
