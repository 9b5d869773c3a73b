package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.ErrorContext;
import io.eddy.ErrorHandler;
import io.eddy.OffsetRange;
import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Poison records on a real broker under both error policies.
 *
 * <p>The input has {@value #PARTITIONS} partitions of {@value #PER_PARTITION} records each, produced
 * to explicit partitions, so every record's offset is known: key {@code p<partition>-<offset>}, value
 * the long {@code partition * 1000 + offset}. The pipeline reads values with {@code Serdes.longs()},
 * doubles them in an operator that throws on a negative value, and writes key and doubled value to
 * the output, in batches of at most {@value #BATCH} (fail) or {@value #SKIP_BATCH} (skip) records. A
 * poison is either 3 value bytes (no long can be read from them) or the value -1.
 *
 * <p>Under skip-and-count the output must hold every other record exactly once. Under fail the
 * application must stop with {@link AppState#ERROR} and a {@link ProcessingFailedException} naming
 * the operator and the record, and the committed output must be exactly the output of the batches
 * the progress listener saw commit: nothing of the failed batch, nothing at or after the poison.
 */
class PoisonRecordTest extends BrokerTest {
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 40;
    /** Small batches under fail, so several commit before a poison that is not among the first records. */
    private static final int BATCH = 10;
    /** Batches under skip-and-count: a few per run, so skips are counted across batches. */
    private static final int SKIP_BATCH = 30;
    private static final String SOURCE = "numbers";
    private static final String OPERATOR = "double-it";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** Where a poison record sits and what is wrong with it. */
    enum Poison {
        /** Undeserializable bytes at offset 0 of partition 0. */
        UNDESERIALIZABLE_AT_FIRST_OFFSET(0, 0, true),
        /** A value the user code throws on, in the middle of partition 1. */
        THROWING_IN_THE_MIDDLE(1, PER_PARTITION / 2, false),
        /** A value the user code throws on, at the last offset of partition 2. */
        THROWING_AT_LAST_OFFSET(2, PER_PARTITION - 1, false);

        final int partition;
        final long offset;
        final boolean undeserializable;

        Poison(int partition, long offset, boolean undeserializable) {
            this.partition = partition;
            this.offset = offset;
            this.undeserializable = undeserializable;
        }

        boolean at(int p, long o) {
            return partition == p && offset == o;
        }

        String operator() {
            return undeserializable ? SOURCE : OPERATOR;
        }
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void skipAndCountWritesEveryOtherRecordOnceAndCountsThePoison(Poison poison) {
        runSkipping(EnumSet.of(poison));
    }

    @Test
    void skipAndCountSkipsThreePoisonsInOneRun() {
        runSkipping(EnumSet.allOf(Poison.class));
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void failStopsWithAnErrorNamingTheRecordAndCommitsNothingOfTheFailedBatch(Poison poison) {
        int run = SEQUENCE.incrementAndGet();
        String in = "poison-fail-in-" + run;
        String out = "poison-fail-out-" + run;
        kafka.createTopic(in, PARTITIONS);
        kafka.createTopic(out, PARTITIONS);
        io.produce(input(in, Set.of(poison)));

        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        EddyApp app = app("poison-fail-" + run, in, out, ErrorHandler.fail(), BATCH, progress);
        try {
            app.start();
            Await.until(DEADLINE, () -> app.state() == AppState.ERROR,
                    () -> "state " + app.state() + ", metrics " + app.metrics());
            assertThat(app.awaitTermination(DEADLINE)).as("workers stop after the failure").isTrue();
        } finally {
            app.close(DEADLINE);
        }
        assertThat(app.state()).isEqualTo(AppState.ERROR);

        Throwable failure = app.failure().orElseThrow();
        assertThat(failure).isInstanceOf(ProcessingFailedException.class);
        assertThat(failure.getMessage())
                .contains("'" + poison.operator() + "'")
                .contains(in + "-" + poison.partition + "@" + poison.offset);
        ErrorContext context = ((ProcessingFailedException) failure).context();
        assertThat(context).isNotNull();
        assertThat(context.kind()).isEqualTo(poison.undeserializable
                ? ErrorContext.Kind.DESERIALIZATION : ErrorContext.Kind.PROCESSING);
        assertThat(context.operator()).isEqualTo(poison.operator());
        assertThat(context.topic()).isEqualTo(in);
        assertThat(context.partition()).isEqualTo(poison.partition);
        assertThat(context.offset()).isEqualTo(poison.offset);
        assertThat(app.metrics().abortedBatches()).as("the failed batch is aborted").isGreaterThanOrEqualTo(1);

        // committed output = exactly what the committed batches consumed, and never the poison or later
        Map<String, Long> committedInput = new TreeMap<>();
        for (BatchProgress b : progress) {
            b.offsets().forEach((tp, range) -> {
                assertThat(tp.topic()).isEqualTo(in);
                for (long o = range.first(); o <= range.last(); o++) {
                    assertThat(tp.partition() == poison.partition && o >= poison.offset)
                            .as("batch %s committed the poison or a record after it", b)
                            .isFalse();
                    committedInput.put(key(tp.partition(), o), 2 * value(tp.partition(), o));
                }
            });
        }
        Map<String, Long> output = outputByKey(io.readCommittedToEnd(out, DEADLINE));
        assertThat(output).isEqualTo(committedInput);
        if (poison.offset == 0) {
            assertThat(output.keySet()).noneMatch(k -> k.startsWith("p" + poison.partition + "-"));
        } else {
            // the failed batch holds at most BATCH records, so what precedes them in the poison's
            // partition was committed by earlier batches
            for (long o = 0; o <= poison.offset - BATCH; o++) {
                assertThat(output).containsKey(key(poison.partition, o));
            }
        }
    }

    private void runSkipping(Set<Poison> poisons) {
        int run = SEQUENCE.incrementAndGet();
        String in = "poison-skip-in-" + run;
        String out = "poison-skip-out-" + run;
        kafka.createTopic(in, PARTITIONS);
        kafka.createTopic(out, PARTITIONS);
        io.produce(input(in, poisons));

        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        EddyApp app = app("poison-skip-" + run, in, out, ErrorHandler.skipAndCount(), SKIP_BATCH, progress);
        int total = PARTITIONS * PER_PARTITION;
        boolean closed;
        try {
            app.start();
            Await.until(DEADLINE, () -> app.metrics().processedRecords() >= total,
                    () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
            assertThat(app.state()).isIn(AppState.RUNNING, AppState.REBALANCING);
            assertThat(app.failure()).isEmpty();
        } finally {
            closed = app.close(DEADLINE);
        }
        assertThat(closed).as("closed within %s", DEADLINE).isTrue();
        assertThat(app.state()).isEqualTo(AppState.STOPPED);
        assertThat(app.metrics().processedRecords()).isEqualTo(total);
        assertThat(app.metrics().skippedRecords()).isEqualTo(poisons.size());
        assertThat(progress.stream().mapToLong(BatchProgress::skipped).sum()).isEqualTo(poisons.size());

        Map<String, Long> expected = new TreeMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (long o = 0; o < PER_PARTITION; o++) {
                if (!isPoison(poisons, p, o)) {
                    expected.put(key(p, o), 2 * value(p, o));
                }
            }
        }
        List<TopicRecord> output = io.readCommittedToEnd(out, DEADLINE);
        assertThat(output).hasSize(expected.size());   // with the map below: each record exactly once
        assertThat(outputByKey(output)).isEqualTo(expected);

        // the committed offsets move past every poison: the batches tile each partition to its end
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(in, p);
            List<OffsetRange> ranges = progress.stream().map(b -> b.offsets().get(tp)).filter(r -> r != null)
                    .sorted(Comparator.comparingLong(OffsetRange::first)).toList();
            long next = 0;
            for (OffsetRange r : ranges) {
                assertThat(r.first()).as("partition %d ranges %s", p, ranges).isEqualTo(next);
                next = r.last() + 1;
            }
            assertThat(next).as("partition %d ranges %s", p, ranges).isEqualTo(PER_PARTITION);
        }
    }

    private static EddyApp app(String appId, String in, String out, ErrorHandler handler, int maxRecordsPerBatch,
                               List<BatchProgress> progress) {
        return EddyApp.builder(appId)
                .bootstrapServers(kafka.bootstrapServers())
                .errorHandler(handler)
                .maxRecordsPerBatch(maxRecordsPerBatch)
                .addProgressListener(progress::add)
                .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), Serdes.longs()))
                        .named(SOURCE)
                        .mapValues(v -> {
                            if (v < 0) {
                                throw new IllegalArgumentException("negative value " + v);
                            }
                            return 2 * v;
                        })
                        .named(OPERATOR)
                        .toKafka(out, Produced.with(Serdes.string(), Serdes.longs())))
                .build();
    }

    private static List<ProducerRecord<byte[], byte[]>> input(String topic, Set<Poison> poisons) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (long o = 0; o < PER_PARTITION; o++) {
                byte[] value = longBytes(value(p, o));
                for (Poison poison : poisons) {
                    if (poison.at(p, o)) {
                        value = poison.undeserializable ? new byte[] {1, 2, 3} : longBytes(-1L);
                    }
                }
                records.add(new ProducerRecord<>(topic, p, key(p, o).getBytes(StandardCharsets.UTF_8), value));
            }
        }
        return records;
    }

    private static boolean isPoison(Set<Poison> poisons, int partition, long offset) {
        return poisons.stream().anyMatch(poison -> poison.at(partition, offset));
    }

    private static String key(int partition, long offset) {
        return "p" + partition + "-" + offset;
    }

    private static long value(int partition, long offset) {
        return partition * 1000L + offset;
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    /** The output as key to value, failing on a key seen twice. */
    private static Map<String, Long> outputByKey(List<TopicRecord> records) {
        Map<String, Long> byKey = new TreeMap<>();
        for (TopicRecord r : records) {
            Long previous = byKey.put(r.keyString(), ByteBuffer.wrap(r.value()).getLong());
            assertThat(previous).as("key %s written twice", r.keyString()).isNull();
        }
        return byKey;
    }
}
