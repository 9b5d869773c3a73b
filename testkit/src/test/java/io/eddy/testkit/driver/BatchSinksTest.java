package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.ProcessingFailedException;
import io.eddy.dsl.BatchWriter;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.MemorySink;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.SinkBatch;
import io.eddy.dsl.SinkRecord;
import io.eddy.serde.Serdes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** {@code foreachBatch} and the memory sink, run by the in-memory driver. */
class BatchSinksTest {

    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());

    /** Every batch a writer of one test was given, as "task/batchId: value@offset ...". */
    private static final class BatchLog {
        final List<String> batches = Collections.synchronizedList(new ArrayList<>());

        String describe(SinkBatch<String, String> b) {
            StringBuilder s = new StringBuilder(b.task() + "/" + b.batchId() + ":");
            for (SinkRecord<String, String> r : b.records()) {
                s.append(' ').append(r.value()).append('@').append(r.offset());
            }
            return s.toString();
        }
    }

    @Test
    void foreachBatchGetsEachTasksRecordsOfABatchInOneCallWithItsTaskAndBatchId() {
        BatchLog log = new BatchLog();
        List<String> applications = Collections.synchronizedList(new ArrayList<>());
        try (TestDriver d = TestDriver.builder().applicationId("orders")
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(() -> b -> {
                    applications.add(b.applicationId());
                    log.batches.add(log.describe(b));
                }))
                .partitions("in", 2).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe(0, "a", "a0", d.now(), new RecordHeaders());
            in.pipe(1, "b", "b0", d.now(), new RecordHeaders());
            in.pipe(0, "a", "a1", d.now(), new RecordHeaders());
            d.runBatch();
            in.pipe(1, "b", "b1", d.now(), new RecordHeaders());
            d.runBatch();
        }
        // task 0 had no record in the second batch: its writer is not called for it
        assertThat(log.batches).containsExactly("0/0: a0@0 a1@1", "1/0: b0@0", "1/1: b1@1");
        assertThat(applications).containsOnly("orders");
    }

    @Test
    void aBatchWhoseWriteFailedIsReplayedUnderTheSameTaskAndBatchIdWithTheSameRecords() {
        BatchLog log = new BatchLog();
        AtomicBoolean failOnce = new AtomicBoolean(true);
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).mapValues(v -> v.toUpperCase()).foreachBatch(() -> b -> {
                    log.batches.add(log.describe(b));
                    if (failOnce.getAndSet(false)) {
                        // written, then the process "dies" before the Kafka commit
                        throw new java.io.IOException("connection reset after the write");
                    }
                }))
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("k", "v0");
            in.pipe("k", "v1");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class)
                    .hasMessageContaining("foreachBatch-1")
                    .hasMessageContaining("batch 0")
                    .hasMessageContaining("connection reset after the write");
            assertThat(d.committedBatches()).isZero();
            assertThat(d.runBatch()).isEqualTo(2);
            in.pipe("k", "v2");
            d.runBatch();
        }
        assertThat(log.batches).containsExactly("0/0: V0@0 V1@1", "0/0: V0@0 V1@1", "0/1: V2@2");
    }

    @Test
    void aFailureAfterTheWriteReplaysTheBatchToo() {
        BatchLog log = new BatchLog();
        AtomicBoolean failOnce = new AtomicBoolean(true);
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> {
                    var s = p.kafka("in", STRINGS);
                    s.foreachBatch(() -> b -> log.batches.add(log.describe(b)));
                    // a second sink that fails after the first one wrote: the batch aborts as a whole
                    s.foreachBatch(() -> b -> {
                        if (failOnce.getAndSet(false)) {
                            throw new IllegalStateException("second sink down");
                        }
                    });
                })
                .build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("k", "v0");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class);
            d.runBatch();
        }
        assertThat(log.batches).containsExactly("0/0: v0@0", "0/0: v0@0");
    }

    @Test
    void aTableEmitsItsChangedRowsIntoTheBatchAtCommit() {
        List<Map<String, Long>> batches = Collections.synchronizedList(new ArrayList<>());
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .count(Named.as("counts")).toStream()
                        .foreachBatch(() -> (BatchWriter<String, Long>) b -> {
                            Map<String, Long> rows = new java.util.TreeMap<>();
                            b.records().forEach(r -> rows.put(r.key(), r.value()));
                            batches.add(rows);
                        }))
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "1");
            in.pipe("a", "2");
            in.pipe("b", "3");
            d.runBatch();
        }
        assertThat(batches).containsExactly(Map.of("a", 2L, "b", 1L));
    }

    @Test
    void aWriterFactoryReturningNullFailsTheBatchWithAClearMessage() {
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(() -> null)).build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("k", "v");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class)
                    .hasMessageContaining("writer factory returned null");
        }
    }

    // ---- memory sink

    @Test
    void memorySinkKeepsTheLatestValuePerKeyAndATombstoneRemovesIt() {
        AtomicReference<MemorySink<String, String>> sink = new AtomicReference<>();
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> sink.set(p.kafka("in", STRINGS).toMemory("latest")))
                .partitions("in", 3).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "1");
            in.pipe("b", "1");
            in.pipe("a", "2");
            assertThat(sink.get().snapshot()).isEmpty();   // nothing committed yet
            d.runBatch();
            assertThat(sink.get().snapshot()).isEqualTo(Map.of("a", "2", "b", "1"));
            in.pipe("b", null);
            in.pipe("c", "3");
            d.runBatch();
            assertThat(sink.get().snapshot()).isEqualTo(Map.of("a", "2", "c", "3"));
            assertThat(sink.get().get("a")).isEqualTo("2");
            assertThat(sink.get().get("b")).isNull();
            assertThat(sink.get().size()).isEqualTo(2);
            assertThat(sink.get().name()).isEqualTo("latest");
            assertThat(sink.get().mode()).isEqualTo(OutputMode.UPDATE);
            assertThat(d.describe().toString()).contains("toMemory-latest: memory table latest (UPDATE)");
        }
    }

    @Test
    void memorySinkShowsNothingOfAnAbortedBatch() {
        AtomicReference<MemorySink<String, String>> sink = new AtomicReference<>();
        AtomicBoolean failOnce = new AtomicBoolean(true);
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> {
                    var s = p.kafka("in", STRINGS);
                    sink.set(s.toMemory("latest"));
                    s.foreachBatch(() -> b -> {
                        if (failOnce.getAndSet(false)) {
                            throw new IllegalStateException("down");
                        }
                    });
                })
                .build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("a", "1");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class);
            assertThat(sink.get().snapshot()).isEmpty();
            assertThat(sink.get().version()).isZero();
            d.runBatch();
            assertThat(sink.get().snapshot()).isEqualTo(Map.of("a", "1"));
        }
    }

    @Test
    void completeMemorySinkHoldsTheWholeResultAsOfTheLastCommittedBatch() {
        AtomicReference<MemorySink<String, Long>> sink = new AtomicReference<>();
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> sink.set(p.kafka("in", STRINGS)
                        .groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string())).boundedKeys(100)
                        .count(Named.as("per-colour")).toMemory("colours", OutputMode.COMPLETE)))
                .defaultPartitions(2).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("1", "red");
            in.pipe("2", "blue");
            in.pipe("3", "red");
            d.runUntilIdle();
            assertThat(sink.get().snapshot()).isEqualTo(Map.of("red", 2L, "blue", 1L));
            in.pipe("4", "green");
            d.runUntilIdle();
            assertThat(sink.get().snapshot()).isEqualTo(Map.of("red", 2L, "blue", 1L, "green", 1L));
            assertThat(sink.get().mode()).isEqualTo(OutputMode.COMPLETE);
        }
    }

    @Test
    void memorySinksKeepTheirRowsAcrossTaskRestarts() {
        AtomicReference<MemorySink<String, Long>> complete = new AtomicReference<>();
        AtomicReference<MemorySink<String, Long>> update = new AtomicReference<>();
        try (TestDriver d = TestDriver.builder().restartAfterEveryBatch(true)
                .pipeline(p -> {
                    var counts = p.kafka("in", STRINGS).groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                            .boundedKeys(10).count(Named.as("counts"));
                    complete.set(counts.toMemory("all", OutputMode.COMPLETE));
                    update.set(counts.toMemory("changed"));
                })
                .defaultPartitions(2).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            for (int i = 0; i < 6; i++) {
                in.pipe("k" + (i % 3), "x");
                d.runBatch();
            }
            assertThat(complete.get().snapshot()).isEqualTo(Map.of("k0", 2L, "k1", 2L, "k2", 2L));
            assertThat(update.get().snapshot()).isEqualTo(complete.get().snapshot());
        }
    }

    @Test
    void completeMemorySinkIsRefusedOnATableThatCannotEmitComplete() {
        assertThatThrownBy(() -> TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .count(Named.as("unbounded")).toMemory("all", OutputMode.COMPLETE))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("boundedKeys");
        assertThatThrownBy(() -> TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).toMemory(" ")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("toMemory needs a name");
    }

    @Test
    void aReaderOnAnotherThreadNeverSeesPartOfABatch() throws Exception {
        AtomicReference<MemorySink<String, String>> sink = new AtomicReference<>();
        int keys = 50;
        int batches = 200;
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> sink.set(p.kafka("in", STRINGS).toMemory("latest")))
                .partitions("in", 1).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            AtomicBoolean done = new AtomicBoolean();
            List<String> torn = Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                while (!done.get()) {
                    Map<String, String> rows = sink.get().snapshot();
                    // each batch writes its number into every key: one committed batch shows one number
                    if (rows.values().stream().distinct().count() > 1) {
                        torn.add(rows.toString());
                    }
                }
            });
            reader.start();
            for (int b = 0; b < batches; b++) {
                for (int k = 0; k < keys; k++) {
                    in.pipe("k" + k, "batch-" + b);
                }
                d.runBatch();
            }
            done.set(true);
            reader.join();
            assertThat(torn).isEmpty();
            assertThat(sink.get().snapshot()).hasSize(keys).containsValue("batch-" + (batches - 1));
            assertThat(sink.get().version()).isEqualTo(batches);
        }
    }
}
