package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.ErrorContext;
import io.eddy.ErrorHandler;
import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.ForeachWriter;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.SinkRecord;
import io.eddy.dsl.TaskBatch;
import io.eddy.serde.Serdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Every stateless operator, run by the in-memory driver over several partitions. */
class TestDriverOperatorsTest {

    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());
    private static final Produced<String, String> OUT = Produced.with(Serdes.string(), Serdes.string());
    private static final int PARTITIONS = 4;

    private static TestDriver driver(Consumer<io.eddy.dsl.Pipeline> pipeline) {
        return TestDriver.builder().pipeline(pipeline).defaultPartitions(PARTITIONS).build();
    }

    private static List<String> keys(int n) {
        return IntStream.range(0, n).mapToObj(i -> "k" + i).toList();
    }

    private static void pipeAll(TestDriver d, String topic, int n) {
        TestInputTopic<String, String> in = d.input(topic, Serdes.string(), Serdes.string());
        keys(n).forEach(k -> in.pipe(k, "v" + k.substring(1)));
    }

    @Test
    void recordsAreSpreadOverPartitionsAndKeepTheirKeyPartition() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS).toKafka("out", OUT))) {
            pipeAll(d, "in", 200);
            assertThat(d.runBatch()).isEqualTo(200);
            List<TestRecord<String, String>> out = d.output("out", Serdes.string(), Serdes.string()).readRecords();
            assertThat(out).hasSize(200);
            assertThat(out.stream().map(TestRecord::partition).distinct()).hasSize(PARTITIONS);
        }
    }

    @Test
    void mapReplacesKeyAndValue() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS)
                .map((k, v) -> KeyValue.of(v, k))
                .toKafka("out", OUT))) {
            pipeAll(d, "in", 50);
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readKeyValues())
                    .containsExactlyInAnyOrderElementsOf(keys(50).stream()
                            .map(k -> KeyValue.of("v" + k.substring(1), k)).toList());
        }
    }

    @Test
    void mapValuesChangesTypeAndKeepsKey() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS)
                .mapValues(String::length)
                .toKafka("out", Produced.with(Serdes.string(), Serdes.ints())))) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("a", "hello");
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.ints()).readKeyValues()).containsExactly(KeyValue.of("a", 5));
        }
    }

    @Test
    void flatMapAndFlatMapValuesEmitZeroOrMore() {
        try (TestDriver d = driver(p -> {
            RecordStream<String, String> in = p.kafka("in", STRINGS);
            in.flatMap((k, v) -> List.of(KeyValue.of(k + "1", v), KeyValue.of(k + "2", v))).toKafka("pairs", OUT);
            in.flatMapValues(v -> v.isEmpty() ? List.of() : List.of(v.split(" "))).toKafka("words", OUT);
        })) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "x y z");
            in.pipe("b", "");
            d.runBatch();
            assertThat(d.output("pairs", Serdes.string(), Serdes.string()).readKeyValues()).containsExactlyInAnyOrder(
                    KeyValue.of("a1", "x y z"), KeyValue.of("a2", "x y z"), KeyValue.of("b1", ""), KeyValue.of("b2", ""));
            assertThat(d.output("words", Serdes.string(), Serdes.string()).readValues()).containsExactly("x", "y", "z");
        }
    }

    @Test
    void filterKeepsWhatThePredicateAccepts() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS)
                .filter((k, v) -> Integer.parseInt(v.substring(1)) % 2 == 0)
                .toKafka("out", OUT))) {
            pipeAll(d, "in", 100);
            d.runBatch();
            List<String> values = d.output("out", Serdes.string(), Serdes.string()).readValues();
            assertThat(values).hasSize(50).allMatch(v -> Integer.parseInt(v.substring(1)) % 2 == 0);
        }
    }

    @Test
    void selectKeyRepartitionsTheOutputByTheNewKey() {
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).selectKey((k, v) -> "same").toKafka("out", OUT))
                .partitions("in", PARTITIONS).partitions("out", 8).build()) {
            pipeAll(d, "in", 40);
            d.runBatch();
            List<TestRecord<String, String>> out = d.output("out", Serdes.string(), Serdes.string()).readRecords();
            assertThat(out).hasSize(40).allMatch(r -> r.key().equals("same"));
            assertThat(out.stream().map(TestRecord::partition).distinct()).hasSize(1);
        }
    }

    @Test
    void peekSeesEveryRecordAndPassesItOn() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS).peek((k, v) -> seen.add(k)).toKafka("out", OUT))) {
            pipeAll(d, "in", 30);
            d.runBatch();
            assertThat(seen).containsExactlyInAnyOrderElementsOf(keys(30));
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readRecords()).hasSize(30);
        }
    }

    @Test
    void splitSendsEachRecordToTheFirstMatchingBranchOrTheDefault() {
        try (TestDriver d = driver(p -> {
            Map<String, RecordStream<String, String>> b = p.kafka("in", STRINGS).split()
                    .branch("small", (k, v) -> Integer.parseInt(v.substring(1)) < 10)
                    .branch("even", (k, v) -> Integer.parseInt(v.substring(1)) % 2 == 0)
                    .defaultBranch("rest");
            b.get("small").toKafka("small", OUT);
            b.get("even").toKafka("even", OUT);
            b.get("rest").toKafka("rest", OUT);
        })) {
            pipeAll(d, "in", 30);
            d.runBatch();
            assertThat(d.output("small", Serdes.string(), Serdes.string()).readValues()).hasSize(10);
            assertThat(d.output("even", Serdes.string(), Serdes.string()).readValues()).hasSize(10)
                    .allMatch(v -> Integer.parseInt(v.substring(1)) >= 10);
            assertThat(d.output("rest", Serdes.string(), Serdes.string()).readValues()).hasSize(10);
        }
    }

    @Test
    void splitWithoutDefaultDropsUnmatchedRecords() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS).split()
                .branch("a", (k, v) -> v.equals("v1"))
                .noDefaultBranch()
                .get("a").toKafka("out", OUT))) {
            pipeAll(d, "in", 5);
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readValues()).containsExactly("v1");
        }
    }

    @Test
    void mergeCombinesTwoSources() {
        try (TestDriver d = driver(p -> p.kafka("left", STRINGS)
                .merge(p.kafka("right", STRINGS).mapValues(v -> "R" + v))
                .toKafka("out", OUT))) {
            pipeAll(d, "left", 20);
            pipeAll(d, "right", 20);
            d.runBatch();
            List<String> values = d.output("out", Serdes.string(), Serdes.string()).readValues();
            assertThat(values).hasSize(40);
            assertThat(values.stream().filter(v -> v.startsWith("R"))).hasSize(20);
        }
    }

    @Test
    void severalTopicsAndPatternsFeedOneSource() {
        try (TestDriver d = driver(p -> {
            p.kafka(List.of("a", "b"), STRINGS).toKafka("ab", OUT);
            p.kafka(Pattern.compile("logs-.*"), STRINGS).toKafka("logs", OUT);
        })) {
            pipeAll(d, "a", 3);
            pipeAll(d, "b", 4);
            pipeAll(d, "logs-web", 5);
            pipeAll(d, "logs-db", 6);
            pipeAll(d, "other", 7);
            d.runBatch();
            assertThat(d.output("ab", Serdes.string(), Serdes.string()).readValues()).hasSize(7);
            assertThat(d.output("logs", Serdes.string(), Serdes.string()).readValues()).hasSize(11);
        }
    }

    @Test
    void topicChooserRoutesEachRecordAndHeadersAndTimestampsArePreserved() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS)
                .toKafka((k, v) -> v.startsWith("x") ? "xs" : "others", OUT))) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
            Instant ts = Instant.parse("2026-03-01T10:00:00Z");
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe(-1, "k", "x1", ts, headers);
            in.pipe("k2", "y1");
            d.runBatch();
            TestRecord<String, String> x = d.output("xs", Serdes.string(), Serdes.string()).readRecords().get(0);
            assertThat(x.value()).isEqualTo("x1");
            assertThat(x.timestamp()).isEqualTo(ts.toEpochMilli());
            assertThat(new String(x.headers().lastHeader("trace").value(), StandardCharsets.UTF_8)).isEqualTo("t-1");
            assertThat(d.output("others", Serdes.string(), Serdes.string()).readValues()).containsExactly("y1");
        }
    }

    @Test
    void consoleSinkPrintsEachRecord() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).named("src").console())
                .console(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("k", "v");
            d.runBatch();
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("[console-1] k -> v" + System.lineSeparator());
    }

    /** A foreach writer that logs its lifecycle calls, shared by all tasks of one test. */
    private static final class LifecycleLog {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        ForeachWriter<String, String> writer() {
            return new ForeachWriter<>() {
                TaskBatch batch;

                @Override
                public boolean open(TaskBatch b) {
                    batch = b;
                    calls.add("open " + b.task() + "/" + b.batchId());
                    return true;
                }

                @Override
                public void process(SinkRecord<String, String> r) {
                    if (r.value().equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    calls.add("process " + batch.task() + "/" + batch.batchId() + " " + r.value() + "@" + r.offset());
                }

                @Override
                public void close(Throwable error) {
                    calls.add("close " + batch.task() + "/" + batch.batchId() + " " + (error == null ? "ok" : "error"));
                }
            };
        }
    }

    @Test
    void foreachWriterSeesOpenProcessCloseOncePerTaskAndBatch() {
        LifecycleLog log = new LifecycleLog();
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).foreach(log::writer))
                .partitions("in", 2).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            Instant t = d.now();
            in.pipe(0, "a", "a0", t, new RecordHeaders());
            in.pipe(1, "b", "b0", t, new RecordHeaders());
            in.pipe(0, "a", "a1", t, new RecordHeaders());
            d.runBatch();
            in.pipe(1, "b", "b1", t, new RecordHeaders());
            d.runBatch();
        }
        assertThat(log.calls).containsExactly(
                "open 0/0", "process 0/0 a0@0", "process 0/0 a1@1",
                "open 1/0", "process 1/0 b0@0",
                "close 0/0 ok", "close 1/0 ok",
                "open 1/1", "process 1/1 b1@1", "close 1/1 ok");
    }

    /** A writer that logs every call, the two optional ones included. */
    private static ForeachWriter<String, String> stagingWriter(List<String> calls) {
        return new ForeachWriter<>() {
            @Override
            public void taskStarted(TaskBatch next) {
                calls.add("started " + next.task() + "/" + next.batchId());
            }

            @Override
            public boolean open(TaskBatch b) {
                calls.add("open " + b.task() + "/" + b.batchId());
                return true;
            }

            @Override
            public void process(SinkRecord<String, String> r) {
                calls.add("process " + r.value());
            }

            @Override
            public void close(Throwable error) {
                calls.add(error == null ? "close ok" : "close error");
            }

            @Override
            public void committed(TaskBatch b) {
                calls.add("committed " + b.task() + "/" + b.batchId());
            }
        };
    }

    @Test
    void foreachWriterHearsWhenItsTaskStartsAndWhenEachClosedBatchCommits() {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        boolean[] failOnce = {true};
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS)
                        .peek((k, v) -> {
                            if (v.equals("v2") && failOnce[0]) {
                                failOnce[0] = false;
                                throw new IllegalStateException("transient");
                            }
                        })
                        .foreach(() -> stagingWriter(calls)))
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("k", "v0");
            d.runBatch();
            in.pipe("k", "v1");
            in.pipe("k", "v2");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class);
            d.runBatch();
        }
        assertThat(calls).containsExactly(
                "started 0/0",
                "open 0/0", "process v0", "close ok", "committed 0/0",
                "open 0/1", "process v1", "close error",
                "open 0/1", "process v1", "process v2", "close ok", "committed 0/1");
    }

    @Test
    void aForeachWriterUnderAPatternSourceHearsItsTaskStartBeforeItsFirstBatch() {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka(Pattern.compile("logs-.*"), STRINGS).foreach(() -> stagingWriter(calls)))
                .build()) {
            TestInputTopic<String, String> in = d.input("logs-web", Serdes.string(), Serdes.string());
            in.pipe("k", "v0");
            d.runBatch();
            in.pipe("k", "v1");
            d.runBatch();
        }
        assertThat(calls).containsExactly(
                "started 0/0",
                "open 0/0", "process v0", "close ok", "committed 0/0",
                "open 0/1", "process v1", "close ok", "committed 0/1");
    }

    @Test
    void aFailedBatchIsReplayedUnderTheSameBatchId() {
        LifecycleLog log = new LifecycleLog();
        boolean[] failOnce = {true};
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS)
                        .peek((k, v) -> {
                            if (v.equals("v1") && failOnce[0]) {
                                failOnce[0] = false;
                                throw new IllegalStateException("transient");
                            }
                        })
                        .foreach(log::writer))
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("k", "v0");
            in.pipe("k", "v1");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class);
            assertThat(d.runBatch()).isEqualTo(2);
        }
        assertThat(log.calls).containsExactly(
                "open 0/0", "process 0/0 v0@0", "close 0/0 error",
                "open 0/0", "process 0/0 v0@0", "process 0/0 v1@1", "close 0/0 ok");
    }

    @Test
    void failPolicyNamesOperatorTopicPartitionAndOffsetAndCommitsNothing() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS)
                .mapValues(v -> Integer.parseInt(v)).named("parse")
                .toKafka("out", Produced.with(Serdes.string(), Serdes.ints())))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe(2, "a", "1", d.now(), new RecordHeaders());
            in.pipe(2, "a", "not a number", d.now(), new RecordHeaders());
            assertThatThrownBy(d::runBatch)
                    .isInstanceOf(ProcessingFailedException.class)
                    .hasMessageContaining("operator 'parse'")
                    .hasMessageContaining("in-2@1")
                    .hasMessageContaining("NumberFormatException");
            assertThat(d.output("out", Serdes.string(), Serdes.ints()).isEmpty()).isTrue();
        }
    }

    @Test
    void skipPolicySkipsPoisonAtFirstMiddleAndLastOffsetAndLosesNothingElse() {
        List<ErrorContext> errors = new ArrayList<>();
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.longs()))
                        .mapValues(v -> 100 / v)
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))
                .errorHandler(ctx -> {
                    errors.add(ctx);
                    return ErrorHandler.skipAndCount().handle(ctx);
                })
                .build()) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            in.pipeRaw(0, null, new byte[] {1, 2, 3});   // undeserializable, offset 0
            in.pipe("a", 1L);
            in.pipe("a", 0L);                              // division by zero, in the middle
            in.pipe("a", 2L);
            in.pipeRaw(0, null, new byte[] {9});          // undeserializable, last offset
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.longs()).readValues()).containsExactly(100L, 50L);
            assertThat(d.skippedRecords()).isEqualTo(3);
        }
        assertThat(errors).extracting(ErrorContext::kind, ErrorContext::offset).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ErrorContext.Kind.DESERIALIZATION, 0L),
                org.assertj.core.groups.Tuple.tuple(ErrorContext.Kind.PROCESSING, 2L),
                org.assertj.core.groups.Tuple.tuple(ErrorContext.Kind.DESERIALIZATION, 4L));
        assertThat(errors.get(1).operator()).isEqualTo("mapValues-1");
    }

    @Test
    void outputBecomesVisibleOnlyWhenTheBatchCommits() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS).toKafka("out", OUT))) {
            TestOutputTopic<String, String> out = d.output("out", Serdes.string(), Serdes.string());
            pipeAll(d, "in", 10);
            assertThat(out.isEmpty()).isTrue();
            d.runBatch();
            assertThat(out.readValues()).hasSize(10);
            assertThat(d.committedBatches()).isEqualTo(1);
        }
    }

    @Test
    void inputsMustBeCoPartitioned() {
        assertThatThrownBy(() -> TestDriver.builder()
                .pipeline(p -> p.kafka("a", STRINGS).merge(p.kafka("b", STRINGS)).toKafka("out", OUT))
                .partitions("a", 2).partitions("b", 3).build())
                .isInstanceOfSatisfying(io.eddy.TopicCheckException.class, e -> assertThat(e.topics())
                        .containsExactly("a", "b"))
                .hasMessageContaining("not co-partitioned").hasMessageContaining("a=2").hasMessageContaining("b=3");
    }

    @Test
    void pipelineMistakesAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> driver(p -> p.kafka("in", STRINGS).mapValues(v -> v)))
                .hasMessageContaining("no sink");
        assertThatThrownBy(() -> driver(p -> {
            p.kafka("in", STRINGS).toKafka("o", OUT);
            p.kafka("in", STRINGS).toKafka("o", OUT);
        })).hasMessageContaining("topic 'in' is read by two sources");
        assertThatThrownBy(() -> driver(p -> {
            RecordStream<String, String> s = p.kafka("in", STRINGS);
            s.mapValues(v -> v).named("x").toKafka("o", OUT);
            s.filter((k, v) -> true).named("x").toKafka("o", OUT);
        })).hasMessageContaining("operator name 'x' is used twice");
    }

    @Test
    void ordersWithinAPartitionArePreserved() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS).toKafka("out", OUT))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            for (int i = 0; i < 100; i++) {
                in.pipe("k" + (i % 7), String.valueOf(i));
            }
            d.runBatch();
            Map<String, List<Integer>> byKey = d.output("out", Serdes.string(), Serdes.string()).readRecords().stream()
                    .collect(Collectors.groupingBy(TestRecord::key,
                            Collectors.mapping(r -> Integer.parseInt(r.value()), Collectors.toList())));
            byKey.values().forEach(seq -> assertThat(seq).isSorted());
        }
    }
}
