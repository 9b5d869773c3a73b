package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RestoreWatchTest {

    @Test
    void completesWhenEveryPartitionReportedDone() {
        RestoreWatch watch = new RestoreWatch(2);
        watch.started("counts-0", 100);
        watch.started("counts-1", 120);
        watch.done("counts-0", 10, 200);
        assertThat(watch.completedMillis()).isEmpty();
        watch.done("counts-0", 0, 210);   // a repeated report of one partition does not count twice
        assertThat(watch.completedMillis()).isEmpty();
        watch.done("counts-1", 5, 300);
        assertThat(watch.completedMillis()).hasValue(300);
        assertThat(watch.firstStartMillis()).isEqualTo(100);
        assertThat(watch.restoredRecords()).isEqualTo(15);
        watch.done("counts-2", 1, 400);
        assertThat(watch.completedMillis()).hasValue(300);
    }

    @Test
    void suspendedRestoresCountTheirRecords() {
        RestoreWatch watch = new RestoreWatch(1);
        watch.suspended("p0", 7);
        watch.done("p0", 3, 50);
        assertThat(watch.restoredRecords()).isEqualTo(10);
        assertThat(watch.firstStartMillis()).isEqualTo(50);
    }

    @Test
    void aWatchForNoPartitionsNeverCompletes() {
        RestoreWatch watch = new RestoreWatch(0);
        watch.done("p0", 3, 50);
        assertThat(watch.completedMillis()).isEmpty();
    }
}
