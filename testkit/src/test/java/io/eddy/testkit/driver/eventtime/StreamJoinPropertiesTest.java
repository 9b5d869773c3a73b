package io.eddy.testkit.driver.eventtime;

import io.eddy.testkit.driver.eventtime.DriverRun.OutputKind;
import io.eddy.testkit.driver.eventtime.EventTimeReference.JoinModel;
import io.eddy.testkit.driver.eventtime.EventTimeReference.JoinType;
import io.eddy.testkit.driver.eventtime.Scenarios.Shape;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Stream-stream joins on the in-memory driver against the {@link EventTimeReference}: two
 * co-partitioned topics ({@code left}, {@code right}) whose partitions of one task advance
 * independently, so idle partitions, the quiet rule and lateness per side all play. Every batch
 * must emit, per task, the same multiset of joined rows as the reference; unmatched rows of left
 * and outer joins must come in the batch whose watermark closes their record.
 */
class StreamJoinPropertiesTest {

    private static final int TRIES = 200;

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void innerJoin(@ForAll("joinScenarios") Scenario s, @ForAll("maxDifference") long d, @ForAll("grace") long g) {
        check(s, JoinType.INNER, d, g);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void leftJoin(@ForAll("joinScenarios") Scenario s, @ForAll("maxDifference") long d, @ForAll("grace") long g) {
        check(s, JoinType.LEFT, d, g);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void outerJoin(@ForAll("joinScenarios") Scenario s, @ForAll("maxDifference") long d, @ForAll("grace") long g) {
        check(s, JoinType.OUTER, d, g);
    }

    private static void check(Scenario s, JoinType type, long d, long g) {
        List<Emitted> expected = EventTimeReference.countedLate(
                EventTimeReference.run(s, List.of("left", "right"), () -> new JoinModel(type, d, g)), "");
        List<Emitted> actual = DriverRun.run(s, Pipelines.join(type, s.delayMs(), d, g), List.of("left", "right"),
                Map.of("out", OutputKind.PLAIN));
        DriverRun.statistics(s, expected);
        DriverRun.assertSame(s, type + " join (maxDifference " + d + ", grace " + g + ")", expected, actual, Set.of());
    }

    @Provide
    Arbitrary<Scenario> joinScenarios() {
        return Scenarios.scenarios(Shape.JOIN);
    }

    @Provide
    Arbitrary<Long> maxDifference() {
        return Arbitraries.longs().between(0, 5).map(x -> x * 1000);
    }

    @Provide
    Arbitrary<Long> grace() {
        return Arbitraries.longs().between(0, 3).map(x -> x * 1000);
    }
}
