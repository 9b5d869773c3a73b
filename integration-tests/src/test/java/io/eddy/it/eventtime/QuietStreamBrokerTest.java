package io.eddy.it.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.EddyApp;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quiet-stream rule on the real broker: when every input partition of a task has been idle
 * for the idle timeout (here 1 s), its watermark follows the wall clock, so the {@code FINAL}
 * record of the last window of a stream that falls silent appears without any new input. Event
 * times lie two hours in the past, so the records alone hold the watermark below the end of their
 * window plus grace: only the quiet rule can close the windows.
 */
class QuietStreamBrokerTest extends EventTimeBrokerTest {
    private static final Duration WINDOW = Duration.ofSeconds(2);
    /**
     * Two hours ago, on a window boundary: in the past, so that only the quiet rule can close the
     * windows, and recent, so that the broker's time retention keeps the records.
     */
    private static final long W0 = floorToWindow(System.currentTimeMillis() - Duration.ofHours(2).toMillis());
    private static final Duration GRACE = Duration.ofMillis(200);
    private static final Duration DELAY = Duration.ofMillis(500);

    @TempDir
    Path tmp;

    private EddyApp app(String id, Consumer<Pipeline> pipeline) {
        return EddyApp.builder(id)
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(tmp.resolve(id))
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .idleTimeout(Duration.ofSeconds(1))
                .pipeline(pipeline)
                .build();
    }

    /** input → withEventTime → group → 2 s tumbling windows → count → FINAL → output. */
    private static Consumer<Pipeline> windowedCount(String input, String output,
                                                   Function<RecordStream<String, String>,
                                                           io.eddy.dsl.GroupedStream<String, String>> grouping) {
        return p -> grouping.apply(p.kafka(input, Consumed.with(Serdes.string(), Serdes.string())).withEventTime(DELAY))
                .window(TumblingWindows.of(WINDOW).grace(GRACE))
                .count(Named.as("quiet-counts"))
                .emit(OutputMode.FINAL)
                .toKafka(output, Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs()));
    }

    private static long floorToWindow(long t) {
        return t - Math.floorMod(t, WINDOW.toMillis());
    }

    private static Windowed<String> window(String key, long start) {
        return new Windowed<>(key, start, start + WINDOW.toMillis());
    }

    @Test
    void theLastWindowOfAStreamThatFallsSilentIsEmittedWithoutNewInput() {
        kafka.createTopic("qs-in", 1);
        kafka.createTopic("qs-out", 1, Map.of("retention.ms", "-1"));
        try (EddyApp app = app("qs", windowedCount("qs-in", "qs-out",
                s -> s.groupByKey(Grouped.with(Serdes.string(), Serdes.string()))))) {
            app.start();
            io.produce(List.of(record("qs-in", "sensor-1", "a", W0 + 100), record("qs-in", "sensor-1", "b", W0 + 700),
                    record("qs-in", "sensor-1", "c", W0 + 1_500)));
            awaitWindows("qs-out", 1);
            List<FinalWindows.Emitted> first =
                    FinalWindows.read(kafka.bootstrapServers(), "qs-out", Duration.ofSeconds(10));
            assertThat(first).containsExactly(new FinalWindows.Emitted(window("sensor-1", W0), 3, W0 + 1_999));

            // After the quiet spell the stream goes on, an hour of event time later (more than the
            // wall clock advanced): on time, and its window is again closed by the quiet rule alone.
            long w1 = W0 + Duration.ofHours(1).toMillis();
            io.produce(List.of(record("qs-in", "sensor-1", "d", w1 + 300), record("qs-in", "sensor-1", "e", w1 + 900)));
            awaitWindows("qs-out", 2);
            Map<Windowed<String>, Long> all = FinalWindows.once(
                    FinalWindows.readSettled(kafka.bootstrapServers(), "qs-out", Duration.ofSeconds(30)), "qs-out");
            assertThat(all).isEqualTo(Map.of(window("sensor-1", W0), 3L, window("sensor-1", w1), 2L));
            assertThat(app.metrics().lateRecords()).isZero();
        }
    }

    @Test
    void aQuietStreamClosesItsLastWindowsAfterARepartition() {
        kafka.createTopic("qr-in", 2);
        kafka.createTopic("qr-out", 2, Map.of("retention.ms", "-1"));
        try (EddyApp app = app("qr", windowedCount("qr-in", "qr-out",
                s -> s.groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-room"))))) {
            app.start();
            io.produce(List.of(
                    record("qr-in", "s-1", "room-A", W0 + 100), record("qr-in", "s-2", "room-A", W0 + 200),
                    record("qr-in", "s-3", "room-B", W0 + 300), record("qr-in", "s-4", "room-A", W0 + 1_200),
                    record("qr-in", "s-5", "room-B", W0 + 1_300), record("qr-in", "s-6", "room-A", W0 + 1_900)));
            awaitWindows("qr-out", 2);
            Map<Windowed<String>, Long> all = FinalWindows.once(
                    FinalWindows.readSettled(kafka.bootstrapServers(), "qr-out", Duration.ofSeconds(30)), "qr-out");
            assertThat(all).isEqualTo(Map.of(window("room-A", W0), 4L, window("room-B", W0), 2L));
            assertThat(app.metrics().lateRecords()).isZero();
        }
    }

    private static void awaitWindows(String topic, int count) {
        Await.until(Duration.ofSeconds(30),
                () -> FinalWindows.read(kafka.bootstrapServers(), topic, Duration.ofSeconds(10)).size() >= count,
                () -> topic + " holds " + FinalWindows.read(kafka.bootstrapServers(), topic, Duration.ofSeconds(10))
                        + ", waiting for " + count + " windows with no new input");
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value, long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }
}
