package io.eddy.testkit.driver.eventtime;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.GroupedStream;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.HoppingWindows;
import io.eddy.dsl.JoinWindows;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.SessionWindows;
import io.eddy.dsl.SlidingWindows;
import io.eddy.dsl.StreamJoined;
import io.eddy.dsl.Table;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.dsl.WindowedStream;
import io.eddy.dsl.Windows;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.eventtime.EventTimeReference.Aggregation;
import io.eddy.testkit.driver.eventtime.EventTimeReference.Ids;
import io.eddy.testkit.driver.eventtime.EventTimeReference.JoinType;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowKind;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowSpec;
import java.time.Duration;
import java.util.function.Consumer;

/** The pipelines under test, matching the operator models of {@link EventTimeReference}. */
final class Pipelines {

    static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());
    static final Produced<String, String> STRINGS_OUT = Produced.with(Serdes.string(), Serdes.string());

    private Pipelines() {
    }

    static Windows windows(WindowSpec w) {
        return switch (w.kind()) {
            case TUMBLING -> TumblingWindows.of(Duration.ofMillis(w.sizeMs())).grace(Duration.ofMillis(w.graceMs()));
            case HOPPING -> HoppingWindows.of(Duration.ofMillis(w.sizeMs()), Duration.ofMillis(w.advanceMs()))
                    .grace(Duration.ofMillis(w.graceMs()));
            case SLIDING -> SlidingWindows.withMaxDifference(Duration.ofMillis(w.sizeMs())).grace(Duration.ofMillis(w.graceMs()));
            case SESSION -> SessionWindows.withGap(Duration.ofMillis(w.sizeMs())).grace(Duration.ofMillis(w.graceMs()));
        };
    }

    /** The record number in a value {@code <seq>} or {@code <seq>@<eventTime>}. */
    static int seqOf(String value) {
        int at = value.indexOf('@');
        return Integer.parseInt(at < 0 ? value : value.substring(0, at));
    }

    /** The event time in a value {@code <seq>@<eventTime>}. */
    static long eventTimeOf(String value) {
        return Long.parseLong(value.substring(value.indexOf('@') + 1));
    }

    /**
     * {@code in} with event time (from the timestamp, or from the value when {@code extractor}),
     * grouped by key, windowed, aggregated as {@code aggregation}, emitted in {@code mode} to
     * {@code out}; late records to {@code late}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Consumer<Pipeline> windowed(WindowSpec w, OutputMode mode, Aggregation aggregation, long delayMs,
                                       boolean extractor) {
        return windowed(w, mode, aggregation, delayMs, extractor, true);
    }

    /** Like {@link #windowed(WindowSpec, OutputMode, Aggregation, long, boolean)}; late records only counted unless {@code routeLate}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Consumer<Pipeline> windowed(WindowSpec w, OutputMode mode, Aggregation aggregation, long delayMs,
                                       boolean extractor, boolean routeLate) {
        return p -> {
            RecordStream<String, String> in = p.kafka("in", STRINGS);
            in = extractor ? in.withEventTime(Pipelines::eventTimeOf, Duration.ofMillis(delayMs))
                    : in.withEventTime(Duration.ofMillis(delayMs));
            GroupedStream<String, String> grouped = in.groupByKey(Grouped.with(Serdes.string(), Serdes.string()));
            if (mode == OutputMode.COMPLETE) {
                grouped = grouped.boundedKeys(16);
            }
            WindowedStream<String, String> ws = grouped.window(windows(w));
            if (routeLate) {
                ws = ws.onLateRecords(late -> late.toKafka("late", STRINGS_OUT));
            }
            Table table = switch (aggregation) {
                case IDS -> w.kind() == WindowKind.SESSION
                        ? ws.aggregate(() -> "", (k, v, agg) -> Ids.add(agg, seqOf(v)), (k, a, b) -> Ids.union(a, b),
                                Serdes.string(), Named.as("agg"))
                        : ws.aggregate(() -> "", (k, v, agg) -> Ids.add(agg, seqOf(v)), Serdes.string(), Named.as("agg"));
                case REDUCE -> ws.reduce(Ids::union, Named.as("agg"));
                case COUNT -> ws.count(Named.as("agg"));
            };
            RecordStream<Windowed<String>, Object> out = table.emit(mode);
            out.toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()),
                    aggregation == Aggregation.COUNT ? (io.eddy.serde.Serde) Serdes.longs() : (io.eddy.serde.Serde) Serdes.string()));
        };
    }

    /** {@code in} with event time from the timestamp, deduplicated by the id in the value, to {@code out}. */
    static Consumer<Pipeline> dedup(long delayMs) {
        return p -> p.kafka("in", STRINGS).withEventTime(Duration.ofMillis(delayMs))
                .dropDuplicates((k, v) -> EventTimeReference.DedupIds.idOf(v), Serdes.string(), Named.as("dedup"))
                .toKafka("out", STRINGS_OUT);
    }

    /** {@code left} joined with {@code right} ({@code l + "+" + r}), to {@code out}. */
    static Consumer<Pipeline> join(JoinType type, long delayMs, long maxDifferenceMs, long graceMs) {
        return p -> {
            RecordStream<String, String> left = p.kafka("left", STRINGS).withEventTime(Duration.ofMillis(delayMs));
            RecordStream<String, String> right = p.kafka("right", STRINGS).withEventTime(Duration.ofMillis(delayMs));
            JoinWindows jw = JoinWindows.of(Duration.ofMillis(maxDifferenceMs)).grace(Duration.ofMillis(graceMs));
            StreamJoined<String, String, String> sj = StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string());
            RecordStream<String, String> joined = switch (type) {
                case INNER -> left.join(right, (l, r) -> l + "+" + r, jw, sj, Named.as("j"));
                case LEFT -> left.leftJoin(right, (l, r) -> l + "+" + r, jw, sj, Named.as("j"));
                case OUTER -> left.outerJoin(right, (l, r) -> l + "+" + r, jw, sj, Named.as("j"));
            };
            joined.toKafka("out", STRINGS_OUT);
        };
    }
}
