package io.eddy.testkit.driver.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.driver.eventtime.DriverRun.OutputKind;
import io.eddy.testkit.driver.eventtime.EventTimeReference.DedupModel;
import io.eddy.testkit.driver.eventtime.Scenarios.Shape;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code dropDuplicates} on the in-memory driver against the {@link EventTimeReference}: random
 * repeats of earlier ids (same or new event time), disorder, late records, batch boundaries and
 * clock advances. Every batch must forward exactly the reference's records, in offset order per
 * task.
 */
class DropDuplicatesPropertiesTest {

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void forwardsExactlyTheFirstOnTimeRecordOfEachRememberedId(@ForAll("dedupScenarios") Scenario s) {
        List<Emitted> expected = EventTimeReference.countedLate(EventTimeReference.run(s, List.of("in"), DedupModel::new), "");
        List<Emitted> actual = DriverRun.run(s, Pipelines.dedup(s.delayMs()), List.of("in"), Map.of("out", OutputKind.PLAIN));
        DriverRun.statistics(s, expected);
        DriverRun.assertSame(s, "dropDuplicates", expected, actual, Set.of("out"));
    }

    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void exactDuplicatesAreNeverForwardedTwice(@ForAll("dedupScenarios") Scenario s) {
        List<Emitted> actual = DriverRun.run(s, Pipelines.dedup(s.delayMs()), List.of("in"), Map.of("out", OutputKind.PLAIN));
        // same id and same event time: one forward at most (the spec's "exact duplicates are always dropped")
        assertThat(actual.stream().filter(e -> e.topic().equals("out")).map(e -> EventTimeReference.DedupIds.idOf(e.value()) + "@" + e.timestamp()))
                .doesNotHaveDuplicates();
    }

    @Provide
    Arbitrary<Scenario> dedupScenarios() {
        return Scenarios.scenarios(Shape.DEDUP);
    }
}
