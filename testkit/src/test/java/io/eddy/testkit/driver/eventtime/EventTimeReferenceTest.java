package io.eddy.testkit.driver.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.OutputMode;
import io.eddy.testkit.driver.eventtime.EventTimeReference.Aggregation;
import io.eddy.testkit.driver.eventtime.EventTimeReference.DedupModel;
import io.eddy.testkit.driver.eventtime.EventTimeReference.JoinModel;
import io.eddy.testkit.driver.eventtime.EventTimeReference.JoinType;
import io.eddy.testkit.driver.eventtime.EventTimeReference.TaskClock;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowKind;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowModel;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowSpec;
import io.eddy.testkit.driver.eventtime.Scenario.Batch;
import io.eddy.testkit.driver.eventtime.Scenario.In;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The reference model on small cases computed by hand from the spec, so that the properties
 * compare the implementation with something known to be right. Times are seconds after T0.
 */
class EventTimeReferenceTest {

    private static final long T0 = Scenario.T0;
    private int seq;

    private In rec(String key, long seconds) {
        int n = seq++;
        long t = T0 + seconds * 1000;
        return new In(n, "in", key, 0, t, t, String.valueOf(n));
    }

    private In side(String topic, String key, long seconds) {
        int n = seq++;
        long t = T0 + seconds * 1000;
        return new In(n, topic, key, 0, t, t, (topic.equals("left") ? "L" : "R") + n);
    }

    private static Batch batch(long advanceSeconds, In... records) {
        return new Batch(advanceSeconds * 1000, List.of(records));
    }

    private static List<String> outputs(List<Emitted> out, String topic) {
        return out.stream().filter(e -> e.topic().equals(topic)).map(e -> "b" + e.batch() + " " + e.content()).toList();
    }

    private static List<Emitted> run(long delaySeconds, Supplier<EventTimeReference.OperatorModel> op, List<String> topics,
                                     Batch... batches) {
        return EventTimeReference.run(new Scenario(1, delaySeconds * 1000, List.of(batches)), topics, op);
    }

    private static String ts(long seconds, long millis) {
        return "@" + (seconds * 1000 + millis);
    }

    @Test
    void tumblingFinalClosesAtEndPlusGraceAndDropsRecordsOfClosedWindows() {
        // size 10 s, grace 2 s, delay 1 s
        WindowSpec w = new WindowSpec(WindowKind.TUMBLING, 10_000, 10_000, 2_000);
        List<Emitted> out = run(1, () -> new WindowModel(w, OutputMode.FINAL, Aggregation.IDS), List.of("in"),
                batch(0, rec("a", 3), rec("a", 9)),            // b0: wm -> 8
                batch(1, rec("a", 10), rec("a", 13)),          // b1: wm(8) -> 12: [0,10) closes (10 + 2 <= 12)
                batch(1, rec("a", 9), rec("a", 11)),           // b2: 9 is late (wm 12); wm stays 12
                batch(1, rec("a", 22)),                        // b3: wm -> 21; [10,20) closes at 22: not yet
                batch(1, rec("a", 23)),                        // b4: wm -> 22: [10,20) closes
                batch(3600));                                  // quiet: the task has a timer (window [20,30)) -> closes
        assertThat(outputs(out, "out")).containsExactly(
                "b1 a[0,10000)=0,1" + ts(9, 999),
                "b4 a[10000,20000)=2,3,5" + ts(19, 999),
                "b5 a[20000,30000)=6,7" + ts(29, 999));
        assertThat(outputs(out, "late")).containsExactly("b2 a=4" + ts(9, 0));
    }

