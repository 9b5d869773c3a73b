package io.eddy.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.it.reliability.AppFleet.Instance;
import io.eddy.it.reliability.FaultPlan.Fault;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KafkaProcess;
import io.eddy.testkit.kafka.TopicIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under a seeded storm of faults: three application instances in child JVMs
 * ({@link FaultPipelineMain}: a stream-table join, a repartition, a windowed aggregation emitted
 * {@code FINAL}) process a million orders while the test SIGKILLs instances, stops them
 * gracefully, starts replacements (on the victim's state directory or a fresh one), freezes one
 * with SIGSTOP until the group has evicted it and then lets it run again (a zombie: it must be
 * fenced, and the test waits until its log shows it was), and restarts the broker, itself a child
 * JVM, gracefully or after SIGKILL. In the middle of the run the customers table changes.
 *
 * <p>At the end a {@code read_committed} consumer reads both outputs and {@link OutputCheck}
 * compares them with what {@link OrderWorkload} computes from the input alone: every order
 * enriched exactly once with the right region, every window's count and sum exact and each window
 * emitted once. A summary line is printed (to the test's output file,
 * {@code target/surefire-reports/io.eddy.it.reliability.FaultInjectionTest-output.txt}, and in
 * the failure message):
 * <pre>
 * FAULT-INJECTION seed=... records=1000000 kills=2 gracefulStops=1 zombiesFenced=1 brokerRestarts=1
 *     rebalances=... lost=0 duplicated=0 ...
 * </pre>
 * The instances' logs are kept in {@code integration-tests/target/fault-injection/}.
 *
 * <h2>Running it</h2>
 * <ul>
 *   <li>Short variant (CI, part of the normal build): 1,000,000 orders; 2 kills, 1 graceful
 *       stop, 1 zombie, 1 broker restart, plus the two instances that join at the start; about
 *       2 to 3 minutes on a 2-core machine.
 *       {@code mvn -o -pl integration-tests surefire:test@fault-suite}</li>
 *   <li>Long variant, on demand: 5,000,000 orders; 8 kills, 4 graceful stops, 4 zombies, 3 broker
 *       restarts.
 *       {@code mvn -o -pl integration-tests surefire:test@fault-suite -Deddy.faults.long=true}</li>
 *   <li>Replay a failing run: add {@code -Deddy.faults.seed=<seed>} (printed at the start and in
 *       the failure message) to the same command. The seed fixes the input, the kinds of fault,
 *       their order, the chunk after which each fires, the victims and every random delay; how
 *       the faults fall against the application's batches still depends on timing.
 *       {@code -Deddy.faults.records=<n>} changes the number of orders.</li>
 * </ul>
 *
 * <h2>Why the expected output is exact</h2>
 * Event times grow with the order number (jitter below {@value OrderWorkload#JITTER_MS} ms), and
 * the test produces chunk {@code k} only once the application has committed, on every partition,
 * all of chunk {@code k - 2}: the repartition topic is never more than two chunks out of order,
 * and the allowed delay is four chunks, which also covers watermarks that follow the wall clock
 * while the input is quiet (fault downtime). So no order is late, and every window closes with
 * all of its orders. The customers table changes only while no order is in flight: orders before
 * the change see the old regions, the others the new ones. At the end one order per customer,
 * far in the future, closes every regular window.
 *
 * <h2>Showing that it catches violations</h2>
 * Checked by running the short variant against a framework with a deliberate bug in
 * {@code Worker} (a patched class put ahead of the framework jar on the class path): committing
 * the batch of partitions being revoked without its offsets ({@code sendOffsetsToTransaction}
 * skipped) fails with thousands of duplicated orders; an aborted batch not rewound fails with
 * tens of thousands of lost ones; never sending the offsets fails because the committed input
 * never advances. The unmodified framework passes with the same seed.
 *
 * <h2>Knobs</h2>
 * {@code -Deddy.faults.counts=kills,stops,zombies,brokerRestarts} (for example {@code 0,0,1,0})
 * replaces the number of each fault; {@code -Deddy.faults.trace=true} makes every instance print
 * each committed batch (offsets and watermarks) to its log.
 */
// Runs in `mvn verify` (the short variant); -Deddy.faults=false skips it.
@org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "eddy.faults", matches = "false")
class FaultInjectionTest {
    private static final String APP_ID = "fault-injection";
    private static final int INSTANCES = 3;
    private static final int CHUNK = 20_000;
    private static final int SESSION_TIMEOUT_MS = 6_000;
    private static final Duration PROGRESS_DEADLINE = Duration.ofSeconds(240);
    private static final List<String> FENCING_EVIDENCE = List.of("lost partitions",
            "not committed because the group is rebalancing", " fenced (", "cannot commit (");

    @TempDir
    Path tmp;

    private KafkaProcess kafka;
    private TopicIO io;
    private Admin admin;
    private AppFleet fleet;
    private String context;
    private final List<Map<Integer, Long>> endsAfterChunk = new ArrayList<>();
    private int kills;
    private int stops;
    private int zombies;
    private int zombiesFenced;
    private int brokerRestarts;
    private final List<String> zombieEvidence = new ArrayList<>();

    @Test
    void outputIsExactUnderKillsStopsZombiesAndBrokerRestarts() throws Exception {
        boolean longRun = Boolean.getBoolean("eddy.faults.long");
        long seed = Long.getLong("eddy.faults.seed", System.nanoTime());
        int requested = Integer.getInteger("eddy.faults.records", longRun ? 5_000_000 : 1_000_000);
        int records = Math.max(10, (requested + CHUNK - 1) / CHUNK) * CHUNK;
        int chunks = records / CHUNK;
        OrderWorkload workload = new OrderWorkload(records, CHUNK, chunks / 2 * CHUNK);
        int[] counts = faultCounts(System.getProperty("eddy.faults.counts", longRun ? "8,4,4,3" : "2,1,1,1"));
        FaultPlan plan = FaultPlan.draw(seed, chunks, counts[0], counts[1], counts[2], counts[3]);
        Path logDir = Path.of("target", "fault-injection").toAbsolutePath();
        Files.createDirectories(logDir);
        try (Stream<Path> old = Files.list(logDir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        String replay = "mvn -o -pl integration-tests surefire:test@fault-suite -Deddy.faults.seed=" + seed
                + (longRun ? " -Deddy.faults.long=true" : "")
                + (System.getProperty("eddy.faults.records") != null ? " -Deddy.faults.records=" + requested : "")
                + (System.getProperty("eddy.faults.counts") != null
                        ? " -Deddy.faults.counts=" + System.getProperty("eddy.faults.counts") : "");
        context = "seed " + seed + " (replay: " + replay + "); logs in " + logDir;
        System.out.println("FaultInjectionTest: " + context);
        System.out.println("FaultInjectionTest: " + records + " orders in " + chunks + " chunks; customers change at "
                + workload.updateAt + "; faults " + plan.faults());
        assertThat(OrderWorkload.regionsCoverAllPartitions())
                .as("every repartition partition gets a closing order").isTrue();
        long started = System.nanoTime();

        kafka = KafkaProcess.builder().start();
        try {
            io = TopicIO.of(kafka);
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
            fleet = new AppFleet(kafka.bootstrapServers(), APP_ID, logDir, tmp, workload.allowedDelayMs,
                    SESSION_TIMEOUT_MS);
            run(workload, plan, started, seed, logDir);
        } finally {
            if (fleet != null) {
                fleet.close();
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            try {
                Files.copy(kafka.logFile(), logDir.resolve("broker.log"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                System.out.println("cannot keep the broker log: " + e);
            }
            kafka.close();
        }
    }

    private void run(OrderWorkload workload, FaultPlan plan, long started, long seed, Path logDir) throws IOException {
        // event times (and so the totals' timestamps) lie in 2023: without retention.ms=-1 the
        // broker's retention check (30 s after it starts, then every 5 minutes) deletes the
        // totals written so far as older than 7 days; the first windows then go missing
        Map<String, String> keepForever = Map.of("retention.ms", "-1");
        kafka.createTopic(FaultPipelineMain.ORDERS, OrderWorkload.PARTITIONS, keepForever);
        kafka.createTopic(FaultPipelineMain.CUSTOMERS, OrderWorkload.PARTITIONS, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(FaultPipelineMain.ENRICHED, OrderWorkload.PARTITIONS, keepForever);
        kafka.createTopic(FaultPipelineMain.TOTALS, OrderWorkload.PARTITIONS, keepForever);
        io.produce(OrderWorkload.customers(FaultPipelineMain.CUSTOMERS, 0));

        // the first instance starts alone (and creates the internal topics); the other two join
        // while it processes the first chunk: the run begins with two rebalances under load
        Instance first = fleet.start(null);
        System.out.printf("%s %s ready after %d ms%n", java.time.LocalTime.now(), first.name,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        List<Instance> others = new ArrayList<>();
        for (int k = 0; k < workload.chunks(); k++) {
            if (k * workload.chunk == workload.updateAt) {
                // the table changes while no order is in flight: orders before see the old rows, after the new
                awaitCommitted(FaultPipelineMain.ORDERS, endsAfterChunk.get(k - 1), "orders before the table update");
                io.produce(OrderWorkload.customers(FaultPipelineMain.CUSTOMERS, 1));
                awaitCommitted(FaultPipelineMain.CUSTOMERS, io.endOffsets(FaultPipelineMain.CUSTOMERS),
                        "the table update");
                System.out.printf("%s chunk %d: customers changed%n", java.time.LocalTime.now(), k);
            } else if (k >= 2) {
                awaitCommitted(FaultPipelineMain.ORDERS, endsAfterChunk.get(k - 2), "chunk " + (k - 2));
            }
            endsAfterChunk.add(produce(workload.orders(FaultPipelineMain.ORDERS, (long) k * workload.chunk,
                    (long) (k + 1) * workload.chunk)));
            if (k == 0) {
                for (int i = 1; i < INSTANCES; i++) {
                    others.add(fleet.launch(null));
                }
            } else if (k == 1) {
                others.forEach(fleet::awaitReady);
                System.out.printf("%s %s ready%n", java.time.LocalTime.now(), others);
            }
            for (Fault f : plan.after(k)) {
                fire(f);
            }
        }
        awaitCommitted(FaultPipelineMain.ORDERS, endsAfterChunk.get(workload.chunks() - 1), "the last chunk");
        produce(workload.closingOrders(FaultPipelineMain.ORDERS));
        awaitCommitted(FaultPipelineMain.ORDERS, io.endOffsets(FaultPipelineMain.ORDERS), "the closing orders");
        // every window closes once the closing orders are through; if some never do, the check
        // below says which (and the thread dumps where the instances stand)
        int windows = workload.expectedTotals().size();
        long[] emitted = new long[1];
        String incomplete = "";
        try {
            Await.until(Duration.ofSeconds(120), () -> {
                emitted[0] = OutputCheck.countCommitted(kafka.bootstrapServers(), FaultPipelineMain.TOTALS,
                        Duration.ofSeconds(30));
                return emitted[0] >= windows || fleet.anyExitedByItself();
            }, () -> "totals emitted " + emitted[0] + " of " + windows + " windows");
        } catch (AssertionError e) {
            incomplete = e.getMessage() + "; committed " + fleet.committedWithMetadata(admin) + "; thread dumps "
                    + fleet.dumpThreads() + "; ";
        }
        fleet.assertNoneExitedByItself(context);
        long processedAt = System.nanoTime();

        List<String> closed = stopAll();
        OutputCheck.awaitNoOpenTransaction(kafka.bootstrapServers(), FaultPipelineMain.ENRICHED, Duration.ofSeconds(60));
        OutputCheck.awaitNoOpenTransaction(kafka.bootstrapServers(), FaultPipelineMain.TOTALS, Duration.ofSeconds(60));
        OutputCheck.Result result = new OutputCheck(kafka.bootstrapServers(), workload).run(Duration.ofSeconds(120));

        String summary = String.format("FAULT-INJECTION seed=%d records=%d kills=%d gracefulStops=%d zombiesFenced=%d"
                        + " brokerRestarts=%d rebalances=%d instancesStarted=%d lost=%d duplicated=%d wrong=%d"
                        + " unexpected=%d windows=%d processedIn=%ds total=%ds",
                seed, workload.totalOrders(), kills, stops, zombiesFenced, brokerRestarts, fleet.rebalances(),
                fleet.started(), result.lost(), result.duplicated(), result.wrong(), result.unexpected(),
                result.windows(), TimeUnit.NANOSECONDS.toSeconds(processedAt - started),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        System.out.println(summary);
        System.out.println("zombie evidence: " + zombieEvidence + "; final stops: " + closed);
        String failure = summary + "; " + incomplete + context;
        if (!result.exact()) {
            OutputCheck.dumpTotals(kafka.bootstrapServers(), logDir.resolve("totals.txt"));
            failure += "; log start offsets: totals " + OutputCheck.logStartOffsets(kafka.bootstrapServers(),
                    FaultPipelineMain.TOTALS) + ", enriched " + OutputCheck.logStartOffsets(kafka.bootstrapServers(),
                    FaultPipelineMain.ENRICHED);
        }
        assertThat(result.exact()).as("output differs from the expected output: %s; %s", result.examples(), failure)
                .isTrue();
        assertThat(zombiesFenced).as("zombies fenced of %d frozen; %s", zombies, failure).isEqualTo(zombies);
        assertThat(fleet.lateLines()).as("late records; %s", failure).isEmpty();
        assertThat(closed).as("instances closed cleanly at the end; %s", failure)
                .allMatch(line -> line.contains(FaultPipelineMain.CLOSED + " true"));
    }

    /** {@code kills,stops,zombies,brokerRestarts}, e.g. {@code 2,1,1,1}. */
    private static int[] faultCounts(String spec) {
        String[] parts = spec.split(",");
        if (parts.length != 4) {
            throw new IllegalArgumentException("eddy.faults.counts must be kills,stops,zombies,brokerRestarts, was " + spec);
        }
        int[] counts = new int[4];
        for (int i = 0; i < 4; i++) {
            counts[i] = Integer.parseInt(parts[i].trim());
        }
        return counts;
    }

    /** Stops every running instance gracefully, all at once; returns what each printed on closing. */
    private List<String> stopAll() {
        List<Instance> running = fleet.running();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, running.size()));
        try {
            List<CompletableFuture<String>> closing = running.stream()
                    .map(i -> CompletableFuture.supplyAsync(() -> i.name + ": " + fleet.stop(i), pool))
                    .toList();
            return closing.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdown();
        }
    }

    private void fire(Fault f) {
        park(f.delayMs());
        long at = System.nanoTime();
        switch (f.kind()) {
            case KILL -> {
                Instance victim = victim(f.victim());
                fleet.kill(victim);
                kills++;
                park(f.replacementDelayMs());
                Instance replacement = fleet.start(f.reuseStateDir() ? victim.stateDir : null);
                log(f, "killed " + victim.name + ", started " + replacement.name, at);
            }
            case STOP -> {
                Instance victim = victim(f.victim());
                String closed = fleet.stop(victim);
                assertThat(closed).as("%s after SIGTERM; %s", victim, context).startsWith(FaultPipelineMain.CLOSED + " true");
                stops++;
                park(f.replacementDelayMs());
                Instance replacement = fleet.start(f.reuseStateDir() ? victim.stateDir : null);
                log(f, "stopped " + victim.name + ", started " + replacement.name, at);
            }
            case ZOMBIE -> zombie(f, at);
            case BROKER_RESTART -> {
                if (f.crash()) {
                    kafka.kill();
                }
                kafka.restart();
                brokerRestarts++;
                log(f, "broker back", at);
            }
        }
    }

    /**
     * Freezes an instance that owns tasks until the group has evicted it and settled without it,
     * lets it run again, and waits until its log shows it was fenced: its partitions were taken
     * away as lost, or its stale batch was refused at commit.
     */
    private void zombie(Fault f, long at) {
        Map<String, Set<Integer>> tasks = new HashMap<>();
        Await.until(Duration.ofSeconds(60), () -> {
            tasks.clear();
            tasks.putAll(fleet.assignment(admin));
            return fleet.running().stream().anyMatch(i -> !tasks.getOrDefault(i.name, Set.of()).isEmpty());
        }, () -> "no running instance owns a task: " + tasks + "; " + context);
        List<Instance> owners = fleet.running().stream()
                .filter(i -> !tasks.getOrDefault(i.name, Set.of()).isEmpty()).toList();
        Instance zombie = owners.get(f.victim() % owners.size());
        zombie.jvm.pause();
        zombies++;
        long frozenAt = System.nanoTime();
        Await.until(Duration.ofSeconds(60), () -> fleet.stableWithout(admin, zombie),
                () -> "the group never settled without the frozen " + zombie + ": " + fleet.describeGroup(admin)
                        + "; " + context);
        long evictedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
        park(f.extraPauseMs());
        long from = AppFleet.size(zombie.log);
        zombie.jvm.resume();
        List<String> evidence = new ArrayList<>();
        Await.until(Duration.ofSeconds(60), () -> {
            evidence.clear();
            AppFleet.linesSince(zombie.log, from).stream()
                    .filter(l -> FENCING_EVIDENCE.stream().anyMatch(l::contains))
                    .forEach(evidence::add);
            return !evidence.isEmpty();
        }, () -> "the zombie " + zombie + " (tasks " + tasks.get(zombie.name) + ") shows no sign of being fenced; "
                + context);
        zombiesFenced++;
        zombieEvidence.add(zombie.name + ": " + evidence.get(0));
        log(f, "froze " + zombie.name + " (tasks " + tasks.get(zombie.name) + "), evicted after " + evictedAfter
                + " ms, resumed, fenced: " + evidence.get(0), at);
    }

    private Instance victim(int pick) {
        List<Instance> running = fleet.running();
        return running.get(pick % running.size());
    }

    /** Produces {@code records} and returns, per partition, the offset after the last one. */
    private Map<Integer, Long> produce(List<ProducerRecord<byte[], byte[]>> records) {
        Map<Integer, Long> ends = new HashMap<>();
        for (RecordMetadata m : io.produce(records)) {
            ends.merge(m.partition(), m.offset() + 1, Math::max);
        }
        return ends;
    }

    /** Waits until the application committed {@code topic} up to {@code targets} on every partition. */
    private void awaitCommitted(String topic, Map<Integer, Long> targets, String what) {
        Map<Integer, Long> seen = new HashMap<>();
        Await.until(PROGRESS_DEADLINE, () -> {
            if (fleet.anyExitedByItself()) {
                return true;
            }
            seen.clear();
            seen.putAll(fleet.committed(admin, topic));
            return targets.entrySet().stream().allMatch(e -> seen.getOrDefault(e.getKey(), 0L) >= e.getValue());
        }, () -> "waiting for " + what + ": committed " + topic + " offsets " + seen + ", wanted " + targets
                + "; group " + fleet.describeGroup(admin) + "; late " + fleet.lateLines() + "; thread dumps "
                + fleet.dumpThreads() + "; " + context);
        fleet.assertNoneExitedByItself(context);
    }

    private static void log(Fault f, String what, long since) {
        System.out.printf("%s %s: %s (%d ms)%n", java.time.LocalTime.now(), f, what,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
    }

    private static void park(long millis) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
