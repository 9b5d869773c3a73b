package io.eddy.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.state.internal.BytesStore;
import io.eddy.state.internal.StateEnvironment;
import io.eddy.state.internal.StoreOptions;
import io.eddy.state.internal.WindowKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timer store and the watermark rule, below the operators that use them. */
class TimersAndTaskTimeTest {
    private final StateEnvironment env = StateEnvironment.inMemory();

    @AfterEach
    void close() {
        env.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eventAndProcessingTimersFireInTimeOrderOnceAndSurviveACommit() {
        BytesStore store = env.openKeyValue(null, "timers", StoreOptions.DEFAULT);
        Timers timers = new Timers(store);
        timers.register(Timers.Domain.EVENT_TIME, 300, b("c"));
        timers.register(Timers.Domain.EVENT_TIME, -5, b("a"));
        timers.register(Timers.Domain.EVENT_TIME, 100, b("b"));
        timers.register(Timers.Domain.EVENT_TIME, 100, b("b"));   // the same timer
        timers.register(Timers.Domain.PROCESSING_TIME, 50, b("p"));
        assertThat(timers.next(Timers.Domain.EVENT_TIME)).isEqualTo(-5);
        assertThat(timers.next(Timers.Domain.PROCESSING_TIME)).isEqualTo(50);

        List<Timers.Due> due = timers.takeDue(Timers.Domain.EVENT_TIME, 100);
        assertThat(due).extracting(Timers.Due::time).containsExactly(-5L, 100L);
        assertThat(due).extracting(d -> new String(d.payload(), StandardCharsets.UTF_8)).containsExactly("a", "b");
        assertThat(timers.takeDue(Timers.Domain.EVENT_TIME, 100)).isEmpty();
        assertThat(timers.next(Timers.Domain.EVENT_TIME)).isEqualTo(300);
        store.commit(1);

        Timers reopened = new Timers(store);
        assertThat(reopened.takeDue(Timers.Domain.PROCESSING_TIME, 49)).isEmpty();
        assertThat(reopened.takeDue(Timers.Domain.PROCESSING_TIME, 50)).extracting(Timers.Due::time).containsExactly(50L);
        assertThat(reopened.takeDue(Timers.Domain.EVENT_TIME, Long.MAX_VALUE)).extracting(Timers.Due::time)
                .containsExactly(300L);
        assertThat(reopened.next(Timers.Domain.EVENT_TIME)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anAbortedBatchKeepsItsTimers() {
        BytesStore store = env.openKeyValue(null, "timers", StoreOptions.DEFAULT);
        Timers timers = new Timers(store);
        timers.register(Timers.Domain.EVENT_TIME, 10, b("w"));
        store.commit(1);
        assertThat(timers.takeDue(Timers.Domain.EVENT_TIME, 10)).hasSize(1);
        store.abort();
        timers.reset();
        assertThat(timers.takeDue(Timers.Domain.EVENT_TIME, 10)).hasSize(1);
    }

    @Test
    void watermarkIsTheMinimumOverActivePartitionsAndIdlePartitionsStopHoldingItBack() {
        TaskTime time = new TaskTime(1_000, 0);
        time.register("a", 10, 0);
        time.register("b", 10, 0);
        time.caughtUp("a", 0, true);
        time.caughtUp("b", 0, true);                               // no lag from the start
        time.active("a", 100);
        time.observe("a", 500);
        assertThat(time.advance(100)).isEqualTo(Long.MIN_VALUE);   // b has no record yet and is not idle
        time.active("a", 1_200);
        assertThat(time.advance(1_200)).isEqualTo(490);            // b idle since its start
        time.active("b", 1_300);
        time.observe("b", 200);
        assertThat(time.advance(1_300)).isEqualTo(490);            // never moves back
        time.observe("b", 900);
        time.observe("a", 700);
        assertThat(time.advance(1_400)).isEqualTo(690);
    }

    @Test
    void aPartitionWithLagOrUnknownLagIsNeverIdle() {
        TaskTime time = new TaskTime(1_000, 0);
        time.register("a", 0, 0);
        time.register("b", 0, 0);
        time.caughtUp("a", 0, true);
        time.observe("a", 500);
        time.observe("b", 100);
        time.caughtUp("b", 0, false);                              // b has lag: stalled, not idle
        time.active("a", 50_000);
        assertThat(time.advance(50_000)).isEqualTo(100);
        time.caughtUp("b", 50_000, true);                          // b caught up: idle only a timeout later
        assertThat(time.advance(50_999)).isEqualTo(100);
        time.caughtUp("b", 51_000, true);
        time.active("a", 51_000);
        assertThat(time.advance(51_000)).isEqualTo(500);
        time.unsettled();                                          // a rebalance: nothing counts as caught up
        time.observe("b", 200);
        time.observe("a", 900);
        time.active("a", 60_000);
        assertThat(time.advance(60_000)).isEqualTo(500);           // b holds again (200), never moves back
    }

    @Test
    void aRepartitionPartitionsWatermarkIsTheMinimumOverItsUpstreamTasksReports() {
        TaskTime time = new TaskTime(1_000, 0);
        time.register("rep", 0, Set.of(), true, 0);
        time.report("rep", 0, 3, 5_000, false);
        time.report("rep", 2, 3, 9_000, false);
        assertThat(time.advance(10)).isEqualTo(Long.MIN_VALUE);   // upstream task 1 has not reported
        time.report("rep", 1, 3, 7_000, false);
        assertThat(time.advance(20)).isEqualTo(5_000);
        time.committed();
        time.report("rep", 0, 3, Long.MAX_VALUE, false);                 // task 0 idle and empty: does not hold back
        assertThat(time.advance(30)).isEqualTo(7_000);
        time.rollback();                                           // the aborted batch's reports do not count
        time.report("rep", 0, 3, 6_000, false);
        assertThat(time.advance(40)).isEqualTo(6_000);
        assertThat(time.heldBy()).isEqualTo("rep: upstream task 0");
        time.report("rep", 0, 3, 8_000, true);
        time.report("rep", 1, 3, 9_000, true);
        assertThat(time.advance(50)).isEqualTo(8_000);             // not all quiet: the minimum
        time.report("rep", 2, 3, 12_000, true);
        assertThat(time.advance(60)).isEqualTo(12_000);            // all quiet: the largest, as for idle partitions
    }

    @Test
    void anUpstreamTaskReportsTheWatermarkOfItsFeedingPartitionsWhenItMoves() {
        TaskTime time = new TaskTime(10_000, 0);
        time.register("in", 100, Set.of("rep"), false, 0);
        time.register("rep", 100, Set.of(), true, 0);
        time.caughtUp("in", 0, true);
        assertThat(time.takeReport("rep", 0)).isEqualTo(Long.MIN_VALUE);   // nothing yet, not idle
        time.observe("in", 2_000);
        time.active("in", 10);
        assertThat(time.takeReport("rep", 10)).isEqualTo(1_900);   // not held back by its own "rep" partition
        assertThat(time.takeReport("rep", 10)).isEqualTo(Long.MIN_VALUE);   // not moved
        assertThat(time.reportDue(5_000)).isFalse();                       // not idle yet
        assertThat(time.reportDue(10_010)).isTrue();                       // quiet: follows the clock
        assertThat(time.takeReport("rep", 10_010)).isEqualTo(11_900);
        TaskTime empty = new TaskTime(1_000, 0);
        empty.register("in", 100, Set.of("rep"), false, 0);
        empty.caughtUp("in", 0, true);
        assertThat(empty.takeReport("rep", 999)).isEqualTo(Long.MIN_VALUE);
        assertThat(empty.takeReport("rep", 1_000)).isEqualTo(Long.MAX_VALUE);   // idle and empty: do not wait
    }

    @Test
    void anAbortedBatchsEventTimesDoNotMoveTheWatermarkOfTheBatchThatRetriesIt() {
        TaskTime time = new TaskTime(60_000, 0);
        time.register("a", 100, 0);
        time.active("a", 10);
        time.observe("a", 1_000);
        assertThat(time.advance(10)).isEqualTo(900);
        time.committed();
        time.observe("a", 50_000);                                 // an attempt that is aborted
        assertThat(time.advance(20)).isEqualTo(49_900);
        time.rollback();
        assertThat(time.watermark()).isEqualTo(900);
        time.observe("a", 2_000);                                  // the retry holds fewer records
        assertThat(time.advance(30)).isEqualTo(1_900);             // not 49,900: 2,001..50,000 are not late
    }

    @Test
    void aQuietTaskFollowsTheWallClockFromItsLastRecord() {
        TaskTime time = new TaskTime(1_000, 0);
        time.register("a", 100, 0);
        time.caughtUp("a", 0, true);
        time.active("a", 5_000);
        time.observe("a", 20_000);
        assertThat(time.advance(5_000)).isEqualTo(19_900);
        assertThat(time.advance(5_999)).isEqualTo(19_900);         // not idle yet
        assertThat(time.advance(6_000)).isEqualTo(20_900);         // quiet: + 1 s since the last record
        assertThat(time.advance(9_000)).isEqualTo(23_900);
        time.committed();
        time.rollback();
        assertThat(time.watermark()).isEqualTo(23_900);
    }

    @Test
    void windowStoreWithExplicitStreamTimeExpiresOnlyWhenTold() {
        BytesStore store = env.openWindow(null, "w", 1_000, 60_000, StoreOptions.DEFAULT.withExplicitStreamTime());
        byte[] early = WindowKeys.windowKey(b("k"), 0);
        byte[] farAhead = WindowKeys.windowKey(b("k"), 10_000_000);
        store.put(early, b("1"));
        store.put(farAhead, b("2"));   // a write far ahead does not expire the early window
        store.commit(1);
        assertThat(store.get(early)).isNotNull();
        store.advanceStreamTime(1_000);
        assertThat(store.get(early)).isNotNull();      // 0 >= 1000 - 1000
        store.advanceStreamTime(1_001);
        assertThat(store.get(early)).isNull();
        assertThat(store.get(farAhead)).isNotNull();
    }
}