    @Test
    void hoppingRecordBelongsToSizeOverAdvanceWindowsAndIsLateOnlyWhenAllAreClosed() {
        // size 4 s, advance 2 s, grace 0, delay 0
        WindowSpec w = new WindowSpec(WindowKind.HOPPING, 4_000, 2_000, 0);
        List<Emitted> out = run(0, () -> new WindowModel(w, OutputMode.FINAL, Aggregation.COUNT), List.of("in"),
                batch(0, rec("a", 5)),            // windows [2,6) [4,8); wm -> 5
                batch(1, rec("a", 3), rec("a", 1), rec("a", 6)),
                // 3: windows [0,4) closed (4 <= 5), [2,6) open -> accepted; 1: [-2,2) [0,4) closed -> late
                // 6: [4,8) [6,10); wm -> 6: [2,6) closes
                batch(3600));
        assertThat(outputs(out, "out")).containsExactly(
                "b1 a[2000,6000)=2" + ts(5, 999),
                "b2 a[4000,8000)=2" + ts(7, 999),
                "b2 a[6000,10000)=1" + ts(9, 999));
        assertThat(outputs(out, "late")).containsExactly("b1 a=2" + ts(1, 0));
    }

    @Test
    void slidingWindowsAreCreatedFromStoredRecordsAndALateOwnWindowStillJoinsOpenOnes() {
        // max difference 5 s, grace 0, delay 0
        WindowSpec w = new WindowSpec(WindowKind.SLIDING, 5_000, 0, 0);
        List<Emitted> out = run(0, () -> new WindowModel(w, OutputMode.UPDATE, Aggregation.IDS), List.of("in"),
                batch(0, rec("a", 10)),               // window 10 = [5,10]: {0}; wm -> 10
                batch(1, rec("a", 12), rec("a", 8)),
                // 12: own window [7,12] created from stored {0} + itself -> {0,1}
                // 8: own window [3,8] closed (8 + 1 <= 10), but window 10 (open: 11 > 10) and window 12 contain it
                batch(1, rec("a", 2)));               // 2: own closed, windows 10 and 12 do not contain it -> late
        assertThat(outputs(out, "out")).containsExactlyInAnyOrder(
                "b0 a[5000,10001)=0" + ts(10, 0),
                "b1 a[7000,12001)=0,1,2" + ts(12, 0),   // 10 was stored; 8 arrived after 12 created its window
                "b1 a[5000,10001)=0,2" + ts(10, 0));
        assertThat(outputs(out, "late")).containsExactly("b2 a=3" + ts(2, 0));
    }

    @Test
    void slidingNewWindowIncludesEveryStoredRecordInItsRange() {
        WindowSpec w = new WindowSpec(WindowKind.SLIDING, 5_000, 0, 0);
        List<Emitted> out = run(0, () -> new WindowModel(w, OutputMode.UPDATE, Aggregation.IDS), List.of("in"),
                batch(0, rec("a", 12), rec("a", 8), rec("a", 10)));
        // all in one batch (wm MIN): windows 12 {0} then 8 {1} updates nothing later? 12 is later (12 - 8 <= 5): {0,1};
        // then 10: own window [5,10] from stored {1} + {2}; updates window 12 -> {0,1,2}
        assertThat(outputs(out, "out")).containsExactlyInAnyOrder(
                "b0 a[7000,12001)=0,1,2" + ts(12, 0),
                "b0 a[3000,8001)=1" + ts(8, 0),
                "b0 a[5000,10001)=1,2" + ts(10, 0));
    }

    @Test
    void sessionsMergeOpenSessionsWithinTheGapAndUpdateDeletesMergedAwayOnes() {
        // gap 3 s, grace 0, delay 0
        WindowSpec w = new WindowSpec(WindowKind.SESSION, 3_000, 0, 0);
        List<Emitted> out = run(0, () -> new WindowModel(w, OutputMode.UPDATE, Aggregation.IDS), List.of("in"),
                batch(0, rec("a", 1), rec("a", 5)),   // sessions [1,1] and [5,5]; wm -> 5: [1,1] closes (1 + 3 <= 5)
                batch(1, rec("a", 4)),                // not late (4 + 3 > 5); within the gap of the closed [1,1] too,
                                                      // but only the open [5,5] merges: [4,5]
                batch(1, rec("a", 8)),                // exactly gap after 5: merges (end >= t - gap)
                batch(1, rec("a", 2)));               // 2 + 3 <= 5: late
        assertThat(outputs(out, "out")).containsExactlyInAnyOrder(
                "b0 a[1000,1000]=0" + ts(1, 0),
                "b0 a[5000,5000]=1" + ts(5, 0),
                "b1 a[5000,5000]=null" + ts(5, 0),
                "b1 a[4000,5000]=1,2" + ts(5, 0),
                "b2 a[4000,5000]=null" + ts(5, 0),
                "b2 a[4000,8000]=1,2,3" + ts(8, 0));
        assertThat(outputs(out, "late")).containsExactly("b3 a=4" + ts(2, 0));
    }

