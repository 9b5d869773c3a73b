package io.eddy.testkit.driver.eventtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.eddy.dsl.Grouped;
import io.eddy.dsl.HoppingWindows;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.SlidingWindows;
import io.eddy.dsl.Table;
import io.eddy.dsl.WindowedSerde;
import io.eddy.dsl.WindowedStream;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.eventtime.DriverRun.OutputKind;
import io.eddy.testkit.driver.eventtime.EventTimeReference.Ids;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowKind;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowSpec;
import io.eddy.testkit.driver.eventtime.Scenarios.Shape;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The incremental (invertible) window reduce, {@code reduce(reducer, inverseReducer, name)},
 * against the plain {@code reduce(reducer, name)} on the same random scenarios (the plain form is
 * itself checked against the brute-force reference in {@link WindowPropertiesTest}): records out
 * of order within and beyond the allowed delay and grace (late records), random batch boundaries,
 * clock advances (idle partitions, quiet streams), restarts that restore state from the
 * changelogs, 1 to 3 partitions, tumbling and hopping windows (advances that do not divide the
 * size included, so panes are smaller than the advance). Every committed record (windowed
 * results, late records, late counts), batch by batch, in order, must be identical.
 *
 * <p>The reducer is the union of sets of record numbers and the inverse removes a set: exact,
 * because every record number occurs once.
 */
class InvertibleWindowPropertiesTest {

    private static final int TRIES = 200;

    /** Which outputs the windowed table has. */
    enum Outputs { UPDATE, FINAL, BOTH }

    /** The ids of {@code a} without those of {@code b}. */
    static String minus(String a, String b) {
        TreeSet<Integer> ids = Ids.parse(a);
        ids.removeAll(Ids.parse(b));
        return Ids.render(ids);
    }

    static Consumer<Pipeline> pipeline(WindowSpec w, Outputs outputs, long delayMs, boolean invertible) {
        return p -> {
            WindowedStream<String, String> ws = p.kafka("in", Pipelines.STRINGS).withEventTime(Duration.ofMillis(delayMs))
                    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                    .window(Pipelines.windows(w))
                    .onLateRecords(late -> late.toKafka("late", Pipelines.STRINGS_OUT));
            Table<Windowed<String>, String> table = invertible
                    ? ws.reduce(Ids::union, InvertibleWindowPropertiesTest::minus, Named.as("agg"))
                    : ws.reduce(Ids::union, Named.as("agg"));
            Produced<Windowed<String>, String> produced = Produced.with(WindowedSerde.of(Serdes.string()), Serdes.string());
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
                "late", OutputKind.PLAIN);
        List<Emitted> plain = DriverRun.run(s, pipeline(w, outputs, s.delayMs(), false), List.of("in"), topics);
        List<Emitted> incremental = DriverRun.run(s, pipeline(w, outputs, s.delayMs(), true), List.of("in"), topics);
        DriverRun.statistics(s, plain.stream().map(e -> e.topic().equals("late") ? e
                : new Emitted(e.batch(), e.task(), "out", e.key(), e.value(), e.timestamp(), false)).toList());
        if (!incremental.equals(plain)) {
            fail(w + " " + outputs + ": the incremental reduce differs from the plain one\nplain:       "
                    + DriverRun.byBatch(plain) + "\nincremental: " + DriverRun.byBatch(incremental) + "\n" + s);
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
    void tumblingBothOutputs(@ForAll("scenarios") Scenario s, @ForAll("tumbling") WindowSpec w) {
        check(s, w, Outputs.BOTH);
    }

    @Test
    void completeOutputAndOtherWindowKindsAreRefused() {
        assertThatThrownBy(() -> TestDriver.builder().pipeline(p -> p.kafka("in", Pipelines.STRINGS)
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string())).boundedKeys(10)
                        .window(HoppingWindows.of(Duration.ofSeconds(10), Duration.ofSeconds(1)))
                        .reduce(Ids::union, InvertibleWindowPropertiesTest::minus, Named.as("agg"))
                        .emit(OutputMode.COMPLETE)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("COMPLETE");
        assertThatThrownBy(() -> TestDriver.builder().pipeline(p -> p.kafka("in", Pipelines.STRINGS)
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .window(SlidingWindows.withMaxDifference(Duration.ofSeconds(10)))
                        .reduce(Ids::union, InvertibleWindowPropertiesTest::minus, Named.as("agg"))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tumbling or hopping");
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Scenarios.scenarios(Shape.WINDOWS);
    }

    @Provide
    Arbitrary<WindowSpec> hopping() {
        return Arbitraries.oneOf(Scenarios.windows(WindowKind.HOPPING),
                // many slides per window, advances that do not divide the size
                Arbitraries.longs().between(1, 4).flatMap(adv -> Arbitraries.longs().between(0, 3).map(g ->
                        new WindowSpec(WindowKind.HOPPING, adv * 1000 * 5 + (adv > 1 ? 1000 : 0), adv * 1000, g * 1000))));
    }

    @Provide
    Arbitrary<WindowSpec> tumbling() {
        return Scenarios.windows(WindowKind.TUMBLING);
    }
}
