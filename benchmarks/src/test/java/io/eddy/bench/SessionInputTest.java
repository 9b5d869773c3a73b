package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class SessionInputTest {
    private static final long BASE = 1_700_000_000_000L;

    @Test
    void eachBlockHoldsOneGroupRoundRobinWithEventTimeNeverDecreasing() {
        SessionInput input = new SessionInput(1_000, 100, 4, BASE);
        assertThat(input.blockRecords()).isEqualTo(40);   // 10 keys per group, 4 records each
        long previous = Long.MIN_VALUE;
        for (long i = 0; i < 1_000; i++) {
            long block = i / 40;
            int key = input.keyOf(i);
            assertThat(key % SessionInput.GROUPS).as("record %d", i).isEqualTo((int) (block % SessionInput.GROUPS));
            assertThat(key).isBetween(0, 99);
            long t = input.eventTime(i);
            assertThat(t).isGreaterThanOrEqualTo(previous)
                    .isBetween(BASE + block * SessionInput.BLOCK_MILLIS, BASE + (block + 1) * SessionInput.BLOCK_MILLIS - 1);
            previous = t;
        }
        // block 0 cycles through keys 0, 10, ..., 90 four times
        assertThat(input.keyOf(0)).isZero();
        assertThat(input.keyOf(1)).isEqualTo(10);
        assertThat(input.keyOf(10)).isZero();
        assertThat(input.keyOf(40)).isEqualTo(1);
        assertThat(input.spanMillis()).isEqualTo(input.eventTime(999) - BASE);
        assertThat(SessionInput.value(0)).isEqualTo(1);
        assertThat(SessionInput.value(19)).isEqualTo(10);
    }

    @Test
    void keysThatDoNotSplitEvenlyIntoGroupsStillAllAppear() {
        SessionInput input = new SessionInput(10_000, 15, 1, BASE);
        assertThat(input.groupSize(0)).isEqualTo(2);
        assertThat(input.groupSize(9)).isEqualTo(1);
        Set<Integer> seen = new HashSet<>();
        for (long i = 0; i < 10_000; i++) {
            seen.add(input.keyOf(i));
        }
        assertThat(seen).hasSize(15);
    }

    @Test
    void everyKeyAndBlockIsOneSessionAndTheTotalsAddUpToTheInput() {
        SessionInput input = new SessionInput(100_000, 1_000, 8, BASE);
        SessionInput.Expected e = input.expected();
        long blocks = 100_000 / input.blockRecords();                  // 250 whole blocks of 100 keys
        assertThat(e.all()).isEqualTo(blocks * 100);
        long valueSum = 0;
        for (long i = 0; i < 100_000; i++) {
            valueSum += SessionInput.value(i);
        }
        long totalSum = 0;
        for (int k = 0; k < 1_000; k++) {
            for (int s = 0; s < e.sessions()[k]; s++) {
                totalSum += e.totals()[k * e.capacity() + s];
                assertThat(e.totals()[k * e.capacity() + s]).isBetween(4L, 40L);   // four records of 1 to 10
            }
        }
        assertThat(totalSum).isEqualTo(valueSum);
        // key 0: blocks 0, 10, ..., 240; its first session ends with its last record in block 0
        assertThat(e.sessions()[0]).isEqualTo(25);
        long lastOfKey0InBlock0 = input.eventTime(3 * 100);
        assertThat(input.keyOf(300)).isZero();
        assertThat(e.deadlines()[0]).isEqualTo(lastOfKey0InBlock0 + SessionInput.SILENCE_MILLIS);
    }

    @Test
    void aSessionMustFireOnceItsPartitionsEventTimePassedItsDeadlineLessTheLag() {
        SessionInput input = new SessionInput(100_000, 1_000, 8, BASE);
        SessionInput.Expected e = input.expected();
        long end = e.maxByPartition()[e.partitionOfKey()[0]];
        // whether key 0's last session (block 240) must fire depends on its partition's end
        int last = e.sessions()[0] - 1;
        long deadline = e.deadlines()[last];
        assertThat(e.mustFire(0, last, 0)).isEqualTo(deadline <= end);
        assertThat(e.mustFire(0, 0, 0)).isTrue();
        assertThat(e.mustFire(0, e.sessions()[0], 0)).isFalse();     // no such session
        long[] eager = e.required(0);
        long[] lagging = e.required(10_000);
        assertThat(eager[0]).isLessThanOrEqualTo(e.all()).isGreaterThan(e.all() * 8 / 10);
        assertThat(lagging[0]).isLessThanOrEqualTo(eager[0]);
        assertThat(lagging[1]).isLessThanOrEqualTo(eager[1]);
    }

    @Test
    void partitionsAreTheDefaultPartitionersChoice() {
        SessionInput input = new SessionInput(10, 500, 8, BASE);
        int[] byKey = input.partitionsByKey();
        for (int k = 0; k < 500; k++) {
            assertThat(byKey[k]).isEqualTo(BuiltInPartitioner.partitionForKey(Workload.keyBytes(k), 8));
        }
    }

    @Test
    void loadedInputEndsTenMinutesBeforeTheLoadAndRefusesTooLongASpan() {
        long now = 1_800_000_000_000L;
        SessionInput input = SessionInput.loadedAt(now, 5_000_000, 100_000, 8);
        assertThat(input.eventTime(4_999_999)).isEqualTo(now - 10 * 60_000);
        // 125 blocks of 40,000 records, 20 s each; the last record is 0.5 ms short of the end
        assertThat(input.spanMillis()).isEqualTo(2_499_999);
        assertThatThrownBy(() -> SessionInput.loadedAt(now, 1_000_000_000, 10, 8))
                .hasMessageContaining("W10's event time would span");
        assertThatThrownBy(() -> new SessionInput(10, 9, 1, BASE)).hasMessageContaining("keys at least 10");
    }
}
