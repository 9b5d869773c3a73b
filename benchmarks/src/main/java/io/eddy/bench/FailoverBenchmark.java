package io.eddy.bench;

import io.eddy.testkit.kafka.KafkaProcess;
import io.eddy.testkit.process.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * W7, failover: how long the tasks of a SIGKILLed instance stay without committed output.
 *
 * <p>For each configuration (Eddy without and with one standby replica, Kafka Streams with its
 * defaults and with {@code num.standby.replicas=1}), in one run against one broker (its own JVM):
 * two instances of W2's exactly-once count (one thread each, 100 ms commits, each in its own JVM
 * through {@link EngineMain} and its own state directory) process an input of {@code --records}
 * records over {@code --keys} distinct keys; then a steady load of {@code --rate} records/s to
 * random keys starts, and after {@code --settle-seconds} (time for standbys to catch up, which
 * neither engine reports outside its process) the first instance is SIGKILLed. A read_committed
 * consumer on every output partition, positioned at the last stable offset at the kill, notes when
 * each partition next receives committed output; the failover time is the latest of those: the
 * surviving instance's partitions resume within a commit interval, the moved ones after the group
 * notices the death (the session timeout: Eddy's default 10 s, Kafka Streams' 45 s) and their
 * stores are restored.
 *
 * <pre>
 * java -cp … io.eddy.bench.FailoverBenchmark [--records 2000000] [--keys 1000000] [--partitions 8]
 *     [--rate 20000] [--settle-seconds 15] [--configs eddy/0,eddy/1,streams/0,streams/1]
 * </pre>
 */
public final class FailoverBenchmark {
    private static final String INPUT = "w7-input";
    private static final int COMMIT_MILLIS = 100;

    private final Map<String, String> args;
    private final long records;
    private final int keys;
    private final int partitions;
    private final int rate;
    private final int settleSeconds;
    private final Path outDir;
    private KafkaProcess kafka;

    private FailoverBenchmark(Map<String, String> args) {
        this.args = args;
        this.records = Long.parseLong(args.getOrDefault("records", "2000000"));
        this.keys = Integer.parseInt(args.getOrDefault("keys", "1000000"));
        this.partitions = Integer.parseInt(args.getOrDefault("partitions", "8"));
        this.rate = Integer.parseInt(args.getOrDefault("rate", "20000"));
        this.settleSeconds = Integer.parseInt(args.getOrDefault("settle-seconds", "15"));
        this.outDir = Path.of(args.getOrDefault("out", "bench-results"));
    }

