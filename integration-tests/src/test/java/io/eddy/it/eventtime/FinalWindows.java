package io.eddy.it.eventtime;

import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the committed output of a windowed count ({@code Windowed<String>} keys written with
 * {@link WindowedSerde}, 8-byte long values) and checks it as {@code FINAL} output: each window
 * once.
 */
final class FinalWindows {
    private static final Serde<Windowed<String>> KEYS = WindowedSerde.of(Serdes.string());

    /** One output record: the window, its count and the record timestamp. */
    record Emitted(Windowed<String> window, long count, long timestamp) {
    }

    private FinalWindows() {
    }

    /** Every committed record of {@code topic} up to the current last stable offsets, decoded. */
    static List<Emitted> read(String bootstrapServers, String topic, Duration deadline) {
        List<Emitted> out = new ArrayList<>();
        for (TopicRecord r : TopicIO.of(bootstrapServers).readCommittedToEnd(topic, deadline)) {
            out.add(new Emitted(KEYS.deserialize(topic, r.key()), ByteBuffer.wrap(r.value()).getLong(), r.timestamp()));
        }
        return out;
    }

    /**
     * Waits until no transaction is open on any partition of {@code topic} (the last stable offset
     * equals the high watermark everywhere, which holds once the writers are idle or gone), then
     * reads every committed record: a read right after the writer's last commit could otherwise
     * miss records whose commit markers have not reached the partitions yet.
     */
    static List<Emitted> readSettled(String bootstrapServers, String topic, Duration deadline) {
        AtomicReference<String> last = new AtomicReference<>();
        Await.until(deadline, () -> {
            Map<TopicPartition, Long> stable = endOffsets(bootstrapServers, topic, "read_committed");
            Map<TopicPartition, Long> high = endOffsets(bootstrapServers, topic, "read_uncommitted");
            last.set("last stable offsets " + stable + ", high watermarks " + high);
            return stable.equals(high);
        }, () -> topic + " still has open transactions: " + last.get());
        return read(bootstrapServers, topic, deadline);
    }

    /**
     * The output as window to count, failing if a window was emitted more than once (naming the
     * first ten such windows and their values).
     */
    static Map<Windowed<String>, Long> once(List<Emitted> emitted, String context) {
        Map<Windowed<String>, List<Long>> all = new HashMap<>();
        for (Emitted e : emitted) {
            all.computeIfAbsent(e.window(), w -> new ArrayList<>()).add(e.count());
        }
        List<String> repeated = all.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .sorted(Map.Entry.comparingByKey(ORDER))
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
        if (!repeated.isEmpty()) {
            throw new AssertionError(repeated.size() + " windows emitted more than once, e.g. "
                    + repeated.subList(0, Math.min(10, repeated.size())) + "; " + context);
        }
        Map<Windowed<String>, Long> counts = new HashMap<>();
        all.forEach((w, values) -> counts.put(w, values.get(0)));
        return counts;
    }

    /** Fails unless {@code actual} equals {@code expected}, listing the first differing windows. */
    static void assertSame(Map<Windowed<String>, Long> expected, Map<Windowed<String>, Long> actual, String context) {
        if (expected.equals(actual)) {
            return;
        }
        TreeSet<Windowed<String>> windows = new TreeSet<>(ORDER);
        windows.addAll(expected.keySet());
        windows.addAll(actual.keySet());
        List<String> diffs = new ArrayList<>();
        long missing = 0;
        long unexpected = 0;
        for (Windowed<String> w : windows) {
            Long e = expected.get(w);
            Long a = actual.get(w);
            if (!Objects.equals(e, a)) {
                missing += a == null ? 1 : 0;
                unexpected += e == null ? 1 : 0;
                if (diffs.size() < 10) {
                    diffs.add(w + ": expected " + e + ", got " + a);
                }
            }
        }
        throw new AssertionError("expected " + expected.size() + " windows, got " + actual.size() + " ("
                + missing + " missing, " + unexpected + " unexpected), e.g. " + diffs + "; " + context);
    }

    /** Orders windows by start, then key. */
    static final Comparator<Windowed<String>> ORDER =
            Comparator.<Windowed<String>>comparingLong(Windowed::start).thenComparing(Windowed::key);

    private static Map<TopicPartition, Long> endOffsets(String bootstrapServers, String topic, String isolation) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "eddy-it-final-windows-" + isolation,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);   // a consumer asked for partitions it is not assigned warns for each
            return consumer.endOffsets(partitions, Duration.ofSeconds(10));
        }
    }
}
