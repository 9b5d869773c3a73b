package io.eddy.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.BatchProgress;
import io.eddy.OffsetRange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * The purge's rules on an injected clock and a fake deleter: at most one request per interval
 * and none while one is unanswered, only repartition partitions, committed offsets only growing,
 * failures retried at the next interval and warned about once per kind, nothing after close.
 */
class RepartitionPurgerTest {
    private static final String REPARTITION = "app-by-item-repartition";
    private static final String INPUT = "orders";
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final FakeDeleter deleter = new FakeDeleter();
    private final RepartitionPurger purger = new RepartitionPurger("app-0", Set.of(REPARTITION), INTERVAL,
            clock::get, deleter);

    /** Requests in the order sent; each completes when the test says so. */
    static final class FakeDeleter implements RepartitionPurger.RecordDeleter {
        final List<Map<TopicPartition, Long>> requests = new ArrayList<>();
        final List<CompletableFuture<Map<TopicPartition, Throwable>>> outcomes = new ArrayList<>();
        boolean closed;

        @Override
        public CompletionStage<Map<TopicPartition, Throwable>> deleteBefore(Map<TopicPartition, Long> before) {
            requests.add(Map.copyOf(before));
            CompletableFuture<Map<TopicPartition, Throwable>> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            return outcome;
        }

        @Override
        public void close() {
            closed = true;
        }

        void succeed(int request) {
            outcomes.get(request).complete(Map.of());
        }

        Map<TopicPartition, Long> last() {
            return requests.get(requests.size() - 1);
        }
    }

    private static TopicPartition rp(int p) {
        return new TopicPartition(REPARTITION, p);
    }