    public static void main(String[] argv) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        new FailoverBenchmark(args).run();
    }

    private record Result(String config, long failoverMillis, Map<Integer, Long> perPartition) {
    }

    private void run() throws Exception {
        Files.createDirectories(outDir.resolve("logs"));
        List<String> configs = List.of(args.getOrDefault("configs", "eddy/0,eddy/1,streams/0,streams/1").split(","));
        say("W7 failover: %d records over %d keys, %d partitions, load %d records/s, settle %d s, configs %s",
                records, keys, partitions, rate, settleSeconds, configs);
        List<Result> results = new ArrayList<>();
        try (KafkaProcess broker = KafkaProcess.builder().maxHeap("1g")
                .jvmOption("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .startupTimeout(Duration.ofSeconds(120)).start()) {
            kafka = broker;
            kafka.createTopic(INPUT, partitions, Map.of());
            long start = System.nanoTime();
            produce(records, i -> "key-" + (i * 7_919L % keys));
            say("loaded %d records in %d ms", records, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            for (String config : configs) {
                Result r = runOnce(config.trim());
                results.add(r);
                say("%s: SIGKILL -> every output partition committed again: %d ms (per partition %s)",
                        r.config(), r.failoverMillis(), r.perPartition());
            }
        }
        say("W7 results, %s:", Instant.now());
        say("| configuration | SIGKILL -> moved tasks commit output again |");
        say("|---|---|");
        for (Result r : results) {
            say("| %s | %.1f s |", r.config(), r.failoverMillis() / 1000.0);
        }
    }

    private Result runOnce(String config) throws Exception {
        String[] parts = config.split("/");
        Engine engine = Engine.parse(parts[0]);
        int standbys = Integer.parseInt(parts[1]);
        String id = "w7-" + engine.id() + "-" + standbys + "-" + System.currentTimeMillis();
        String output = id + "-out";
        kafka.createTopic(output, partitions, Map.of());
        List<ChildJvm> instances = new ArrayList<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = new Thread(() -> steadyLoad(loading), "w7-load");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            for (int i = 0; i < 2; i++) {
                Path stateDir = Files.createTempDirectory("eddy-w7-state-");
                EngineSpec spec = new EngineSpec(engine, Workload.W2, kafka.bootstrapServers(), id, INPUT, output, 1,
                        COMMIT_MILLIS, stateDir, 0, 0);
                instances.add(ChildJvm.builder(EngineMain.class)
                        .args(spec.toArgs().toArray(String[]::new))
                        .jvmOption("-Xmx512m")
                        .jvmOption("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                        .jvmOption("-D" + EddyEngine.STANDBY_PROPERTY + "=" + standbys)
                        // measured 2026-12-05 on a quiet machine: with Kafka Streams' defaults the
                        // instance that joined second got only warm-up replicas ([8, 0]) and the
                        // group never balanced within the 2-minute wait
                        .jvmOption("-D" + StreamsEngine.BALANCE_AT_ONCE_PROPERTY + "=true")
                        .logFile(outDir.resolve("logs").resolve(id + "-" + i + ".log"))
                        .start());
            }
            Map<TopicPartition, Long> inputEnds = ends(INPUT, "read_uncommitted");
            awaitCommitted(admin, id, inputEnds, instances, Duration.ofMinutes(10));
            say("%s: both instances processed the input", config);
            awaitBalanced(admin, id, Duration.ofMinutes(2));
            load.start();
            long settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(settleSeconds);
            while (System.nanoTime() < settleUntil) {   // a fixed settling time under load (see the class comment)
                for (ChildJvm c : instances) {
                    if (!c.isAlive()) {
                        throw new IllegalStateException(config + ": an instance exited; see " + c.logFile());
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            awaitBalanced(admin, id, Duration.ofMinutes(2));
            Map<Integer, Long> firstOutput;
            try (KafkaConsumer<byte[], byte[]> consumer = consumer("read_committed")) {
                List<TopicPartition> tps = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    tps.add(new TopicPartition(output, p));
                }
                consumer.assign(tps);
                long killedAt = System.currentTimeMillis();
                instances.get(0).kill();
                // taken after the kill: the dead instance's partitions stay at its open transaction (or
                // their end), so whatever appears on them after this came from the survivor
                Map<TopicPartition, Long> stable = consumer.endOffsets(tps);
                stable.forEach(consumer::seek);
                firstOutput = awaitOutput(consumer, stable, killedAt, Duration.ofMinutes(3));
            }
            long failover = firstOutput.values().stream().mapToLong(Long::longValue).max().orElse(-1);
            return new Result(config, failover, firstOutput);
        } finally {
            loading.set(false);
            if (load.isAlive()) {
                load.join();
            }
            for (ChildJvm c : instances) {
                c.close();
            }
        }
    }

    /** Per output partition, ms from {@code killedAt} to its first committed record after {@code from}. */
    private static Map<Integer, Long> awaitOutput(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> from,
                                                  long killedAt, Duration deadline) {
        Map<Integer, Long> first = new TreeMap<>();
        long end = System.nanoTime() + deadline.toNanos();
        while (first.size() < from.size() && System.nanoTime() < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                first.putIfAbsent(r.partition(), System.currentTimeMillis() - killedAt);
            }
        }
        if (first.size() < from.size()) {
            throw new IllegalStateException("only partitions " + first.keySet() + " of " + from.keySet()
                    + " got committed output within " + deadline + " of the kill");
        }
        return first;
    }

    /** Waits until the group has two members with half of the partitions each. */
    private void awaitBalanced(Admin admin, String group, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            var description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
            List<Integer> sizes = new ArrayList<>();
            description.members().forEach(m -> sizes.add((int) m.assignment().topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(INPUT)).count()));
            last = sizes.toString();
            if (sizes.size() == 2 && sizes.get(0) == partitions / 2 && sizes.get(1) == partitions / 2) {
                say("group %s balanced: input partitions per member %s", group, sizes);
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new IllegalStateException("group " + group + " never balanced; input partitions per member " + last);
    }

    private void steadyLoad(AtomicBoolean loading) {
        Random random = new Random(42);
        try (KafkaProducer<String, String> producer = producer()) {
            long perTick = Math.max(1, rate / 100);
            long next = System.nanoTime();
            while (loading.get()) {
                for (int i = 0; i < perTick; i++) {
                    producer.send(new ProducerRecord<>(INPUT, "key-" + random.nextInt(keys), "v"));
                }
                next += TimeUnit.MILLISECONDS.toNanos(10);
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));   // pacing the load
            }
        }
    }

    private void produce(long count, java.util.function.LongFunction<String> key) {
        try (KafkaProducer<String, String> producer = producer()) {
            String value = "x".repeat(100);
            for (long i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(INPUT, key.apply(i), value));
            }
            producer.flush();
        }
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(p);
    }

    private KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(c);
    }

    private Map<TopicPartition, Long> ends(String topic, String isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(isolation)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            return new HashMap<>(consumer.endOffsets(tps));
        }
    }

    private void awaitCommitted(Admin admin, String group, Map<TopicPartition, Long> ends, List<ChildJvm> instances,
                                Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            for (ChildJvm c : instances) {
                if (!c.isAlive()) {
                    throw new IllegalStateException("an instance exited; see " + c.logFile());
                }
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                    Map.of(group, new ListConsumerGroupOffsetsSpec())).partitionsToOffsetAndMetadata(group).get();
            boolean done = true;
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                OffsetAndMetadata om = committed.get(e.getKey());
                if (om == null || om.offset() < e.getValue()) {
                    done = false;
                }
            }
            if (done) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new IllegalStateException("group " + group + " did not commit the input within " + deadline);
    }

    private static void say(String format, Object... args) {
        System.out.println("[W7] " + String.format(format, args));
        System.out.flush();
    }
}
