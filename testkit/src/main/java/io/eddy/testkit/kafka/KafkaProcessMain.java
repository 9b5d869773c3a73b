package io.eddy.testkit.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The main class of a {@link KafkaProcess} child JVM: starts the {@link BrokerNode} described by a
 * {@code server.properties} file written by the parent, prints {@link #READY_MARKER} once clients
 * can connect, and shuts the broker down gracefully on SIGTERM.
 *
 * <p>Argument: the path of the {@code server.properties} file.
 */
final class KafkaProcessMain {

    /** The line prefix the parent waits for; followed by a space and the bootstrap address. */
    static final String READY_MARKER = "EDDY-KAFKA-READY";

    /** Printed when a graceful shutdown has finished. */
    static final String STOPPED_MARKER = "EDDY-KAFKA-STOPPED";

    private KafkaProcessMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: KafkaProcessMain <server.properties>");
        }
        BrokerNode node = BrokerNode.fromServerProperties(Path.of(args[0]));
        Object lock = new Object();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    synchronized (lock) {
                                        node.stopInProcess();
                                    }
                                    System.out.println(STOPPED_MARKER);
                                    System.out.flush();
                                },
                                "eddy-kafka-shutdown"));
        synchronized (lock) {
            node.startInProcess(Duration.ofSeconds(60));
        }
        System.out.println(READY_MARKER + " " + node.bootstrapServers());
        System.out.flush();
        // Kafka's threads would keep the JVM alive anyway; waiting here makes that explicit.
        new CountDownLatch(1).await();
    }
}
