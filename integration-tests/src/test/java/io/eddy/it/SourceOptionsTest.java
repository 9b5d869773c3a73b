package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.eddy.AppState;
import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.OffsetRange;
import io.eddy.TopicCheckException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.ForeachWriter;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.SinkRecord;
import io.eddy.dsl.StartingOffsets;
import io.eddy.dsl.TaskBatch;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/**
 * Source and sink options on a real broker: starting offsets, pattern and multi-topic sources, a
 * topic-choosing sink, header propagation, the at-least-once guarantee, a foreach sink, and the
 * errors {@code start()} gives for a missing topic, inputs that are not co-partitioned and an
 * unreachable broker.
 *
 * <p>Every test uses its own topics and application id. Apps that run are stopped once their
 * metrics show every expected input record processed; the output is then read to its end with a
 * {@code read_committed} consumer and compared exactly with what was expected.
 */
class SourceOptionsTest extends BrokerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    // ---- starting offsets

    @Test
    void latestProcessesOnlyRecordsProducedOnceTheAppIsRunning() {
        kafka.createTopic("latest-in", 2);
        kafka.createTopic("latest-out", 2);
        io.produce(records("latest-in", "before", 50, 2));
        List<ProducerRecord<byte[], byte[]>> after = records("latest-in", "after", 50, 2);

        EddyApp app = builder("latest")
                .pipeline(copy("latest-in", "latest-out", StartingOffsets.latest()))
                .build();
        boolean closed;
        try {
            app.start();
            Await.until(DEADLINE, () -> app.state() == AppState.RUNNING, () -> "state " + app.state());
            io.produce(after);
            awaitProcessed(app, after.size());
        } finally {
            closed = app.close(DEADLINE);
        }
        assertStoppedCleanly(app, closed);
        assertThat(app.metrics().processedRecords()).isEqualTo(after.size());
        assertThat(outputValues("latest-out")).containsExactlyInAnyOrderElementsOf(seen(after));
    }

    /**
     * Regression: {@code latest()} positions were resolved lazily, at the first poll after the
     * assignment callback, so records written after the application announced RUNNING (but before
     * that poll) were skipped for good. Writing them from the state listener, on the RUNNING
     * transition itself, hit that window every time.
     */
    @Test
    void latestDoesNotSkipRecordsWrittenAsSoonAsRunningIsAnnounced() {
        kafka.createTopic("latest-race-in", 2);
        kafka.createTopic("latest-race-out", 2);
        io.produce(records("latest-race-in", "before", 20, 2));
        List<ProducerRecord<byte[], byte[]>> after = records("latest-race-in", "after", 20, 2);

        AtomicBoolean produced = new AtomicBoolean();
        EddyApp app = builder("latest-race")
                .addStateListener((from, to) -> {
                    // deliberately blocking the worker for the test: the earliest moment anyone can
                    // know the application is running
                    if (to == AppState.RUNNING && produced.compareAndSet(false, true)) {
                        io.produce(after);
                    }
                })
                .pipeline(copy("latest-race-in", "latest-race-out", StartingOffsets.latest()))
                .build();
        boolean closed;
        try {
            app.start();
            awaitProcessed(app, after.size());
        } finally {
            closed = app.close(DEADLINE);
        }
        assertStoppedCleanly(app, closed);
        assertThat(app.metrics().processedRecords()).isEqualTo(after.size());
        assertThat(outputValues("latest-race-out")).containsExactlyInAnyOrderElementsOf(seen(after));
    }

    @Test
    void atTimestampStartsAtTheFirstRecordAtOrAfterIt() {
        kafka.createTopic("at-in", 3);
        kafka.createTopic("at-out", 3);
        long t = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> expected = new ArrayList<>();
        // partition 0: three before, one exactly at, two after; partition 1: only before; 2: only after
        long[][] offsetsFromT = {{-3000, -2000, -1000, 0, 1000, 2000}, {-3000, -2000, -1}, {1, 1000, 2000}};
        for (int p = 0; p < offsetsFromT.length; p++) {
            for (long delta : offsetsFromT[p]) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("at-in", p, t + delta,
                        utf8("k" + p), utf8("p" + p + "@" + delta));
                input.add(r);
                if (delta >= 0) {
                    expected.add(r);
                }
            }
        }
        io.produce(input);

        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        EddyApp app = builder("at")
                .addProgressListener(progress::add)
                .pipeline(copy("at-in", "at-out", StartingOffsets.at(Instant.ofEpochMilli(t))))
                .build();
        boolean closed;
        try {
            app.start();
            awaitProcessed(app, expected.size());
        } finally {
            closed = app.close(DEADLINE);
        }
        assertStoppedCleanly(app, closed);
        assertThat(app.metrics().processedRecords()).isEqualTo(expected.size());
        assertThat(outputValues("at-out")).containsExactlyInAnyOrderElementsOf(seen(expected));
        Map<Integer, Long> firstOffsets = new HashMap<>();
        progress.forEach(b -> b.offsets().forEach((tp, r) -> firstOffsets.merge(tp.partition(), r.first(), Math::min)));
        assertThat(firstOffsets).isEqualTo(Map.of(0, 3L, 2, 0L));
    }

    // ---- several topics in one source

    @Test
    void patternSourceReadsEveryMatchingTopicAndNoOther() {
        for (String t : List.of("pat-a", "pat-b", "pat-c", "pat-out")) {
            kafka.createTopic(t, 2);
        }
        List<ProducerRecord<byte[], byte[]>> a = records("pat-a", "a", 30, 2);
        List<ProducerRecord<byte[], byte[]>> b = records("pat-b", "b", 30, 2);
        io.produce(a);
        io.produce(b);
        io.produce(records("pat-c", "c", 30, 2));

        EddyApp app = builder("pattern")
                .pipeline(p -> p.kafka(Pattern.compile("pat-[ab]"), Consumed.with(Serdes.string(), Serdes.string()))
                        .mapValues(v -> "seen-" + v)
                        .toKafka("pat-out", Produced.with(Serdes.string(), Serdes.string())))
                .build();
        boolean closed;
        try {
            app.start();
            awaitProcessed(app, a.size() + b.size());
        } finally {
            closed = app.close(DEADLINE);
        }
        assertStoppedCleanly(app, closed);
        assertThat(app.metrics().processedRecords()).isEqualTo(a.size() + b.size());
        List<String> expected = new ArrayList<>(seen(a));
        expected.addAll(seen(b));
        assertThat(outputValues("pat-out")).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void oneSourceReadsSeveralTopics() {
        for (String t : List.of("multi-x", "multi-y", "multi-out")) {
            kafka.createTopic(t, 2);
        }
        List<ProducerRecord<byte[], byte[]>> x = records("multi-x", "x", 40, 2);
        List<ProducerRecord<byte[], byte[]>> y = records("multi-y", "y", 25, 2);
        io.produce(x);
        io.produce(y);

        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        EddyApp app = builder("multi")
                .addProgressListener(progress::add)
                .pipeline(p -> p.kafka(List.of("multi-x", "multi-y"), Consumed.with(Serdes.string(), Serdes.string()))
                        .mapValues(v -> "seen-" + v)
                        .toKafka("multi-out", Produced.with(Serdes.string(), Serdes.string())))
                .build();
        boolean closed;
        try {
            app.start();
            awaitProcessed(app, x.size() + y.size());
        } finally {
            closed = app.close(DEADLINE);
        }
        assertStoppedCleanly(app, closed);
        List<String> expected = new ArrayList<>(seen(x));
        expected.addAll(seen(y));
        assertThat(outputValues("multi-out")).containsExactlyInAnyOrderElementsOf(expected);
        Set<String> topicsInProgress = progress.stream().flatMap(b -> b.offsets().keySet().stream())
                .map(TopicPartition::topic).collect(Collectors.toSet());
        assertThat(topicsInProgress).containsExactlyInAnyOrder("multi-x", "multi-y");
    }

    // ---- sinks

    @Test
    void topicChooserRoutesEachRecordToItsTopic() {
        for (String t : List.of("route-in", "route-even", "route-odd")) {
            kafka.createTopic(t, 2);
        }
        int n = 100;
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            input.add(new ProducerRecord<>("route-in", i % 2, utf8("k" + i), utf8(Integer.toString(i))));
        }
        io.produce(input);

        EddyApp app = builder("route")
                .pipeline(p -> p.kafka("route-in", Consumed.with(Serdes.string(), Serdes.string()))
                        .toKafka((k, v) -> Integer.parseInt(v) % 2 == 0 ? "route-even" : "route-odd",
                                Produced.with(Serdes.string(), Serdes.string())))
                .build();
        boolean closed;
        try {
            app.start();
            awaitProcessed(app, n);
        } finally {
            closed = app.close(DEADLINE);
        }
        assertStoppedCleanly(app, closed);
        List<String> even = new ArrayList<>();
        List<String> odd = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (i % 2 == 0 ? even : odd).add(Integer.toString(i));
        }
        assertThat(outputValues("route-even")).containsExactlyInAnyOrderElementsOf(even);
        assertThat(outputValues("route-odd")).containsExactlyInAnyOrderElementsOf(odd);
    }

    @Test
    void headersTravelFromInputToOutput() {
        kafka.createTopic("headers-in", 2);
        kafka.createTopic("headers-out", 2);
        int n = 60;
        Map<String, List<Header>> sent = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Header> headers = new ArrayList<>();
            if (i % 3 != 0) {   // every third record has no headers at all
                headers.add(new RecordHeader("trace", utf8("t-" + i)));
                headers.add(new RecordHeader("tag", utf8("first")));
                headers.add(new RecordHeader("tag", utf8("second")));   // repeated key, order matters
                headers.add(new RecordHeader("empty", new byte[0]));
            }
            String value = "v" + i;
            sent.put("seen-" + value, headers);
            input.add(new ProducerRecord<>("headers-in", i % 2, null, utf8("k" + i), utf8(value), headers));
        }
        io.produce(input);

        EddyApp app = builder("headers")
                .pipeline(copy("headers-in", "headers-out", StartingOffsets.earliest()))
                .build();
        boolean closed;
        try {
            app.start();
            awaitProcessed(app, n);
        } finally {
            closed = app.close(DEADLINE);
        }
        assertStoppedCleanly(app, closed);
        List<TopicRecord> output = io.readCommittedToEnd("headers-out", DEADLINE);
        assertThat(output).hasSize(n);
        for (TopicRecord r : output) {
            List<Header> expected = sent.get(r.valueString());
            assertThat(expected).as("unexpected output %s", r).isNotNull();
            assertThat(describe(r.headers())).as("headers of %s", r).isEqualTo(describe(expected));
        }
    }

    @Test
    void atLeastOnceDeliversEveryRecordAndExactlyOnceWithoutFailures() {
        kafka.createTopic("alo-in", 4);
        kafka.createTopic("alo-out", 4);
        List<ProducerRecord<byte[], byte[]>> input = records("alo-in", "r", 2_000, 4);
        io.produce(input);

        EddyApp app = builder("alo")
                .guarantee(Guarantee.AT_LEAST_ONCE)
                .threads(2)
                .pipeline(copy("alo-in", "alo-out", StartingOffsets.earliest()))
                .build();
        boolean closed;
        try {
            app.start();
            awaitProcessed(app, input.size());
        } finally {
            closed = app.close(DEADLINE);
        }
        assertStoppedCleanly(app, closed);
        List<String> output = outputValues("alo-out");
        assertThat(new HashSet<>(output)).as("every record at least once").isEqualTo(new HashSet<>(seen(input)));
        if (app.metrics().abortedBatches() == 0) {
            assertThat(output).as("no batch was aborted, so no record twice; metrics %s", app.metrics())
                    .containsExactlyInAnyOrderElementsOf(seen(input));
            assertThat(app.metrics().processedRecords()).isEqualTo(input.size());
        }
    }

    @Test
    void foreachWriterGetsEveryRecordOnceBetweenOpenAndClosePerTaskAndBatch() {
        int partitions = 4;
        kafka.createTopic("foreach-in", partitions);
        List<ProducerRecord<byte[], byte[]>> input = records("foreach-in", "r", 1_000, partitions);
        io.produce(input);

        List<WriterEvent> events = new CopyOnWriteArrayList<>();
        AtomicInteger writers = new AtomicInteger();
        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        EddyApp app = builder("foreach")
                .maxRecordsPerBatch(150)
                .addProgressListener(progress::add)
                .pipeline(p -> p.kafka("foreach-in", Consumed.with(Serdes.string(), Serdes.string()))
                        .foreach(() -> new RecordingWriter(writers.getAndIncrement(), events)))
                .build();
        boolean closed;
        try {
            app.start();
            awaitProcessed(app, input.size());
        } finally {
            closed = app.close(DEADLINE);
        }
        assertStoppedCleanly(app, closed);

        assertThat(writers.get()).as("one writer per task").isEqualTo(partitions);
        assertThat(events).allSatisfy(e -> assertThat(e.thread()).startsWith("eddy-"));
        Map<Integer, List<WriterEvent>> byWriter = events.stream()
                .collect(Collectors.groupingBy(WriterEvent::writer));
        Set<String> seenPositions = new HashSet<>();
        List<TaskBatch> opened = new ArrayList<>();
        for (List<WriterEvent> sequence : byWriter.values()) {
            TaskBatch current = null;
            long expectedBatchId = 0;
            for (WriterEvent e : sequence) {
                switch (e.kind()) {
                    case "open" -> {
                        assertThat(current).as("open inside an open batch: %s", sequence).isNull();
                        assertThat(e.batch().batchId()).isEqualTo(expectedBatchId++);
                        current = e.batch();
                        opened.add(current);
                    }
                    case "process" -> {
                        assertThat(current).as("process outside open/close").isNotNull();
                        assertThat(e.record().partition()).isEqualTo(current.task());
                        assertThat(seenPositions.add(e.record().partition() + "@" + e.record().offset()))
                                .as("record %s processed twice", e.record()).isTrue();
                    }
                    case "close" -> {
                        assertThat(current).as("close without open").isNotNull();
                        assertThat(e.error()).isNull();
                        current = null;
                    }
                    default -> throw new AssertionError(e);
                }
            }
            assertThat(current).as("last batch of writer closed").isNull();
        }
        assertThat(seenPositions).hasSize(input.size());
        assertThat(events.stream().filter(e -> e.kind().equals("process")).map(e -> e.record().value()))
                .containsExactlyInAnyOrderElementsOf(input.stream().map(r -> text(r.value())).toList());

        // one open/close per task in each committed batch that consumed that task's partition
        Map<Integer, Long> nextBatch = new HashMap<>();
        List<TaskBatch> committed = new ArrayList<>();
        for (BatchProgress b : progress) {
            for (Map.Entry<TopicPartition, OffsetRange> e : b.offsets().entrySet()) {
                int task = e.getKey().partition();
                long id = nextBatch.merge(task, 1L, Long::sum) - 1;
                committed.add(new TaskBatch(task, id));
            }
        }
        assertThat(opened).containsExactlyInAnyOrderElementsOf(committed);
    }

    // ---- start-time errors

    @Test
    void startFailsNamingAMissingInputTopic() {
        kafka.createTopic("missing-out", 1);
        EddyApp app = builder("missing")
                .pipeline(copy("no-such-topic", "missing-out", StartingOffsets.earliest()))
                .build();
        assertThatThrownBy(app::start).hasMessageContaining("'no-such-topic' does not exist")
                .isInstanceOfSatisfying(TopicCheckException.class, e -> {
                    assertThat(e.problem()).isEqualTo(TopicCheckException.Problem.MISSING);
                    assertThat(e.topics()).containsExactly("no-such-topic");
                });
        assertThat(app.state()).isEqualTo(AppState.ERROR);
        assertThat(app.failure()).isPresent();
        app.close(DEADLINE);
        assertThat(app.state()).isEqualTo(AppState.ERROR);
    }

    @Test
    void startRefusesInputsThatAreNotCoPartitioned() {
        kafka.createTopic("copart-two", 2);
        kafka.createTopic("copart-three", 3);
        kafka.createTopic("copart-out", 2);
        EddyApp app = builder("copart")
                .pipeline(p -> {
                    var two = p.kafka("copart-two", Consumed.with(Serdes.string(), Serdes.string()));
                    var three = p.kafka("copart-three", Consumed.with(Serdes.string(), Serdes.string()));
                    two.merge(three).toKafka("copart-out", Produced.with(Serdes.string(), Serdes.string()));
                })
                .build();
        assertThatThrownBy(app::start)
                .isInstanceOfSatisfying(TopicCheckException.class, e -> assertThat(e.problem())
                        .isEqualTo(TopicCheckException.Problem.NOT_CO_PARTITIONED))
                .hasMessageContaining("not co-partitioned")
                .hasMessageContaining("copart-two=2")
                .hasMessageContaining("copart-three=3");
        assertThat(app.state()).isEqualTo(AppState.ERROR);
        app.close(DEADLINE);
    }

    @Test
    void startFailsClearlyWhenTheBrokerIsUnreachable() {
        EddyApp app = EddyApp.builder("unreachable")
                .bootstrapServers("localhost:1")
                .startTimeout(Duration.ofSeconds(3))
                .pipeline(copy("anything-in", "anything-out", StartingOffsets.earliest()))
                .build();
        // a generous guard against a hang, not a measurement
        Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try {
                app.start();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        assertThat(thrown).as("start() must fail").isNotNull();
        assertThat(thrown.getMessage()).contains("PT3S").contains("reachable");
        assertThat(app.state()).isEqualTo(AppState.ERROR);
        assertThat(app.failure()).contains(thrown);
        app.close(DEADLINE);
    }

    // ---- helpers

    private static EddyApp.Builder builder(String appId) {
        return EddyApp.builder(appId).bootstrapServers(kafka.bootstrapServers());
    }

    /** A pipeline copying {@code in} to {@code out}, prefixing each value with {@code seen-}. */
    private static Consumer<Pipeline> copy(String in, String out, StartingOffsets start) {
        return p -> p.kafka(in, Consumed.with(Serdes.string(), Serdes.string()).withStartingOffsets(start))
                .mapValues(v -> "seen-" + v)
                .toKafka(out, Produced.with(Serdes.string(), Serdes.string()));
    }

    private static void awaitProcessed(EddyApp app, long count) {
        Await.until(DEADLINE, () -> app.metrics().processedRecords() >= count,
                () -> "state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
    }

    private static void assertStoppedCleanly(EddyApp app, boolean closed) {
        assertThat(closed).as("closed within %s", DEADLINE).isTrue();
        assertThat(app.state()).isEqualTo(AppState.STOPPED);
        assertThat(app.failure()).isEmpty();
    }

    /** {@code count} records with values {@code <tag>-<i>}, record i to partition {@code i % partitions}. */
    private static List<ProducerRecord<byte[], byte[]>> records(String topic, String tag, int count, int partitions) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(new ProducerRecord<>(topic, i % partitions, utf8("k" + i), utf8(tag + "-" + i)));
        }
        return records;
    }

    private static List<String> seen(List<ProducerRecord<byte[], byte[]>> input) {
        return input.stream().map(r -> "seen-" + text(r.value())).toList();
    }

    private static List<String> outputValues(String topic) {
        return io.readCommittedToEnd(topic, DEADLINE).stream().map(TopicRecord::valueString).toList();
    }

    private static List<String> describe(List<Header> headers) {
        Function<Header, String> show = h -> h.key() + "=" + (h.value() == null ? "null" : text(h.value()));
        return headers.stream().map(show).toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** One call to a {@link RecordingWriter}. */
    record WriterEvent(int writer, String kind, TaskBatch batch, SinkRecord<String, String> record, Throwable error,
                       String thread) {
    }

    /** A foreach writer that records every call it gets. */
    static final class RecordingWriter implements ForeachWriter<String, String> {
        private final int id;
        private final List<WriterEvent> events;

        RecordingWriter(int id, List<WriterEvent> events) {
            this.id = id;
            this.events = events;
        }

        @Override
        public boolean open(TaskBatch batch) {
            events.add(new WriterEvent(id, "open", batch, null, null, Thread.currentThread().getName()));
            return true;
        }

        @Override
        public void process(SinkRecord<String, String> record) {
            events.add(new WriterEvent(id, "process", null, record, null, Thread.currentThread().getName()));
        }

        @Override
        public void close(Throwable error) {
            events.add(new WriterEvent(id, "close", null, null, error, Thread.currentThread().getName()));
        }
    }
}