    @Test
    void sessionCreatedAndMergedAwayInOneBatchIsAnOptionalTombstone() {
        WindowSpec w = new WindowSpec(WindowKind.SESSION, 3_000, 0, 0);
        List<Emitted> out = run(0, () -> new WindowModel(w, OutputMode.UPDATE, Aggregation.COUNT), List.of("in"),
                batch(0, rec("a", 1), rec("a", 2)));
        assertThat(out).extracting(e -> e.content() + (e.optional() ? "?" : ""))
                .containsExactlyInAnyOrder("a[1000,1000]=null@1000?", "a[1000,2000]=2@2000");
    }

    @Test
    void completeEmitsEveryLiveWindowWhenSomethingChangedIncludingThoseTheCommitCloses() {
        WindowSpec w = new WindowSpec(WindowKind.TUMBLING, 10_000, 10_000, 0);
        List<Emitted> out = run(0, () -> new WindowModel(w, OutputMode.COMPLETE, Aggregation.COUNT), List.of("in"),
                batch(0, rec("a", 1), rec("b", 12)),   // b0: both (a's closes in this commit: wm -> 12)
                batch(1, rec("a", 2)),                 // b1: late only: nothing changed, nothing emitted
                batch(1, rec("a", 15)));               // b2: every live window
        assertThat(outputs(out, "out")).containsExactlyInAnyOrder(
                "b0 a[0,10000)=1" + ts(9, 999), "b0 b[10000,20000)=1" + ts(19, 999),
                "b2 a[10000,20000)=1" + ts(19, 999), "b2 b[10000,20000)=1" + ts(19, 999));
        assertThat(outputs(out, "late")).containsExactly("b1 a=2" + ts(2, 0));
    }

    @Test
    void watermarkIsTheMinimumOverPartitionsThatAreNotIdleThenFollowsTheClockWhenAllAreIdle() {
        TaskClock c = new TaskClock(List.of("left", "right"), 1_000, 10_000, 0);
        assertThat(c.candidate(0)).isEqualTo(Long.MIN_VALUE);          // right never delivered: holds at MIN
        c.observe("left", 50_000);
        c.active("left", 5_000);
        assertThat(c.candidate(5_000)).isEqualTo(Long.MIN_VALUE);
        assertThat(c.candidate(9_999)).isEqualTo(Long.MIN_VALUE);      // right idle only at creation + 10 s
        assertThat(c.candidate(10_000)).isEqualTo(49_000);
        c.wm = c.candidate(10_000);
        // everything idle at 15 s: max(49 s) + (15 s - 5 s)
        assertThat(c.candidate(15_000)).isEqualTo(59_000);
        c.wm = 59_000;
        assertThat(c.candidate(16_000)).as("the quiet rule does not compound").isEqualTo(60_000);
        c.observe("right", 20_000);
        c.active("right", 16_000);
        assertThat(c.candidate(16_000)).as("never moves back").isEqualTo(59_000);
    }

    @Test
    void aTaskWithoutInputCommitsOnlyWhenATimerIsDue() {
        // FINAL tumbling 10 s: the quiet rule closes the window only in a batch that runs after the timer is due
        WindowSpec w = new WindowSpec(WindowKind.TUMBLING, 10_000, 10_000, 0);
        List<Emitted> out = run(0, () -> new WindowModel(w, OutputMode.FINAL, Aggregation.COUNT), List.of("in"),
                batch(0, rec("a", 1)),   // wm 1 s; lastRecordAt 0
                batch(9),                // not idle yet
                batch(1),                // idle: candidate 1 + 10 = 11 s >= 10 s: closes
                batch(0, rec("a", 12)),  // on time
                batch(0, rec("a", 5)));  // late
        assertThat(outputs(out, "out")).containsExactly("b2 a[0,10000)=1" + ts(9, 999));
        assertThat(outputs(out, "late")).containsExactly("b4 a=2" + ts(5, 0));
    }

