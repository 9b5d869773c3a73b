package io.eddy.it.reliability;

import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Compares the committed output of a fault-injection run with the output computed from the input
 * ({@link OrderWorkload}), reading with {@code isolation.level=read_committed}.
 *
 * <p>Losses and duplicates are counted in input records: an enriched record missing or seen
 * twice counts one; a window whose count is short or over counts the difference; a window emitted
 * twice counts all the records of the extra emission. A window whose count is right but whose sum
 * is not (one record replaced by another) counts as a wrong aggregate.
 */
final class OutputCheck {
    private static final Serde<Windowed<String>> WINDOW_KEYS = WindowedSerde.of(Serdes.string());
    private static final Comparator<Windowed<String>> ORDER =
            Comparator.<Windowed<String>>comparingLong(Windowed::start).thenComparing(Windowed::key);

    /**
     * What the check found.
     *
     * @param lost input records missing from the output
     * @param duplicated input records the output holds more than once
     * @param wrong records or windows whose value differs from the expected one
     * @param unexpected records or windows that should not exist at all
     * @param windows windows expected
     * @param examples the first few differences, for the failure message
     */
    record Result(long lost, long duplicated, long wrong, long unexpected, int windows, List<String> examples) {
        boolean exact() {
            return lost == 0 && duplicated == 0 && wrong == 0 && unexpected == 0;
        }
    }

    private final String bootstrapServers;
    private final OrderWorkload workload;
    private long lost;
    private long duplicated;
    private long wrong;
    private long unexpected;
    private final List<String> examples = new ArrayList<>();

    OutputCheck(String bootstrapServers, OrderWorkload workload) {
        this.bootstrapServers = bootstrapServers;
        this.workload = workload;
    }

    /** Checks both output topics; call once the application has stopped (or is idle). */
    Result run(Duration deadline) {
        checkEnriched(deadline);
        int windows = checkTotals(deadline);
        return new Result(lost, duplicated, wrong, unexpected, windows, List.copyOf(examples));
    }

    private void checkEnriched(Duration deadline) {
        BitSet seen = new BitSet(workload.totalOrders());
        readCommitted(bootstrapServers, FaultPipelineMain.ENRICHED, deadline, r -> {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            String value = new String(r.value(), StandardCharsets.UTF_8);
            long i;
            try {
                i = Long.parseLong(OrderWorkload.field(value, 0));
            } catch (NumberFormatException e) {
                i = -1;
            }
            if (i < 0 || i >= workload.totalOrders()) {
                unexpected++;
                example("enriched: unexpected " + key + " -> " + value);
                return;
            }
            if (seen.get((int) i)) {
                duplicated++;
                example("enriched: order " + i + " again at " + r.topic() + "-" + r.partition() + "@" + r.offset());
                return;
            }
            seen.set((int) i);
            if (!key.equals(workload.customerOf(i)) || !value.equals(workload.enriched(i))) {
                wrong++;
                example("enriched: order " + i + " is " + key + " -> " + value + ", expected " + workload.customerOf(i)
                        + " -> " + workload.enriched(i));
            }
        });
        int missing = workload.totalOrders() - seen.cardinality();
        if (missing > 0) {
            lost += missing;
            example("enriched: " + missing + " orders missing, the first " + seen.nextClearBit(0));
        }
    }

