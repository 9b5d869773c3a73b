package io.eddy.testkit.driver.eventtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.HoppingWindows;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.Table;
import io.eddy.dsl.WindowedSerde;
import io.eddy.dsl.WindowedStream;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.eventtime.DriverRun.OutputKind;
import io.eddy.testkit.driver.eventtime.EventTimeReference.Ids;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowKind;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowSpec;
import io.eddy.testkit.driver.eventtime.Scenarios.Shape;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Hopping windows kept as panes ({@code WindowedStream.mergePanes()}) against the plain windowed
 * aggregate on the same random scenarios (the plain form is itself checked against the
 * brute-force reference in {@link WindowPropertiesTest}): records out of order within and beyond
 * the allowed delay and grace, random batch boundaries, clock advances, restarts that restore
 * state from the changelogs, 1 to 3 partitions, advances that do not divide the size (panes
 * smaller than the advance). Every committed record (windowed results, late records), batch by
 * batch, in order, must be identical. The aggregate is the set of record numbers, merged by union:
 * exact.
 */
class PaneWindowPropertiesTest {

    private static final int TRIES = 150;

    enum Outputs { UPDATE, FINAL, BOTH, COMPLETE }

    static Consumer<Pipeline> pipeline(WindowSpec w, Outputs outputs, long delayMs, boolean panes) {
        return p -> {
            WindowedStream<String, String> ws = p.kafka("in", Pipelines.STRINGS).withEventTime(Duration.ofMillis(delayMs))
                    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                    .boundedKeys(1_000)
                    .window(Pipelines.windows(w))
                    .onLateRecords(late -> late.toKafka("late", Pipelines.STRINGS_OUT));
            if (panes) {
                ws = ws.mergePanes();
            }
            Table<Windowed<String>, String> table = ws.aggregate(() -> "", (k, v, a) -> Ids.union(a, v),
                    (k, a, b) -> Ids.union(a, b), Serdes.string(), Named.as("agg"));
            Produced<Windowed<String>, String> produced = Produced.with(WindowedSerde.of(Serdes.string()), Serdes.string());
            if (outputs == Outputs.COMPLETE) {
                table.emit(OutputMode.COMPLETE).toKafka("complete", produced);
                return;
            }
            if (outputs != Outputs.UPDATE) {
                table.emit(OutputMode.FINAL).toKafka("final", produced);
            }
            if (outputs != Outputs.FINAL) {
                table.emit(OutputMode.UPDATE).toKafka("update", produced);
            }
        };
    }

