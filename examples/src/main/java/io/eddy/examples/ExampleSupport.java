package io.eddy.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Process plumbing shared by the event-time examples ({@link WebLogAnalytics}, {@link FleetManagement},
 * {@link SensorAverages}): topic creation, a fresh state directory per run, argument checks,
 * waiting with a deadline, reading output topics as they fill, and ending the program.
 */
final class ExampleSupport {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private ExampleSupport() {
    }

    /**
     * Creates {@code names} with {@code partitions} partitions each (existing topics are kept) and
     * waits until the broker describes all of them: a topic whose creation has just completed may
     * not be in the broker's metadata yet, and an application started then would find its input
     * missing.
     */
    static void createTopics(String bootstrap, int partitions, String... names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()))) {
            List<NewTopic> wanted = new ArrayList<>();
            for (String name : names) {
                wanted.add(new NewTopic(name, Optional.of(partitions), Optional.empty()));
            }
            admin.createTopics(wanted).values().forEach((name, future) -> {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topics", e);
                }
            });
            if (!waitUntil(ADMIN_TIMEOUT, () -> described(admin, List.of(names)))) {
                throw new IllegalStateException("topics " + List.of(names) + " were created but the broker did not "
                        + "describe them within " + ADMIN_TIMEOUT.toSeconds() + " s");
            }
        }
    }

    private static boolean described(Admin admin, List<String> names) {
        try {
            admin.describeTopics(names).allTopicNames().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw new IllegalStateException("cannot describe topics " + names + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics", e);
        }
    }

    /**
     * A new, empty state directory for one run. The examples are one-shot runs, often against a
     * new embedded broker each time, so they must not pick up the stores a previous run left in
     * the default directory. Delete it with {@link #deleteRecursively}.
     */
    static Path temporaryStateDir(String applicationId) {
        try {
            return Files.createTempDirectory(applicationId + "-state-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory", e);
        }
    }

    /** Deletes {@code dir} and everything in it; best effort (a file that cannot be deleted stays). */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary directory left behind is harmless
        }
    }

    /** Parses a positive whole number given to {@code flag}, or throws naming the flag. */
    static int positive(String flag, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " needs a positive whole number, got '" + value + "'");
    }

    /** Checks {@code done} every 50 ms for up to {@code limit}; returns whether it became true. */
    static boolean waitUntil(Duration limit, BooleanSupplier done) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return done.getAsBoolean();
    }

    /**
     * The {@code main} of a replay example: parses the options ({@code parse} throws
     * {@link IllegalArgumentException} with a message, or {@code "help"}), runs the example and
     * exits with 0 if {@code succeeded} accepts its summary, 1 if not or if it failed, and 2 (0 for
     * help) after printing {@code usage} for bad options.
     *
     * @param usage the usage line, without the {@code "usage: "} prefix
     */
    static <O, S> void main(String usage, java.util.function.Supplier<O> parse,
                            java.util.function.Function<O, S> run, java.util.function.Predicate<S> succeeded) {
        O options;
        try {
            options = parse.get();
        } catch (IllegalArgumentException e) {
            boolean help = "help".equals(e.getMessage());
            if (!help) {
                System.err.println(e.getMessage());
            }
            System.err.println("usage: " + usage);
            System.err.println("  without --bootstrap (or EDDY_BOOTSTRAP) an embedded Kafka broker is started");
            exit(help ? 0 : 2);
            return;
        }
        S summary;
        try {
            summary = run.apply(options);
        } catch (RuntimeException e) {
            System.err.println("example failed: " + e);
            exit(1);
            return;
        }
        exit(succeeded.test(summary) ? 0 : 1);
    }

    /**
     * Ends the program with {@code code}. Exits the JVM only when it must: for a non-zero code, or
     * when threads of this program (a client's or the broker's) are still alive and would keep it
     * running. Under {@code exec:java} the program's threads are those of its own thread group.
     */
    static void exit(int code) {
        System.out.flush();
        if (code != 0 || !lingeringThreads().isEmpty()) {
            System.exit(code);
        }
    }

    private static List<String> lingeringThreads() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        Thread[] threads = new Thread[group.activeCount() + 16];
        int n = group.enumerate(threads, true);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t != Thread.currentThread() && t.isAlive() && !t.isDaemon()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /**
     * Follows output topics from their beginning with a {@code read_committed} consumer, so the
     * example can print results as the pipeline commits them. Raw bytes; the caller decodes them
     * with the serdes the pipeline wrote them with. Used from one thread; close it.
     */
    static final class TopicTail implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();

        TopicTail(String bootstrap, String... topics) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.CLIENT_ID_CONFIG, "example-reader",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            for (String topic : topics) {
                consumer.partitionsFor(topic, ADMIN_TIMEOUT)
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** The committed records that arrived since the last call; waits at most {@code timeout}. */
        List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            consumer.poll(timeout).forEach(records::add);
            return records;
        }

        /**
         * Every committed record up to the current end of the topics that was not returned yet.
         *
         * @throws IllegalStateException if the end is not reached within {@code limit}
         */
        List<ConsumerRecord<byte[], byte[]>> readToEnd(Duration limit) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, ADMIN_TIMEOUT);
            long deadline = System.nanoTime() + limit.toNanos();
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (!reachedEnd(ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partitions + " to " + ends + " within " + limit);
                }
                records.addAll(poll(Duration.ofMillis(100)));
            }
            return records;
        }

        private boolean reachedEnd(Map<TopicPartition, Long> ends) {
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                if (consumer.position(e.getKey()) < e.getValue()) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
