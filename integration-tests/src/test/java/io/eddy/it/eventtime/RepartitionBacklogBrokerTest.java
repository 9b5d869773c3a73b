package io.eddy.it.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog through a repartition into {@code FINAL} windows, as a new user would write it: a word
 * count grouped by word (a repartition), 10 s tumbling windows, 5 s allowed delay, over six input
 * partitions that already hold their records when the application starts. Each partition's event
 * times are out of order by less than the allowed delay, and the partitions start minutes apart
 * in event time, so whichever partition the worker reads first runs far ahead of the others.
 *
 * <p>No record may be late and every window's count must be exact: the downstream watermark is
 * the minimum of what every upstream task reported, not the largest timestamp that reached the
 * repartition topic. (Before watermarks were propagated, the repartitioned records of the
 * partitions read first pushed the downstream watermark ahead of the others and 46 % of such a
 * backlog was late; on this test, before that change, one run had 1,729 of its 30,000 records late
 * and another emitted only 197 of the 612 windows within two minutes.)
 */
class RepartitionBacklogBrokerTest extends EventTimeBrokerTest {
    private static final int PARTITIONS = 6;
    private static final int RECORDS_PER_PARTITION = 5_000;
    private static final long WINDOW_MS = 10_000;
    private static final Duration DELAY = Duration.ofSeconds(5);
    private static final List<String> WORDS = List.of("kafka", "stream", "window", "event", "time", "late",
            "exact", "once", "batch", "task", "topic", "offset");
    /** A day ago, on a window boundary: in the past, within the broker's retention. */
    private static final long T0 = floorToWindow(System.currentTimeMillis() - Duration.ofDays(1).toMillis());

    @TempDir
    Path tmp;

    @Test
    void aMultiPartitionBacklogThroughARepartitionHasNoLateRecordAndExactWindows() {
        kafka.createTopic("bl-words", PARTITIONS);
        kafka.createTopic("bl-counts", 2, Map.of("retention.ms", "-1"));
        kafka.createTopic("bl-late", 1, Map.of("retention.ms", "-1"));
        Map<Windowed<String>, Long> expected = new HashMap<>();
        io.produce(backlog(new Random(17), expected));

        AtomicReference<BatchProgress> lastProgress = new AtomicReference<>();
        try (EddyApp app = EddyApp.builder("bl")
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(tmp.resolve("bl"))
                .trigger(Trigger.every(Duration.ofMillis(200)))
                .idleTimeout(Duration.ofSeconds(2))   // the last windows close by the quiet rule soon after the backlog
                .addProgressListener(lastProgress::set)
                .pipeline(p -> p.kafka("bl-words", Consumed.with(Serdes.string(), Serdes.string()))
                        .withEventTime(DELAY)
                        .groupBy((sentence, word) -> word, Grouped.with(Serdes.string(), Serdes.string()),
                                Named.as("by-word"))
                        .window(TumblingWindows.of(Duration.ofMillis(WINDOW_MS)))
                        .onLateRecords(late -> late.toKafka("bl-late", Produced.with(Serdes.string(), Serdes.string())))
                        .count(Named.as("word-counts"))
                        .emit(OutputMode.FINAL)
                        .toKafka("bl-counts", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())))
                .build()) {
            app.start();
            Await.until(Duration.ofSeconds(120),
                    () -> FinalWindows.read(kafka.bootstrapServers(), "bl-counts", Duration.ofSeconds(10)).size()
                            >= expected.size(),
                    () -> "bl-counts holds " + FinalWindows.read(kafka.bootstrapServers(), "bl-counts",
                            Duration.ofSeconds(10)).size() + " of " + expected.size() + " windows; late so far "
                            + io.readCommittedToEnd("bl-late", Duration.ofSeconds(10)).size() + " of "
                            + (long) PARTITIONS * RECORDS_PER_PARTITION + "; last batch " + lastProgress.get());
            Map<Windowed<String>, Long> actual = FinalWindows.once(
                    FinalWindows.readSettled(kafka.bootstrapServers(), "bl-counts", Duration.ofSeconds(30)), "bl-counts");
            long late = io.readCommittedToEnd("bl-late", Duration.ofSeconds(10)).size();
            assertThat(late).as("late records of %d (routed to bl-late)", (long) PARTITIONS * RECORDS_PER_PARTITION)
                    .isZero();
            FinalWindows.assertSame(expected, actual, "word counts of the backlog");
            BatchProgress progress = lastProgress.get();
            assertThat(progress.partitionWatermarks().keySet()).anyMatch(tp -> tp.topic().equals("bl-by-word-repartition"));
            assertThat(progress.watermarkHeldBy()).isNotEmpty();
        }
    }

    /**
     * {@value #RECORDS_PER_PARTITION} records per partition, one word each. Partition {@code p}
     * starts {@code p} minutes into the event time and advances 40 ms per record on average; each
     * record is up to 4.5 s older than the largest event time before it in its partition (within
     * the 5 s allowed delay). Fills {@code expected} with the count of each word per window.
     */
    private static List<ProducerRecord<byte[], byte[]>> backlog(Random random, Map<Windowed<String>, Long> expected) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            long clock = T0 + p * 60_000L;
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                clock += random.nextInt(80);
                long eventTime = clock - random.nextInt(4_500);
                String word = WORDS.get(random.nextInt(WORDS.size()));
                long start = floorToWindow(eventTime);
                expected.merge(new Windowed<>(word, start, start + WINDOW_MS), 1L, Long::sum);
                records.add(new ProducerRecord<>("bl-words", p, eventTime,
                        ("s" + p + "-" + i).getBytes(StandardCharsets.UTF_8), word.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return records;
    }

    private static long floorToWindow(long t) {
        return t - Math.floorMod(t, WINDOW_MS);
    }
}
