package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowCountsTest {

    /** Records what a commit hands out, as "closed key start count logged" and "changed key start count". */
    private static final class Recorder implements WindowCounts.Sink {
        final List<String> closed = new ArrayList<>();
        final List<String> changed = new ArrayList<>();

        @Override
        public void closed(String key, long start, long count, boolean logged) {
            closed.add(key + " " + start + " " + count + (logged ? " logged" : ""));
        }

        @Override
        public void changed(String key, long start, long count) {
            changed.add(key + " " + start + " " + count);
        }
    }

    @Test
    void aWindowIsEmittedOnceWhenTheWatermarkPassesItsEnd() {
        WindowCounts w = new WindowCounts(60, 10);
        assertThat(w.add("a", 5)).isTrue();
        assertThat(w.add("a", 59)).isTrue();
        assertThat(w.add("b", 30)).isTrue();
        assertThat(w.add("a", 65)).isTrue();
        Recorder first = new Recorder();
        w.commit(first);                          // watermark 65 - 10 = 55: nothing closes
        assertThat(w.watermark()).isEqualTo(55);
        assertThat(first.closed).isEmpty();
        assertThat(first.changed).containsExactlyInAnyOrder("a 0 2", "b 0 1", "a 60 1");

        assertThat(w.add("b", 50)).isTrue();      // still open: 60 > 55
        assertThat(w.add("a", 70)).isTrue();      // max 70, but the watermark moves only at commit
        assertThat(w.watermark()).isEqualTo(55);
        Recorder second = new Recorder();
        w.commit(second);                         // watermark 60: window [0, 60) closes
        assertThat(second.closed).containsExactlyInAnyOrder("a 0 2 logged", "b 0 2 logged");
        assertThat(second.changed).containsExactly("a 60 2");
        assertThat(w.openCounts()).isEqualTo(1);

        assertThat(w.add("a", 10)).isFalse();     // its window is closed: late
        assertThat(w.lateRecords()).isEqualTo(1);
        Recorder third = new Recorder();
        w.commit(third);
        assertThat(third.closed).isEmpty();
        assertThat(third.changed).isEmpty();
    }

    @Test
    void aWindowOpenedAndClosedBetweenTwoCommitsIsNotLogged() {
        WindowCounts w = new WindowCounts(60, 0);
        w.add("a", 1);
        w.add("a", 200);
        Recorder r = new Recorder();
        w.commit(r);
        assertThat(r.closed).containsExactly("a 0 1");
        assertThat(r.changed).containsExactly("a 180 1");
    }

    @Test
    void restoredCountsAndEventTimeContinueWhereTheyWere() {
        WindowCounts w = new WindowCounts(60, 10);
        w.restore("a", 60, 4);
        w.restore("b", 60, 1);
        w.restoreDeleted("b", 60);
        w.restoreMaxEventTime(100);
        assertThat(w.watermark()).isEqualTo(90);
        assertThat(w.add("a", 20)).isFalse();
        assertThat(w.add("a", 110)).isTrue();
        w.add("a", 135);
        Recorder r = new Recorder();
        w.commit(r);                               // watermark 125: [60, 120) closes
        assertThat(r.closed).containsExactly("a 60 5 logged");
        assertThat(r.changed).containsExactly("a 120 1");
    }
}
