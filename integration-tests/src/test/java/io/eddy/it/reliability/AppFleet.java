package io.eddy.it.reliability;

import io.eddy.testkit.process.ChildJvm;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * The application instances of a fault-injection run: child JVMs running {@link FaultPipelineMain},
 * named {@code i1}, {@code i2}, ... in start order, each with its own log file. Also reads what
 * the run needs from the broker (committed offsets, group membership) and from the logs
 * (rebalances, fencing, late records).
 *
 * <p>Not thread-safe: the test thread drives it.
 */
final class AppFleet implements AutoCloseable {
    private static final Pattern GENERATION =
            Pattern.compile("Successfully synced group in generation Generation\\{generationId=(\\d+)");

    private final String bootstrapServers;
    private final String applicationId;
    private final Path logDir;
    private final Path stateRoot;
    private final long allowedDelayMs;
    private final int sessionTimeoutMs;
    private final List<Instance> instances = new ArrayList<>();

    /** One application instance: a child JVM, its state directory and its log. */
    static final class Instance {
        final String name;
        final Path stateDir;
        final Path log;
        final ChildJvm jvm;
        /** Set when the test kills or stops it, so that an exit by itself can be told apart. */
        boolean ended;

        private Instance(String name, Path stateDir, Path log, ChildJvm jvm) {
            this.name = name;
            this.stateDir = stateDir;
            this.log = log;
            this.jvm = jvm;
        }

        boolean running() {
            return !ended && jvm.isAlive();
        }

        @Override
        public String toString() {
            return name + " (pid " + jvm.pid() + ", log " + log + ")";
        }
    }