    @Test
    void dedupDropsRepeatsWhileRememberedAndLateRecords() {
        int[] n = {0};
        java.util.function.BiFunction<String, Long, In> r = (id, s) -> {
            long t = T0 + s * 1000;
            int k = n[0]++;
            return new In(k, "in", "a", 0, t, t, id + "/" + k);
        };
        List<Emitted> out = run(0, DedupModel::new, List.of("in"),
                batch(0, r.apply("x", 5L), r.apply("x", 5L), r.apply("y", 7L)),   // x once, y; wm -> 7: x forgotten (7 > 5)
                batch(1, r.apply("x", 8L), r.apply("y", 9L), r.apply("z", 6L)),   // x again (new), y remembered, z late (6 < 7)
                batch(1, r.apply("y", 7L)));                                    // wm 9 > 7: y late
        assertThat(outputs(out, "out")).containsExactly(
                "b0 a=x/0" + ts(5, 0), "b0 a=y/2" + ts(7, 0), "b1 a=x/3" + ts(8, 0));
    }

    @Test
    void joinsPairWithinTheWindowAndEmitUnmatchedWhenTheRecordCloses() {
        // d 2 s, grace 1 s, delay 0: a record closes at t + 3 s + 1 ms
        for (JoinType type : JoinType.values()) {
            seq = 0;
            List<Emitted> out = run(0, () -> new JoinModel(type, 2_000, 1_000), List.of("left", "right"),
                    batch(0, side("left", "a", 10), side("right", "a", 12), side("right", "a", 13)),
                    // L0 joins R1 (|10-12| <= 2), not R2; wm min(10, 13) = 10
                    batch(1, side("left", "a", 20), side("right", "a", 20)),
                    // L3+R4; wm -> 20: L0 (closes 13.001) and R1 (15.001), R2 (16.001) close: R2 unmatched
                    batch(3600));
            List<String> expected = new ArrayList<>(List.of("b0 a=L0+R1" + ts(12, 0), "b1 a=L3+R4" + ts(20, 0)));
            if (type == JoinType.OUTER) {
                expected.add("b1 a=null+R2" + ts(13, 0));
            }
            assertThat(outputs(out, "out")).as(type.toString()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Property(tries = 300)
    void referenceFinalEmitsEachWindowAtMostOnceAndUpdateEndsOnTheFinalValue(
            @ForAll("scenarios") Scenario s,
            @ForAll("windows") WindowSpec w) {
        List<Emitted> fin = EventTimeReference.run(s, List.of("in"), () -> new WindowModel(w, OutputMode.FINAL, Aggregation.IDS));
        // with FINAL's timers, so that both see the same watermarks
        List<Emitted> upd = EventTimeReference.run(s, List.of("in"),
                () -> new WindowModel(w, OutputMode.UPDATE, Aggregation.IDS, true));
        Set<String> seen = new HashSet<>();
        java.util.Map<String, String> finals = new java.util.HashMap<>();
        for (Emitted e : fin) {
            if (e.topic().equals("out")) {
                assertThat(seen.add(e.key())).isTrue();
                finals.put(e.key(), e.value());
            }
        }
        java.util.Map<String, String> last = new java.util.HashMap<>();
        for (Emitted e : upd) {
            if (e.topic().equals("out") && !e.optional()) {
                last.put(e.key(), e.value());
            }
        }
        last.values().removeIf(java.util.Objects::isNull);
        // every window UPDATE leaves alive is emitted by FINAL with the same value, and vice versa
        assertThat(finals).isEqualTo(last);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Scenario> scenarios() {
        return Scenarios.scenarios(Scenarios.Shape.WINDOWS);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<WindowSpec> windows() {
        return net.jqwik.api.Arbitraries.of(WindowKind.values()).flatMap(Scenarios::windows);
    }
}
