package io.eddy.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.BatchProgress;
import io.eddy.FlowControl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FlowControllerTest {
    static final TopicPartition P0 = new TopicPartition("in", 0);
    static final TopicPartition P1 = new TopicPartition("in", 1);

    static List<ConsumerRecord<byte[], byte[]>> records(TopicPartition tp, int n, int valueBytes) {
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new ConsumerRecord<>(tp.topic(), tp.partition(), i, new byte[0], new byte[valueBytes]));
        }
        return list;
    }

    static FlowController controller(FlowControl config, long intervalMs) {
        return new FlowController(config, intervalMs, Set.of("app-repartition"),
                FlowController.InstanceLimits.of(config, intervalMs, 0));
    }

    static BatchProgress.Builder progress() {
        return BatchProgress.builder().worker("w").duration(Duration.ZERO).committedAt(Instant.EPOCH);
    }

    @Test
    void aPartitionLimitAdmitsABurstThenHoldsThePartitionUntilItRefills() {
        FlowController flow = controller(FlowControl.none().withMaxRecordsPerSecondPerPartition(1000), 100);
        List<ConsumerRecord<byte[], byte[]>> poll = records(P0, 500, 10);
        assertThat(flow.admit(P0, poll, 0, 500, 0)).isEqualTo(250);   // 1000/s × 250 ms (the shortest window)
        assertThat(flow.held(P0)).isTrue();
        assertThat(flow.nextReleaseAt()).isEqualTo(63);   // a quarter of the bucket
        assertThat(flow.releaseDue(62)).isEmpty();
        assertThat(flow.releaseDue(63)).containsExactly(P0);
        assertThat(flow.held(P0)).isFalse();
        assertThat(flow.admit(P0, poll, 250, 500, 63)).isEqualTo(313);
        // another partition has its own budget
        assertThat(flow.admit(P1, records(P1, 50, 10), 0, 50, 25)).isEqualTo(50);
        assertThat(flow.held(P1)).isFalse();
    }

    @Test
    void theInstanceLimitIsSharedByPartitionsAndWorkers() {
        FlowControl config = FlowControl.none().withMaxRecordsPerSecond(1000);
        FlowController.InstanceLimits shared = FlowController.InstanceLimits.of(config, 100, 0);
        FlowController a = new FlowController(config, 100, Set.of(), shared);
        FlowController b = new FlowController(config, 100, Set.of(), shared);
        assertThat(a.admit(P0, records(P0, 200, 1), 0, 200, 0)).isEqualTo(200);
        assertThat(b.admit(P1, records(P1, 80, 1), 0, 80, 0)).isEqualTo(50);
        assertThat(b.held(P1)).isTrue();
        assertThat(a.held(P0)).isFalse();
    }

    @Test
    void aByteLimitLetsOneRecordOverdrawAndCountsKeyPlusValue() {
        FlowController flow = controller(FlowControl.none().withMaxBytesPerSecond(1000), 100);   // a 250-byte bucket
        List<ConsumerRecord<byte[], byte[]>> poll = records(P0, 20, 30);
        assertThat(flow.admit(P0, poll, 0, 20, 0)).isEqualTo(9);   // 0, 30, …, 240 < 250: the 9th overdraws to 270
        assertThat(flow.nextReleaseAt()).isEqualTo(83);   // repay 20, then refill 62.5
        List<ConsumerRecord<byte[], byte[]>> big = records(P0, 2, 1000);
        assertThat(flow.admit(P0, big, 0, 2, 83)).isEqualTo(1);   // bigger than the bucket: passes alone
    }

    @Test
    void repartitionTopicsAreNotLimited() {
        FlowController flow = controller(FlowControl.none().withMaxRecordsPerSecond(10), 100);
        TopicPartition internal = new TopicPartition("app-repartition", 0);
        assertThat(flow.admit(internal, records(internal, 500, 1), 0, 500, 0)).isEqualTo(500);
    }

    @Test
    void withoutLimitsEverythingIsAdmittedAndTheTriggersIntervalHolds() {
        FlowController flow = FlowController.none(200);
        assertThat(flow.admit(P0, records(P0, 500, 1), 0, 500, 0)).isEqualTo(500);
        assertThat(flow.intervalMs()).isEqualTo(200);
        BatchProgress.Builder p = progress();
        flow.committed(p, 0, 500, 100, 150, false);
        BatchProgress built = p.build();
        assertThat(built.triggerInterval()).contains(Duration.ofMillis(200));
        assertThat(built.triggerDelay()).contains(Duration.ZERO);
        assertThat(built.rateBound()).isNaN();
    }

    @Test
    void theTriggerDelayAddsOverrunsAndIdleTimeTakesThemOff() {
        FlowController flow = FlowController.none(100);
        flow.batchEnding(0, 350);   // 250 ms past the interval
        flow.batchEnding(350, 500);   // 50 more
        BatchProgress.Builder p = progress();
        flow.committed(p, 500, 10, 10, -1, true);
        assertThat(p.build().triggerDelay()).contains(Duration.ofMillis(300));
        flow.idle(120);
        flow.batchEnding(500, 590);   // on time
        p = progress();
        flow.committed(p, 600, 10, 10, -1, true);
        assertThat(p.build().triggerDelay()).contains(Duration.ofMillis(180));
        flow.idle(1000);
        p = progress();
        flow.committed(p, 600, 10, 10, -1, true);
        assertThat(p.build().triggerDelay()).contains(Duration.ZERO);
    }

    @Test
    void backpressureBindsWhenTheWorkerFallsBehindAndLiftsWhenTheInputNoLongerReachesTheBound() {
        FlowController flow = controller(FlowControl.none().withBackpressure(FlowControl.Backpressure.pid()), 100);
        // a 500-record batch took 510 ms of work: 410 ms behind
        flow.batchEnding(0, 500);
        BatchProgress.Builder p = progress();
        flow.committed(p, 510, 500, 510, -1, true);
        double bound = p.build().rateBound();
        assertThat(bound).isGreaterThan(10).isLessThan(980);   // below the processing rate: catching up
        // the bound now holds the partition back
        int admitted = flow.admit(P0, records(P0, 500, 1), 0, 500, 510);
        assertThat(admitted).isLessThan(500);
        assertThat(flow.held(P0)).isTrue();
        flow.releaseDue(Long.MAX_VALUE);
        // the input falls away: a quiet worker, on schedule, not held back by the bound
        flow.idle(10_000);
        flow.batchEnding(600, 700);
        p = progress();
        flow.committed(p, 710, 5, 10, -1, false);
        assertThat(p.build().rateBound()).as("bound held back the batch before").isNotNaN();
        flow.batchEnding(800, 900);
        p = progress();
        flow.committed(p, 910, 5, 10, -1, false);
        assertThat(p.build().rateBound()).as("lifted").isNaN();
        assertThat(flow.admit(P0, records(P0, 500, 1), 0, 500, 910)).isEqualTo(500);
    }

    @Test
    void heldPartitionsResumeAtTheLatestHold() {
        FlowController flow = FlowController.none(100);
        flow.hold(List.of(P0, P1), 500);
        flow.hold(List.of(P0), 300);
        assertThat(flow.nextReleaseAt()).isEqualTo(500);
        flow.forget(List.of(P1));
        assertThat(flow.releaseDue(500)).containsExactly(P0);
        assertThat(flow.nextReleaseAt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theAdaptiveIntervalShrinksWhenLatencyOvershootsAndGrowsWithABacklog() {
        IntervalAdapter adapter = new IntervalAdapter(20, 1000, 200, 500);
        // e2e = interval + 30 ms overhead, target 200: converges to 170
        long interval = adapter.intervalMs();
        for (int i = 0; i < 20; i++) {
            interval = adapter.update(interval + 30, false);
        }
        assertThat(interval).isBetween(168L, 172L);
        // a backlog: grows by half per batch, up to the ceiling
        assertThat(adapter.update(5_000, true)).isEqualTo(interval + interval / 2);
        for (int i = 0; i < 20; i++) {
            interval = adapter.update(5_000, true);
        }
        assertThat(interval).isEqualTo(1000);
        // light again with a tiny target: down to the floor
        IntervalAdapter tight = new IntervalAdapter(20, 1000, 10, 100);
        for (int i = 0; i < 20; i++) {
            interval = tight.update(tight.intervalMs() + 30, false);
        }
        assertThat(interval).isEqualTo(20);
        assertThat(tight.update(-1, false)).as("no timestamps: unchanged").isEqualTo(20);
    }
}