    private static void check(Scenario s, WindowSpec w, Outputs outputs) {
        Map<String, OutputKind> topics = Map.of("final", OutputKind.WINDOWED, "update", OutputKind.WINDOWED,
                "complete", OutputKind.WINDOWED, "late", OutputKind.PLAIN);
        List<Emitted> plain = DriverRun.run(s, pipeline(w, outputs, s.delayMs(), false), List.of("in"), topics);
        List<Emitted> panes = DriverRun.run(s, pipeline(w, outputs, s.delayMs(), true), List.of("in"), topics);
        DriverRun.statistics(s, plain.stream().map(e -> e.topic().equals("late") ? e
                : new Emitted(e.batch(), e.task(), "out", e.key(), e.value(), e.timestamp(), false)).toList());
        if (!panes.equals(plain)) {
            fail(w + " " + outputs + ": the pane form differs from the plain one\nplain: " + DriverRun.byBatch(plain)
                    + "\npanes: " + DriverRun.byBatch(panes) + "\n" + s);
        }
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void hoppingFinal(@ForAll("scenarios") Scenario s, @ForAll("hopping") WindowSpec w) {
        check(s, w, Outputs.FINAL);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void hoppingUpdate(@ForAll("scenarios") Scenario s, @ForAll("hopping") WindowSpec w) {
        check(s, w, Outputs.UPDATE);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void hoppingBothOutputs(@ForAll("scenarios") Scenario s, @ForAll("hopping") WindowSpec w) {
        check(s, w, Outputs.BOTH);
    }

    @Property(tries = TRIES / 2, edgeCases = EdgeCasesMode.NONE)
    void hoppingComplete(@ForAll("scenarios") Scenario s, @ForAll("hopping") WindowSpec w) {
        check(s, w, Outputs.COMPLETE);
    }

    /** The changelog rows of the aggregate store written for records that each open a new (key, pane): size / advance per record plain, 1 with panes. */
    @Test
    void aRecordWritesOneStateRowInsteadOfOnePerWindow() {
        assertThat(changelogRowsPerRecord(false)).isEqualTo(6.0);   // 60 s windows every 10 s
        assertThat(changelogRowsPerRecord(true)).isEqualTo(1.0);
    }

    private static double changelogRowsPerRecord(boolean panes) {
        int records = 600;
        try (TestDriver d = TestDriver.builder()
                .applicationId("panes")
                .defaultPartitions(1)
                .pipeline(p -> {
                    WindowedStream<String, String> ws = p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                            .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                            .window(HoppingWindows.of(Duration.ofSeconds(60), Duration.ofSeconds(10)));
                    (panes ? ws.mergePanes() : ws).count(Named.as("counts"))
                            .emit(OutputMode.UPDATE)
                            .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs()));
                })
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < records; i++) {
                in.pipe("k" + i, "v", t0);   // one key per record: nothing is rewritten within the batch
                if (i % 100 == 99) {
                    d.runBatch();
                }
            }
            d.runUntilIdle();
            Map<Windowed<String>, Long> counts = new HashMap<>();
            d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs()).readKeyValues()
                    .forEach(kv -> counts.put(kv.key(), kv.value()));
            assertThat(counts).hasSize(records * 6).allSatisfy((w, n) -> assertThat(n).isEqualTo(1L));
            return d.internalTopicValues("panes-counts-changelog").size() / (double) records;
        }
    }

    @Test
    void completeOutputOfPanesEqualsThePlainFormOnAFixedInput() {
        assertThat(complete(true)).isNotEmpty().isEqualTo(complete(false));
    }

    private static List<String> complete(boolean panes) {
        try (TestDriver d = TestDriver.builder()
                .defaultPartitions(1)
                .pipeline(p -> {
                    WindowedStream<String, String> ws = p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                            .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                            .boundedKeys(10)
                            .window(HoppingWindows.of(Duration.ofSeconds(30), Duration.ofSeconds(10)));
                    (panes ? ws.mergePanes() : ws).aggregate(() -> "", (k, v, a) -> Ids.union(a, v),
                                    (k, a, b) -> Ids.union(a, b), Serdes.string(), Named.as("agg"))
                            .emit(OutputMode.COMPLETE)
                            .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.string()));
                })
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < 40; i++) {
                in.pipe("k" + i % 3, Integer.toString(i), t0.plusSeconds(i * 3L));
                if (i % 7 == 6) {
                    d.runBatch();
                }
            }
            d.runUntilIdle();
            return d.output("out", WindowedSerde.of(Serdes.string()), Serdes.string()).readKeyValues().stream()
                    .map(kv -> kv.key().key() + "@" + kv.key().start() + "=" + kv.value()).toList();
        }
    }

    @Test
    void panesOverHoppingWindowsNeedAMerger() {
        assertThatThrownBy(() -> TestDriver.builder().pipeline(p -> p.kafka("in", Pipelines.STRINGS)
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .window(HoppingWindows.of(Duration.ofSeconds(10), Duration.ofSeconds(1)))
                        .mergePanes()
                        .aggregate(() -> "", (k, v, a) -> a + v, Serdes.string(), Named.as("agg"))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Merger");
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Scenarios.scenarios(Shape.WINDOWS);
    }

    @Provide
    Arbitrary<WindowSpec> hopping() {
        return Arbitraries.oneOf(Scenarios.windows(WindowKind.HOPPING),
                Arbitraries.longs().between(1, 4).flatMap(adv -> Arbitraries.longs().between(0, 3).map(g ->
                        new WindowSpec(WindowKind.HOPPING, adv * 1000 * 5 + (adv > 1 ? 1000 : 0), adv * 1000, g * 1000))));
    }
}