    AppFleet(String bootstrapServers, String applicationId, Path logDir, Path stateRoot, long allowedDelayMs,
             int sessionTimeoutMs) {
        this.bootstrapServers = bootstrapServers;
        this.applicationId = applicationId;
        this.logDir = logDir;
        this.stateRoot = stateRoot;
        this.allowedDelayMs = allowedDelayMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /**
     * Starts a new instance and waits until it has started its application.
     *
     * @param stateDir the state directory to use (a dead instance's, to restart on its state), or
     *     null for a fresh one
     */
    Instance start(Path stateDir) {
        Instance instance = launch(stateDir);
        awaitReady(instance);
        return instance;
    }

    /** Starts a new instance without waiting for it; see {@link #start}. */
    Instance launch(Path stateDir) {
        String name = "i" + (instances.size() + 1);
        Path dir = stateDir != null ? stateDir : stateRoot.resolve(name);
        Path log = logDir.resolve(name + ".log");
        ChildJvm jvm = ChildJvm.builder(FaultPipelineMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .systemProperty("org.slf4j.simpleLogger.log.io.eddy", "info")
                .systemProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals.ConsumerCoordinator",
                        "info")
                .systemProperty("eddy.faults.trace", Boolean.toString(FaultPipelineMain.TRACE))
                .logFile(log)
                .args(bootstrapServers, applicationId, name, dir.toString(), Long.toString(allowedDelayMs),
                        Integer.toString(sessionTimeoutMs))
                .start();
        Instance instance = new Instance(name, dir, log, jvm);
        instances.add(instance);
        return instance;
    }

    /** Waits until {@code instance} has started its application. */
    void awaitReady(Instance instance) {
        instance.jvm.awaitLogLine(FaultPipelineMain.READY, Duration.ofSeconds(90));
    }

    /** The instances running now (started, neither killed, stopped nor exited), in start order. */
    List<Instance> running() {
        return instances.stream().filter(Instance::running).toList();
    }

    int started() {
        return instances.size();
    }

    /** SIGKILL. */
    void kill(Instance instance) {
        instance.ended = true;
        instance.jvm.kill();
    }

    /**
     * SIGTERM, which runs the application's {@code close()}; returns the line the instance printed
     * after closing, or null if it printed none (it had to be killed).
     */
    String stop(Instance instance) {
        long from = size(instance.log);
        instance.ended = true;
        instance.jvm.stop(Duration.ofSeconds(45));
        return linesSince(instance.log, from).stream()
                .filter(l -> l.startsWith(FaultPipelineMain.CLOSED + " ")).findFirst().orElse(null);
    }

    /** Whether an instance the test did not end has exited. */
    boolean anyExitedByItself() {
        return instances.stream().anyMatch(i -> !i.ended && !i.jvm.isAlive());
    }

    /**
     * Fails if an instance the test did not end has exited: the application stopped by itself
     * (its log says why).
     */
    void assertNoneExitedByItself(String context) {
        for (Instance i : instances) {
            if (!i.ended && !i.jvm.isAlive()) {
                List<String> lines = linesSince(i.log, 0);
                throw new AssertionError("instance " + i + " exited by itself; its log ends with:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))
                        + "\n" + context);
            }
        }
    }

    /** Per running instance name, the tasks (partition numbers) the group assigns to it now. */
    Map<String, Set<Integer>> assignment(Admin admin) {
        Map<String, Set<Integer>> tasks = new TreeMap<>();
        ConsumerGroupDescription group = describe(admin);
        for (MemberDescription m : group.members()) {
            Set<Integer> owned = new TreeSet<>();
            m.assignment().topicPartitions().forEach(tp -> owned.add(tp.partition()));
            tasks.put(instanceOf(m), owned);
        }
        return tasks;
    }

    /** Whether the group is stable and {@code instance} is not one of its members. */
    boolean stableWithout(Admin admin, Instance instance) {
        ConsumerGroupDescription group = describe(admin);
        return group.groupState() == GroupState.STABLE
                && group.members().stream().noneMatch(m -> instanceOf(m).equals(instance.name));
    }

    String describeGroup(Admin admin) {
        try {
            ConsumerGroupDescription group = describe(admin);
            return group.groupState() + " " + assignment(admin);
        } catch (RuntimeException e) {
            return "cannot describe the group: " + e;
        }
    }

    private ConsumerGroupDescription describe(Admin admin) {
        try {
            return admin.describeConsumerGroups(List.of(applicationId)).describedGroups().get(applicationId)
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot describe group " + applicationId + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String instanceOf(MemberDescription m) {
        String clientId = m.clientId();
        int dash = clientId.indexOf("-consumer");
        return dash < 0 ? clientId : clientId.substring(0, dash);
    }

    /** Per partition of {@code topic}, the offset the application committed (absent: none yet). */
    Map<Integer, Long> committed(Admin admin, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<Integer, Long> out = new TreeMap<>();
            offsets.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    out.put(tp.partition(), om.offset());
                }
            });
            return out;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of " + applicationId + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Per partition of every topic the application committed, {@code <offset> <metadata>} (the
     * metadata carries the task's batch number and watermark), for failure messages.
     */
    String committedWithMetadata(Admin admin) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<String, String> out = new TreeMap<>();
            offsets.forEach((tp, om) -> out.put(tp.toString(), om == null ? "-" : om.offset() + " " + om.metadata()));
            return out.toString();
        } catch (Exception e) {
            return "cannot read the committed offsets: " + e;
        }
    }

    /**
     * Rebalances seen: the distinct group generations that members completed, from the Kafka
     * consumer's "Successfully synced group in generation" lines of every instance.
     */
    int rebalances() {
        Set<Integer> generations = new TreeSet<>();
        for (Instance i : instances) {
            for (String line : linesSince(i.log, 0)) {
                Matcher m = GENERATION.matcher(line);
                if (m.find()) {
                    generations.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return generations.size();
    }

    /** The {@code LATE} lines of every instance: event-time operators dropped records as late. */
    List<String> lateLines() {
        List<String> late = new ArrayList<>();
        for (Instance i : instances) {
            for (String line : linesSince(i.log, 0)) {
                if (line.startsWith(FaultPipelineMain.LATE + " ")) {
                    late.add(i.name + ": " + line);
                }
            }
        }
        return late;
    }

    /** The size of a log file now: lines written later start at this offset. */
    static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The complete lines of {@code log} from byte offset {@code from}. */
    static List<String> linesSince(Path log, long from) {
        if (!Files.exists(log)) {
            return List.of();
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (from >= length) {
                return List.of();
            }
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int lastNewline = text.lastIndexOf('\n');
            return lastNewline < 0 ? List.of() : List.of(text.substring(0, lastNewline).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /**
     * Writes a thread dump of every running instance ({@code jcmd <pid> Thread.print}) next to its
     * log, for a failure message: where a stuck worker is stuck.
     *
     * @return the files written, or why not
     */
    List<String> dumpThreads() {
        List<String> written = new ArrayList<>();
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        for (Instance i : running()) {
            Path out = logDir.resolve(i.name + "-threads.txt");
            try {
                Process p = new ProcessBuilder(jcmd.toString(), Long.toString(i.jvm.pid()), "Thread.print")
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (p.waitFor(30, TimeUnit.SECONDS)) {
                    written.add(out.toString());
                } else {
                    p.destroyForcibly();
                    written.add(i.name + ": jcmd timed out");
                }
            } catch (IOException e) {
                written.add(i.name + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return written;
            }
        }
        return written;
    }

    /** Kills every instance still alive. */
    @Override
    public void close() {
        for (Instance i : instances) {
            i.jvm.kill();
        }
    }
}