    /** A committed batch that read {@code ranges} (partition, first, last) of the repartition topic and of an input. */
    private static BatchProgress batch(long... ranges) {
        Map<TopicPartition, OffsetRange> offsets = new LinkedHashMap<>();
        for (int i = 0; i < ranges.length; i += 3) {
            offsets.put(rp((int) ranges[i]), new OffsetRange(ranges[i + 1], ranges[i + 2]));
            offsets.put(new TopicPartition(INPUT, (int) ranges[i]), new OffsetRange(ranges[i + 1], ranges[i + 2]));
        }
        return BatchProgress.builder().worker("app-0").offsets(offsets).duration(Duration.ofMillis(5))
                .committedAt(Instant.EPOCH).build();
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toMillis());
    }

    @Test
    void theFirstCommitIsPurgedAtOnceThenAtMostOncePerInterval() {
        purger.committed(batch(0, 0, 99));
        purger.maybePurge();
        assertThat(deleter.requests).containsExactly(Map.of(rp(0), 100L));
        deleter.succeed(0);

        // many commits and turns within the interval: no request, the highest offset per partition is kept
        for (int i = 1; i <= 50; i++) {
            advance(Duration.ofMillis(500));
            purger.committed(batch(0, 100L * i, 100L * i + 99, 1, 10L * i, 10L * i + 9));
            purger.maybePurge();
        }
        assertThat(deleter.requests).hasSize(1);
        assertThat(purger.pending()).isEqualTo(Map.of(rp(0), 5_100L, rp(1), 510L));

        advance(Duration.ofMillis(4_999));   // 29.999 s after the first request
        purger.maybePurge();
        assertThat(deleter.requests).hasSize(1);

        advance(Duration.ofMillis(1));
        purger.maybePurge();
        assertThat(deleter.requests).hasSize(2);
        assertThat(deleter.last()).isEqualTo(Map.of(rp(0), 5_100L, rp(1), 510L));
        assertThat(purger.pending()).isEmpty();
    }

    @Test
    void onlyRepartitionPartitionsAreDeletedAndNothingWithoutNewCommits() {
        purger.maybePurge();
        assertThat(deleter.requests).as("nothing committed yet").isEmpty();

        purger.committed(batch(2, 5, 7));
        purger.maybePurge();
        assertThat(deleter.requests).containsExactly(Map.of(rp(2), 8L));
        deleter.succeed(0);

        advance(INTERVAL.multipliedBy(3));
        purger.maybePurge();
        assertThat(deleter.requests).as("no new commit, nothing to delete").hasSize(1);
    }

    @Test
    void aCommittedOffsetNeverGoesBack() {
        purger.committed(batch(0, 100, 199));
        purger.committed(batch(0, 50, 99));   // an older progress (another order of reports): the bound stays
        assertThat(purger.pending()).isEqualTo(Map.of(rp(0), 200L));
    }

    @Test
    void noSecondRequestWhileOneIsUnanswered() {
        purger.committed(batch(0, 0, 9));
        purger.maybePurge();
        purger.committed(batch(0, 10, 19));
        advance(INTERVAL.multipliedBy(2));
        purger.maybePurge();
        assertThat(deleter.requests).as("the first is still in flight").hasSize(1);

        deleter.succeed(0);
        purger.maybePurge();
        assertThat(deleter.requests).hasSize(2);
        assertThat(deleter.last()).isEqualTo(Map.of(rp(0), 20L));
    }

    @Test
    void aFailedPartitionIsRetriedAtTheNextIntervalAndEachKindIsWarnedOnce() {
        purger.committed(batch(0, 0, 9, 1, 0, 19));
        purger.maybePurge();
        // partition 0 fails, partition 1 succeeds
        deleter.outcomes.get(0).complete(Map.of(rp(0), new TimeoutException("no answer")));
        assertThat(purger.pending()).isEqualTo(Map.of(rp(0), 10L));
        assertThat(purger.warnedKinds()).containsExactly(TimeoutException.class.getName());

        purger.committed(batch(0, 10, 14));   // a higher bound arrives meanwhile: it wins
        purger.maybePurge();
        assertThat(deleter.requests).as("not before the interval").hasSize(1);

        advance(INTERVAL);
        purger.maybePurge();
        assertThat(deleter.last()).isEqualTo(Map.of(rp(0), 15L));
        deleter.outcomes.get(1).complete(Map.of(rp(0), new TimeoutException("again")));   // same kind: DEBUG
        assertThat(purger.warnedKinds()).hasSize(1);

        advance(INTERVAL);
        purger.maybePurge();
        deleter.outcomes.get(2).completeExceptionally(new TopicAuthorizationException("no DELETE"));
        assertThat(purger.warnedKinds()).containsExactlyInAnyOrder(TimeoutException.class.getName(),
                TopicAuthorizationException.class.getName());
        assertThat(purger.pending()).isEqualTo(Map.of(rp(0), 15L));

        advance(INTERVAL);
        purger.maybePurge();
        deleter.succeed(3);
        assertThat(purger.pending()).isEmpty();
        assertThat(purger.requests()).isEqualTo(4);
    }

    @Test
    void aDeleterThatThrowsIsRetriedLikeAFailedRequest() {
        RepartitionPurger throwing = new RepartitionPurger("app-0", Set.of(REPARTITION), INTERVAL, clock::get,
                new RepartitionPurger.RecordDeleter() {
                    @Override
                    public CompletionStage<Map<TopicPartition, Throwable>> deleteBefore(Map<TopicPartition, Long> b) {
                        throw new IllegalStateException("the client factory returned no client");
                    }

                    @Override
                    public void close() {
                    }
                });
        throwing.committed(batch(0, 0, 9));
        throwing.maybePurge();
        assertThat(throwing.pending()).isEqualTo(Map.of(rp(0), 10L));
        assertThat(throwing.warnedKinds()).containsExactly(IllegalStateException.class.getName());
    }

    @Test
    void afterCloseNothingIsSentAndALateAnswerIsIgnored() {
        purger.committed(batch(0, 0, 9));
        purger.maybePurge();
        purger.close();
        assertThat(deleter.closed).isTrue();

        deleter.outcomes.get(0).complete(Map.of(rp(0), new TimeoutException("abandoned by close")));
        assertThat(purger.warnedKinds()).as("an abandoned request is not a failure to report").isEmpty();
        purger.committed(batch(0, 10, 19));
        advance(INTERVAL);
        purger.maybePurge();
        assertThat(deleter.requests).hasSize(1);
        assertThat(purger.pending()).isEmpty();
        purger.close();   // idempotent
    }

    @Test
    void aPipelineWithoutRepartitionTopicsNeverSendsAnything() {
        RepartitionPurger none = new RepartitionPurger("app-0", Set.of(), INTERVAL, clock::get, deleter);
        none.committed(batch(0, 0, 9));
        none.maybePurge();
        assertThat(deleter.requests).isEmpty();
    }
}