    private int checkTotals(Duration deadline) {
        Map<Windowed<String>, Totals> expected = workload.expectedTotals();
        Map<Windowed<String>, List<Totals>> actual = new HashMap<>();
        readCommitted(bootstrapServers, FaultPipelineMain.TOTALS, deadline, r -> actual
                .computeIfAbsent(WINDOW_KEYS.deserialize(r.topic(), r.key()), w -> new ArrayList<>())
                .add(Totals.SERDE.deserialize(r.topic(), r.value())));
        Map<Long, Integer> missingByStart = new TreeMap<>();
        Map<Windowed<String>, Totals> sorted = new TreeMap<>(ORDER);
        sorted.putAll(expected);
        for (Map.Entry<Windowed<String>, Totals> e : sorted.entrySet()) {
            List<Totals> emitted = actual.remove(e.getKey());
            Totals want = e.getValue();
            if (emitted == null) {
                missingByStart.merge(e.getKey().start(), 1, Integer::sum);
                lost += want.count();
                example("totals: window " + e.getKey() + " (task " + OrderWorkload.partitionOf(e.getKey().key())
                        + ") missing, expected " + want);
                continue;
            }
            Totals got = emitted.get(0);
            if (emitted.size() > 1) {
                emitted.subList(1, emitted.size()).forEach(t -> duplicated += t.count());
                example("totals: window " + e.getKey() + " emitted " + emitted.size() + " times: " + emitted);
            }
            if (!got.equals(want)) {
                lost += Math.max(0, want.count() - got.count());
                duplicated += Math.max(0, got.count() - want.count());
                wrong++;
                example("totals: window " + e.getKey() + " is " + got + ", expected " + want);
            }
        }
        if (!missingByStart.isEmpty()) {
            examples.add(0, "totals: missing windows per window start: " + missingByStart);
        }
        if (!actual.isEmpty()) {
            unexpected += actual.size();
            example("totals: " + actual.size() + " unexpected windows, e.g. "
                    + actual.keySet().stream().sorted(ORDER).limit(3).toList());
        }
        return expected.size();
    }

    /** How many committed records {@code topic} holds now (records of open transactions excluded). */
    static long countCommitted(String bootstrapServers, String topic, Duration deadline) {
        long[] n = new long[1];
        readCommitted(bootstrapServers, topic, deadline, r -> n[0]++);
        return n[0];
    }

    /**
     * Writes every committed record of the totals topic, decoded, one per line in partition and
     * offset order ({@code <partition>@<offset> ts=<timestamp> <window> <totals>}), for a failure.
     */
    static void dumpTotals(String bootstrapServers, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        readCommitted(bootstrapServers, FaultPipelineMain.TOTALS, Duration.ofSeconds(60),
                r -> lines.add(r.partition() + "@" + r.offset() + " ts=" + r.timestamp() + " "
                        + WINDOW_KEYS.deserialize(r.topic(), r.key()) + " " + Totals.SERDE.deserialize(r.topic(), r.value())));
        lines.sort(Comparator.comparingInt((String l) -> Integer.parseInt(l.substring(0, l.indexOf('@'))))
                .thenComparingLong(l -> Long.parseLong(l.substring(l.indexOf('@') + 1, l.indexOf(' ')))));
        Files.write(file, lines);
    }

    /**
     * Per partition of {@code topic}, the first offset still in the log: above 0 when the broker
     * deleted records (retention), which a failure message should say.
     */
    static Map<Integer, Long> logStartOffsets(String bootstrapServers, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, "read_uncommitted")) {
            Map<Integer, Long> out = new TreeMap<>();
            consumer.beginningOffsets(partitions(consumer, topic), Duration.ofSeconds(10))
                    .forEach((tp, offset) -> out.put(tp.partition(), offset));
            return out;
        }
    }

    private void example(String text) {
        if (examples.size() < 12) {
            examples.add(text);
        }
    }

    /**
     * Waits until no transaction is open on {@code topic} (last stable offset equal to the high
     * watermark on every partition: a read right after a commit could otherwise miss records whose
     * commit markers are still on their way). Holds once the writers are idle or gone.
     */
    static void awaitNoOpenTransaction(String bootstrapServers, String topic, Duration deadline) {
        AtomicReference<String> last = new AtomicReference<>();
        Await.until(deadline, () -> {
            Map<TopicPartition, Long> stable = endOffsets(bootstrapServers, topic, "read_committed");
            Map<TopicPartition, Long> high = endOffsets(bootstrapServers, topic, "read_uncommitted");
            last.set("last stable offsets " + stable + ", high watermarks " + high);
            return stable.equals(high);
        }, () -> topic + " still has open transactions: " + last.get());
    }

    /** Reads every committed record of {@code topic} up to the end offsets taken when the read starts. */
    private static void readCommitted(String bootstrapServers, String topic, Duration deadline,
                                      Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long limit = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, "read_committed")) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > limit) {
                    throw new AssertionError("reading " + topic + " up to " + ends + " took longer than " + deadline);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrapServers, String topic, String isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, isolation)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);   // a consumer asked for partitions it is not assigned warns for each
            return consumer.endOffsets(partitions, Duration.ofSeconds(10));
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String isolation) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "eddy-it-output-check-" + isolation,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
