package io.eddy.testkit.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * One combined broker + controller KRaft node: its settings, its storage and, while running, the
 * in-process server.
 *
 * <p>The node's identity is fixed at construction: two ports and a directory. The same node can be
 * started and stopped many times, in this JVM ({@link #startInProcess}) or in a child JVM (by {@link
 * KafkaProcess}, whose child runs {@link KafkaProcessMain} over {@link #writeServerProperties}), and
 * it always comes back on the same address with the same data. That is what "restart" means for
 * both {@link EmbeddedKafka} and {@link KafkaProcess}.
 *
 * <p>Storage is formatted on first start only, the way {@code kafka-storage.sh format --standalone}
 * does it: {@code kafka.tools.StorageTool.execute} over a properties file, which returns an exit
 * status instead of exiting. The quorum is dynamic ({@code controller.quorum.bootstrap.servers}),
 * with this node as its only voter.
 *
 * <p>Ports are picked below the Linux ephemeral range (32768+), so that while the broker is down a
 * client's outgoing connection cannot take its port as a local port and block the restart.
 *
 * <p>Not thread-safe; the public classes that use it synchronize.
 */
final class BrokerNode {

    static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /**
     * Settings a one-node cluster needs, and a few that make it lighter and faster for tests. The
     * replication and ISR settings are not optional: with the defaults (3 and 2) consumer groups get
     * no records and {@code initTransactions} times out, with no client error.
     */
    static final Map<String, String> ONE_NODE_DEFAULTS = oneNodeDefaults();

    /** Settings that define the node's identity and address; extra properties may not change them. */
    static final Set<String> RESERVED_KEYS =
            Set.of(
                    "process.roles",
                    "node.id",
                    "broker.id",
                    "controller.quorum.bootstrap.servers",
                    "controller.quorum.voters",
                    "controller.listener.names",
                    "inter.broker.listener.name",
                    "listeners",
                    "advertised.listeners",
                    "listener.security.protocol.map",
                    "log.dirs",
                    "log.dir",
                    "metadata.log.dir",
                    EddyKeys.BROKER_PORT,
                    EddyKeys.CONTROLLER_PORT);

    private final Path root;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, String> extraProperties;
    private KafkaRaftServer server;

    BrokerNode(Path root, int brokerPort, int controllerPort, Map<String, String> extraProperties) {
        this.root = root;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.extraProperties = Map.copyOf(extraProperties);
    }

    /**
     * Checks one extra broker property given to a builder.
     *
     * @throws IllegalArgumentException naming the key if it is null, empty or reserved, or naming the
     *     key if the value is null
     */
    static void checkExtraProperty(String key, String value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("broker property name must not be null or blank: " + key);
        }
        if (value == null) {
            throw new IllegalArgumentException("broker property " + key + " must not have a null value");
        }
        if (RESERVED_KEYS.contains(key)) {
            throw new IllegalArgumentException(
                    "broker property "
                            + key
                            + "="
                            + value
                            + " cannot be set: the testkit manages listeners, ports, node id and directories "
                            + "(reserved: "
                            + new TreeSet<>(RESERVED_KEYS)
                            + ")");
        }
    }

    /** A node with fresh ports and a fresh temporary directory. */
    static BrokerNode fresh(Map<String, String> extraProperties) {
        int[] ports = pickFreePorts(2);
        try {
            Path root = Files.createTempDirectory("eddy-kafka-");
            return new BrokerNode(root, ports[0], ports[1], extraProperties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
        }
    }

    /** Reads back a node described by {@link #writeServerProperties()}. */
    static BrokerNode fromServerProperties(Path file) {
        Properties props = new Properties();
        try (var in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, String> all = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> all.put(k, props.getProperty(k)));
        return new BrokerNode(
                file.getParent(),
                Integer.parseInt(all.remove(EddyKeys.BROKER_PORT)),
                Integer.parseInt(all.remove(EddyKeys.CONTROLLER_PORT)),
                // Passing every setting back as an "extra" rebuilds exactly the same configuration.
                all);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    Path root() {
        return root;
    }

    Path dataDir() {
        return root.resolve("data");
    }

    boolean isRunningInProcess() {
        return server != null;
    }

    /** Every broker setting, defaults first, then the caller's extra properties. */
    Properties serverProperties() {
        Properties props = new Properties();
        props.putAll(ONE_NODE_DEFAULTS);
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put(
                "listeners",
                BROKER_LISTENER
                        + "://127.0.0.1:"
                        + brokerPort
                        + ","
                        + CONTROLLER_LISTENER
                        + "://127.0.0.1:"
                        + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort);
        props.put(
                "listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", dataDir().toString());
        props.putAll(extraProperties);
        return props;
    }

    /**
     * Writes {@link #serverProperties()} plus this node's ports to {@code server.properties} in the
     * node's directory, and returns its path. The file is a valid {@code kafka.Kafka} configuration
     * (Kafka ignores the two {@code eddy.*} keys) and can be read back with {@link
     * #fromServerProperties}.
     */
    Path writeServerProperties() {
        Properties props = serverProperties();
        props.put(EddyKeys.BROKER_PORT, Integer.toString(brokerPort));
        props.put(EddyKeys.CONTROLLER_PORT, Integer.toString(controllerPort));
        Path file = root.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "Eddy testkit single-node KRaft broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** Formats the data directory unless a previous start already did. */
    void formatIfNeeded() {
        if (Files.exists(dataDir().resolve("meta.properties"))) {
            return;
        }
        Path config = writeServerProperties();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status =
                    StorageTool.execute(
                            new String[] {
                                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--standalone"
                            },
                            out);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "formatting Kafka storage in " + dataDir() + " failed: " + output.toString(StandardCharsets.UTF_8),
                    e);
        }
        if (status != 0) {
            throw new IllegalStateException(
                    "formatting Kafka storage in "
                            + dataDir()
                            + " exited with status "
                            + status
                            + ": "
                            + output.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * Formats if needed, starts the server in this JVM and waits until it accepts clients.
     *
     * @throws IllegalStateException if it fails to start or is not ready within {@code timeout}
     */
    void startInProcess(Duration timeout) {
        if (server != null) {
            throw new IllegalStateException("broker at " + bootstrapServers() + " is already running");
        }
        formatIfNeeded();
        KafkaRaftServer starting =
                new KafkaRaftServer(KafkaConfig.fromProps(serverProperties(), false), Time.SYSTEM);
        try {
            starting.startup();
            ClusterAdmin.awaitReady(bootstrapServers(), timeout);
        } catch (RuntimeException e) {
            IllegalStateException failure =
                    new IllegalStateException("Kafka broker at " + bootstrapServers() + " failed to start", e);
            try {
                shutDown(starting);
            } catch (RuntimeException shutdownFailure) {
                failure.addSuppressed(shutdownFailure);
            }
            throw failure;
        }
        server = starting;
    }

    /** Shuts the in-process server down gracefully and waits for it. Does nothing if not running. */
    void stopInProcess() {
        KafkaRaftServer stopping = server;
        server = null;
        if (stopping != null) {
            shutDown(stopping);
        }
    }

    /** Deletes the node's directory and everything in it. Call only when the node is stopped. */
    void deleteFiles() {
        deleteRecursively(root);
    }

    @Override
    public String toString() {
        return "Kafka node " + bootstrapServers() + " (controller port " + controllerPort + ", dir " + root + ")";
    }

    private static void shutDown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static Map<String, String> oneNodeDefaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("offsets.topic.replication.factor", "1");
        d.put("transaction.state.log.replication.factor", "1");
        d.put("transaction.state.log.min.isr", "1");
        d.put("share.coordinator.state.topic.replication.factor", "1");
        d.put("share.coordinator.state.topic.min.isr", "1");
        d.put("default.replication.factor", "1");
        d.put("min.insync.replicas", "1");
        // Tests create their topics; a typo must not silently create an empty one.
        d.put("auto.create.topics.enable", "false");
        d.put("num.partitions", "1");
        // Internal topics are created on first use; 50 partitions each would slow the first group or
        // transaction of every test class down.
        d.put("offsets.topic.num.partitions", "5");
        d.put("transaction.state.log.num.partitions", "5");
        d.put("share.coordinator.state.topic.num.partitions", "5");
        d.put("group.initial.rebalance.delay.ms", "0");
        // A broker restarted after SIGKILL cannot register until the controller has timed out its old
        // session (9 s by default), so keep the session short; heartbeats must come well within it.
        d.put("broker.session.timeout.ms", "3000");
        d.put("broker.heartbeat.interval.ms", "500");
        // Allow (not impose) the short sessions that failover tests need.
        d.put("group.min.session.timeout.ms", "1000");
        d.put("group.consumer.min.session.timeout.ms", "1000");
        d.put("group.consumer.min.heartbeat.interval.ms", "100");
        // The log cleaner's dedupe buffer takes 128 MiB of heap by default.
        d.put("log.cleaner.dedupe.buffer.size", "4194304");
        // Under transactions v2 a transaction's first produce request to a partition waits here while
        // the producer's previous transaction is still writing its commit markers; past this budget
        // (100 ms by default) the producer gets CONCURRENT_TRANSACTIONS and its requests behind it
        // OUT_OF_ORDER_SEQUENCE_NUMBER (each retried, each logged at WARN, and at ERROR by the
        // broker). On a test machine whose cores are shared, marker writes take 100-350 ms often
        // enough to make fault-free runs noisy; a longer budget absorbs them. Well below the
        // producers' request timeout, which bounds it.
        d.put("add.partitions.to.txn.retry.backoff.max.ms", "1000");
        return Map.copyOf(d);
    }

    /** Picks {@code count} distinct ports that are free now, below the ephemeral port range. */
    static int[] pickFreePorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            for (int attempt = 0; held.size() < count && attempt < 200; attempt++) {
                int candidate = attempt < 150 ? ThreadLocalRandom.current().nextInt(20_000, 32_000) : 0;
                ServerSocket socket = new ServerSocket();
                try {
                    socket.bind(new InetSocketAddress(loopback, candidate));
                    held.add(socket);
                } catch (IOException taken) {
                    socket.close();
                }
            }
            if (held.size() < count) {
                throw new IllegalStateException("cannot find " + count + " free ports on " + loopback);
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe for free ports", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a bound, never-accepted socket does not fail in practice.
                }
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(
                    dir,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                            Files.deleteIfExists(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            if (e instanceof NoSuchFileException) {
                                return FileVisitResult.CONTINUE;
                            }
                            throw e;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                            Files.deleteIfExists(d);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** Keys this node adds to its server.properties so a child JVM can rebuild it. */
    static final class EddyKeys {
        static final String BROKER_PORT = "eddy.broker.port";
        static final String CONTROLLER_PORT = "eddy.controller.port";

        private EddyKeys() {}
    }
}
