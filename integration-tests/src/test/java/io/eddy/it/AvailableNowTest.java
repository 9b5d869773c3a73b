package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.OffsetRange;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@link Trigger#availableNow()} against a real broker: a run processes exactly the records present
 * when it starts (the end offsets taken by {@code start()}), stops by itself with
 * {@link AppState#STOPPED}, and leaves records produced after the start to the next run of the same
 * application id.
 *
 * <p>The backlog is produced to explicit partitions of a 4-partition topic, leaving partition 3 empty
 * at start, so the run must also stop when a partition has nothing to drain. Each committed batch's
 * offset ranges (from the progress listener) must tile the backlog of every partition exactly: no
 * gap, no overlap, nothing beyond the start-time end offset.
 */
class AvailableNowTest extends BrokerTest {
    private static final int PARTITIONS = 4;
    private static final int BACKLOG = 5_000;
    private static final int LATE = 300;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void drainsTheBacklogPresentAtStartStopsAndLeavesLaterRecordsToTheNextRun() {
        String in = "an-drain-in";
        String out = "an-drain-out";
        String appId = "an-drain";
        kafka.createTopic(in, PARTITIONS);
        kafka.createTopic(out, PARTITIONS);
        List<ProducerRecord<byte[], byte[]>> backlog = records(in, "backlog", BACKLOG, PARTITIONS - 1);
        io.produce(backlog);
        Map<Integer, Long> startEnds = io.endOffsets(in);
        assertThat(startEnds.get(PARTITIONS - 1)).as("partition %d is left empty", PARTITIONS - 1).isZero();

        // first run: two workers, late records produced as soon as start() has returned
        List<BatchProgress> firstProgress = new CopyOnWriteArrayList<>();
        EddyApp first = availableNowApp(appId, in, out, 2, Integer.MAX_VALUE, firstProgress);
        List<ProducerRecord<byte[], byte[]>> late = records(in, "late", LATE, PARTITIONS);
        try {
            first.start();
            io.produce(late);
            assertThat(first.awaitTermination(DEADLINE))
                    .as("the availableNow run stops by itself; state %s, metrics %s", first.state(), first.metrics())
                    .isTrue();
            assertThat(first.state()).isEqualTo(AppState.STOPPED);
            assertThat(first.failure()).isEmpty();
        } finally {
            first.close(Duration.ofSeconds(30));
        }
        Map<Integer, Long> lateEnds = io.endOffsets(in);
        List<TopicRecord> afterFirst = io.readCommittedToEnd(out, DEADLINE);
        assertThat(values(afterFirst)).containsExactlyInAnyOrderElementsOf(expectedOutput(backlog));
        assertThat(first.metrics().processedRecords()).isEqualTo(BACKLOG);
        assertThat(first.metrics().abortedBatches()).isZero();
        assertTilesExactly(firstProgress, in, zeros(), startEnds);

        // second run, same application id: exactly the late records
        List<BatchProgress> secondProgress = new CopyOnWriteArrayList<>();
        EddyApp second = availableNowApp(appId, in, out, 1, Integer.MAX_VALUE, secondProgress);
        try {
            second.start();
            assertThat(second.awaitTermination(DEADLINE))
                    .as("the second run stops by itself; state %s, metrics %s", second.state(), second.metrics())
                    .isTrue();
            assertThat(second.state()).isEqualTo(AppState.STOPPED);
            assertThat(second.failure()).isEmpty();
        } finally {
            second.close(Duration.ofSeconds(30));
        }
        assertThat(second.metrics().processedRecords()).isEqualTo(LATE);
        assertTilesExactly(secondProgress, in, startEnds, lateEnds);
        List<String> expected = new ArrayList<>(expectedOutput(backlog));
        expected.addAll(expectedOutput(late));
        assertThat(values(io.readCommittedToEnd(out, DEADLINE))).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void maxRecordsPerBatchBoundsEveryBatchOfTheBacklog() {
        String in = "an-bounded-in";
        String out = "an-bounded-out";
        kafka.createTopic(in, PARTITIONS);
        kafka.createTopic(out, PARTITIONS);
        List<ProducerRecord<byte[], byte[]>> backlog = records(in, "backlog", BACKLOG, PARTITIONS - 1);
        io.produce(backlog);
        Map<Integer, Long> startEnds = io.endOffsets(in);

        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        EddyApp app = availableNowApp("an-bounded", in, out, 1, 100, progress);
        try {
            app.start();
            assertThat(app.awaitTermination(DEADLINE))
                    .as("the availableNow run stops by itself; state %s, metrics %s", app.state(), app.metrics())
                    .isTrue();
            assertThat(app.state()).isEqualTo(AppState.STOPPED);
            assertThat(app.failure()).isEmpty();
        } finally {
            app.close(Duration.ofSeconds(30));
        }
        assertThat(progress).allSatisfy(b -> assertThat(b.records()).as("records of %s", b).isLessThanOrEqualTo(100));
        assertThat(progress.size()).isGreaterThanOrEqualTo(BACKLOG / 100);
        assertThat(progress.stream().mapToLong(BatchProgress::records).sum()).isEqualTo(BACKLOG);
        assertTilesExactly(progress, in, zeros(), startEnds);
        assertThat(values(io.readCommittedToEnd(out, DEADLINE))).containsExactlyInAnyOrderElementsOf(expectedOutput(backlog));
    }

    private static EddyApp availableNowApp(String appId, String in, String out, int threads, int maxRecords,
                                           List<BatchProgress> progress) {
        return EddyApp.builder(appId)
                .bootstrapServers(kafka.bootstrapServers())
                .threads(threads)
                .trigger(Trigger.availableNow())
                .maxRecordsPerBatch(maxRecords)
                .addProgressListener(progress::add)
                .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), Serdes.string()))
                        .mapValues(v -> "seen-" + v)
                        .toKafka(out, Produced.with(Serdes.string(), Serdes.string())))
                .build();
    }

    /** {@code count} records with values {@code <tag>-<i>}, record i to partition {@code i % partitions}. */
    private static List<ProducerRecord<byte[], byte[]>> records(String topic, String tag, int count, int partitions) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(new ProducerRecord<>(topic, i % partitions, utf8("k" + i), utf8(tag + "-" + i)));
        }
        return records;
    }

    private static List<String> expectedOutput(List<ProducerRecord<byte[], byte[]>> input) {
        return input.stream().map(r -> "seen-" + new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> values(List<TopicRecord> records) {
        return records.stream().map(TopicRecord::valueString).toList();
    }

    private static Map<Integer, Long> zeros() {
        Map<Integer, Long> zeros = new TreeMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            zeros.put(p, 0L);
        }
        return zeros;
    }

    /**
     * Checks that the committed batches' offset ranges of {@code topic} cover, per partition, exactly
     * the offsets {@code from[p]} to {@code to[p] - 1}, each once.
     */
    private static void assertTilesExactly(List<BatchProgress> progress, String topic, Map<Integer, Long> from,
                                           Map<Integer, Long> to) {
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            List<OffsetRange> ranges = progress.stream()
                    .map(b -> b.offsets().get(tp))
                    .filter(r -> r != null)
                    .sorted(Comparator.comparingLong(OffsetRange::first))
                    .toList();
            long next = from.get(p);
            for (OffsetRange r : ranges) {
                assertThat(r.first()).as("partition %d: ranges %s must continue at %d", p, ranges, next).isEqualTo(next);
                assertThat(r.last()).as("partition %d: range %s", p, r).isGreaterThanOrEqualTo(r.first());
                next = r.last() + 1;
            }
            assertThat(next).as("partition %d: ranges %s must end before %d", p, ranges, to.get(p)).isEqualTo(to.get(p));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
