package io.eddy.it.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload: input arrives several times faster than the application can process it, for a
 * sustained period, and the application must stay within its memory bounds, keep committing, and drain the
 * backlog once the input stops.
 *
 * <p>The application ({@link CountAppMain} in a child JVM with a {@value #HEAP} heap) counts by key
 * with exactly-once, a slowed user function (it parks 1 ms every {@value #SLOW_EVERY} records, so it
 * cannot process more than about {@code 1000 * SLOW_EVERY} records a second whatever the machine),
 * {@code stateMemory} {@value #STATE_MEMORY} bytes, {@code maxBatchStateBytes} {@value
 * #MAX_BATCH_STATE_BYTES} and a {@value #TRIGGER_MS} ms trigger. The test offers {@value #RECORDS}
 * records with distinct 64-byte keys at {@value #OFFERED_PER_SECOND} records a second, about 8.6 MB
 * of state, more than RocksDB's budget.
 *
 * <p>What must hold, each checked from the application's own reports or from the broker:
 * <ul>
 *   <li><b>The dirty buffer bound.</b> Keys being distinct, a batch of {@code n} records holds
 *       {@code 72 n} bytes of state changes (64-byte key, 8-byte count). The worker checks the
 *       bound after each partition's share of a poll, so no committed batch may hold more than
 *       {@code MAX_BATCH_STATE_BYTES / 72 + max.poll.records} records; a batch that ignored the
 *       bound would run for the whole trigger interval, about {@code 1000 * SLOW_EVERY * TRIGGER_MS
 *       / 1000} records. At least one batch must reach the bound, or the test proved nothing.</li>
 *   <li><b>RocksDB's budget.</b> The shared block cache, which memtables are charged to, never
 *       reports more than its capacity ({@code stateMemory}) plus 10 %, and the memtables never
 *       more than their half of it plus one write buffer (1 MiB).</li>
 *   <li><b>The heap.</b> The application never fails (an {@code OutOfMemoryError} would stop it),
 *       and the largest heap occupancy right after a collection stays below three quarters of the
 *       heap. (The heap holds the dirty buffer and the Kafka clients' buffers; RocksDB's memory is
 *       native.)</li>
 *   <li><b>Commits continue under the overload:</b> while the input is produced, the group's
 *       committed offsets are sampled after each chunk; they must advance at least {@value
 *       #MIN_COMMIT_ADVANCES} times, including in the last third of the overload, while the backlog
 *       (the lag) reaches at least a fifth of the input (else there was no overload).</li>
 *   <li><b>The lag drains</b> to 0 after the input stops, and the output holds every key's count
 *       exactly once.</li>
 * </ul>
 * Nothing here asserts a duration; the deadlines only bound a hang.
 */
class OverloadTest {
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 120_000;
    private static final int CHUNK = 5_000;
    private static final int OFFERED_PER_SECOND = 15_000;
    private static final int SLOW_EVERY = 10;
    private static final long STATE_MEMORY = 8L * 1024 * 1024;
    private static final long MAX_BATCH_STATE_BYTES = 64 * 1024;
    private static final int TRIGGER_MS = 3_000;
    /** A dirty entry: a 64-byte key and an 8-byte count. */
    private static final int ENTRY_BYTES = 72;
    /** The consumer's default {@code max.poll.records}; the application does not change it. */
    private static final int MAX_POLL_RECORDS = 500;
    private static final int MIN_COMMIT_ADVANCES = 3;
    /** The heap occupancy after a collection must stay below this (three quarters of the heap). */
    private static final long HEAP_AFTER_GC_LIMIT = 96L * 1024 * 1024;
    private static final String HEAP = "128m";
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(180);

    private static EmbeddedKafka kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void underSustainedOverloadMemoryStaysBoundedCommitsContinueAndTheLagDrains() {
        String id = "overload";
        String in = id + "-in";
        String out = id + "-out";
        kafka.createTopic(in, PARTITIONS);
        kafka.createTopic(out, PARTITIONS);
        Map<String, String> args = new LinkedHashMap<>();
        args.put("bootstrap", kafka.bootstrapServers());
        args.put("app", id);
        args.put("in", in);
        args.put("out", out);
        args.put("stateDir", tmp.resolve("state").toString());
        args.put("stateMemory", Long.toString(STATE_MEMORY));
        args.put("maxBatchStateBytes", Long.toString(MAX_BATCH_STATE_BYTES));
        args.put("triggerMs", Integer.toString(TRIGGER_MS));
        args.put("slowEvery", Integer.toString(SLOW_EVERY));
        args.put("batchLines", "true");

        List<long[]> samples = new ArrayList<>();   // {produced, committed}
        try (CountApp app = CountApp.start(tmp.resolve("app.log"), HEAP, args)) {
            try (KafkaProducer<String, String> producer = producer()) {
                long start = System.nanoTime();
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(in, key(i), "v"));
                    if ((i + 1) % CHUNK == 0) {
                        producer.flush();
                        long committed = Topics.sum(Topics.committedOffsets(kafka.bootstrapServers(), id, in));
                        samples.add(new long[] {i + 1, committed});
                        // offer OFFERED_PER_SECOND records a second: a load generator's pace, not a wait
                        long due = start + TimeUnit.SECONDS.toNanos(i + 1) / OFFERED_PER_SECOND;
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                }
            }
            Await.until(DRAIN_DEADLINE, () -> !app.isAlive() || Topics.lag(kafka.bootstrapServers(), id, in) == 0,
                    () -> "lag " + Topics.lag(kafka.bootstrapServers(), id, in) + "; output of " + app + ":\n"
                            + app.output());
            assertThat(app.isAlive()).as("the application survived; its output:%n%s", app.output()).isTrue();
            assertThat(app.lines(CountAppMain.FAILED)).isEmpty();

            List<Long> batches = app.lines("BATCH").stream().map(l -> CountApp.field(l, "records")).toList();
            List<String> stats = app.lines("STATS");
            app.stop();

            long maxLag = samples.stream().mapToLong(s -> s[0] - s[1]).max().orElse(0);
            long advances = 0;
            for (int i = 1; i < samples.size(); i++) {
                advances += samples.get(i)[1] > samples.get(i - 1)[1] ? 1 : 0;
            }
            long committedAtTwoThirds = samples.get(samples.size() * 2 / 3)[1];
            long committedAtEnd = samples.get(samples.size() - 1)[1];
            long boundRecords = MAX_BATCH_STATE_BYTES / ENTRY_BYTES + MAX_POLL_RECORDS;
            long largestBatch = batches.stream().mapToLong(Long::longValue).max().orElse(0);
            long batchesAtTheBound = batches.stream().filter(n -> n >= MAX_BATCH_STATE_BYTES / ENTRY_BYTES).count();
            long peakHeapAfterGc = stats.stream().mapToLong(l -> CountApp.field(l, "heapAfterGc")).max().orElse(-1);
            long peakBlockCache = stats.stream().mapToLong(l -> CountApp.field(l, "blockCacheUsage")).max().orElse(-1);
            long peakMemtables = stats.stream().mapToLong(l -> CountApp.field(l, "memtables")).max().orElse(-1);
            String figures = String.format("overload: %d records offered at %d/s; largest lag %d; committed offsets "
                            + "advanced in %d of %d samples; %d batches, largest %d records (bound %d), %d at the "
                            + "state bound; peak heap after GC %d KiB (-Xmx%s); peak block cache %d KiB of %d KiB; "
                            + "peak memtables %d KiB", RECORDS, OFFERED_PER_SECOND, maxLag, advances,
                    samples.size() - 1,
                    batches.size(), largestBatch, boundRecords, batchesAtTheBound, peakHeapAfterGc / 1024, HEAP,
                    peakBlockCache / 1024, STATE_MEMORY / 1024, peakMemtables / 1024);
            System.out.println(figures);

            assertThat(maxLag).as("the input outran processing; %s", figures).isGreaterThanOrEqualTo(RECORDS / 5);
            assertThat(advances).as("commits continued under the overload; %s", figures)
                    .isGreaterThanOrEqualTo(MIN_COMMIT_ADVANCES);
            assertThat(committedAtEnd).as("commits continued in the last third of the overload; %s", figures)
                    .isGreaterThan(committedAtTwoThirds);
            assertThat(largestBatch).as("the dirty buffer bound holds; %s", figures).isLessThanOrEqualTo(boundRecords);
            assertThat(batchesAtTheBound).as("batches reached the state bound; %s", figures).isPositive();
            assertThat(peakBlockCache).as("RocksDB's budget holds; %s", figures)
                    .isLessThanOrEqualTo(STATE_MEMORY + STATE_MEMORY / 10);
            assertThat(peakMemtables).as("memtables stay within their half of the budget; %s", figures)
                    .isLessThanOrEqualTo(STATE_MEMORY / 2 + 1024 * 1024);
            assertThat(peakHeapAfterGc).as("the heap stayed well inside -Xmx%s; %s", HEAP, figures)
                    .isLessThan(HEAP_AFTER_GC_LIMIT);
        }

        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.put(key(i), 1L);
        }
        CountUpdates.assertExact(expected, CountUpdates.of(Topics.readCommitted(kafka.bootstrapServers(), out,
                Duration.ofSeconds(60))), "overload output");
    }

    /** Distinct 64-byte keys, long enough for the store to outgrow RocksDB's budget. */
    private static String key(int i) {
        return String.format("k%063d", i);
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
    }
}
