package io.eddy.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.BatchProgress;
import io.eddy.ErrorHandler;
import io.eddy.OffsetRange;
import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.internal.plan.PipelineBuilder;
import io.eddy.internal.plan.Plan;
import io.eddy.kafka.internal.AssignmentListener;
import io.eddy.kafka.internal.KafkaCommitPort;
import io.eddy.kafka.internal.KafkaInput;
import io.eddy.kafka.internal.RecordSink;
import io.eddy.kafka.internal.StartPosition;
import io.eddy.kafka.internal.TaskCheckpoint;
import io.eddy.serde.Serdes;
import io.eddy.state.internal.StateEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The commit protocol of {@link BatchLoop} over {@link KafkaInput} and {@link KafkaCommitPort},
 * on Kafka's own mock clients: what is sent, committed, aborted, rewound and paused, per outcome.
 * (The one place the project allows mocks: the clients are the protocol's other side.)
 */
class CommitProtocolTest {
    private static final TopicPartition TP0 = new TopicPartition("in", 0);
    private static final TopicPartition TP1 = new TopicPartition("in", 1);
    private static final long INTERVAL = 1_000;
    private static final long IDLE_TIMEOUT_MS = 10_000;

    /** Stateless: {@code in} upper-cased to {@code out}. */
    private static final Plan UPPER_CASE = PipelineBuilder.define("protocol", p -> p
            .kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
            .mapValues(v -> v.toUpperCase(Locale.ROOT))
            .toKafka("out", Produced.with(Serdes.string(), Serdes.string())));

    /** Stateful, with event-time timers: records counted per key in tumbling windows of 10 s, emitted when closed. */
    private static final Plan WINDOWED_COUNT = PipelineBuilder.define("protocol", p -> p
            .kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
            .withEventTime(Duration.ZERO)
            .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
            .window(TumblingWindows.of(Duration.ofSeconds(10)))
            .count()
            .emit(OutputMode.FINAL)
            .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())));

    // ---- 1. exactly-once, the happy path

    @Test
    void outputAndOffsetsWithTheirCheckpointsCommitInOneTransaction() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a", "b");
        rig.append(TP1, "c");
        rig.runOnce();
        assertThat(rig.producer.transactionInFlight()).isTrue();
        assertThat(rig.producer.uncommittedRecords()).hasSize(3);
        assertThat(rig.producer.history()).isEmpty();

        rig.commitDue();
        assertThat(rig.producer.commitCount()).isEqualTo(1);
        assertThat(rig.producer.transactionCommitted()).isTrue();
        assertThat(rig.output()).containsExactlyInAnyOrder("A", "B", "C");
        assertThat(rig.offsetCommits()).containsExactly(Map.of(
                TP0, offset(2, "eddy:batch=0"),
                TP1, offset(1, "eddy:batch=0")));
        assertThat(rig.progress).singleElement().satisfies(p -> {
            assertThat(p.offsets()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    TP0, new OffsetRange(0, 1), TP1, new OffsetRange(0, 0)));
            assertThat(p.records()).isEqualTo(3);
        });

        rig.append(TP0, "d");
        rig.runOnce();
        rig.commitDue();
        assertThat(rig.producer.commitCount()).isEqualTo(2);
        assertThat(rig.offsetCommits()).last().isEqualTo(Map.of(TP0, offset(3, "eddy:batch=1")));
        assertThat(rig.output()).containsExactlyInAnyOrder("A", "B", "C", "D");
    }

    // ---- 2. refused by a rebalance

    @Test
    void aRefusedCommitAbortsRewindsAndWaitsForTheRejoinWithoutRetrying() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a", "b", "c");
        rig.runOnce();
        rig.producer.commitTransactionException = new CommitFailedException();
        rig.commitDue();

        assertThat(rig.events).containsSubsequence("refused", "aborted");
        assertThat(rig.producer.transactionAborted()).isTrue();
        rig.assertNothingCommitted();
        assertThat(rig.consumer.position(TP0)).isZero();                    // rewound to the batch's start
        assertThat(rig.consumer.paused()).containsExactlyInAnyOrder(TP0, TP1);

        // within the backoff and without a rejoin: no new batch, no new commit attempt
        for (int i = 0; i < 5; i++) {
            rig.elapse(BatchLoop.BACKOFF_MIN_MS / 10);
            rig.runOnce();
        }
        assertThat(rig.count("refused")).isEqualTo(1);
        assertThat(rig.loop.batchOpen()).isFalse();
        assertThat(rig.producer.transactionInFlight()).isFalse();

        // the member rejoins with the same partitions: the batch runs again, from the same records
        rig.producer.commitTransactionException = null;
        rig.rebalanceOnNextPoll(TP0, TP1);
        rig.runOnce();
        assertThat(rig.consumer.paused()).isEmpty();
        assertThat(rig.loop.batchOpen()).isTrue();
        rig.commitDue();
        assertThat(rig.offsetCommits()).containsExactly(Map.of(TP0, offset(3, "eddy:batch=0")));
        assertThat(rig.output()).containsExactly("A", "B", "C");
    }

    @Test
    void offsetsRefusedInSendOffsetsToTransactionRunAgainWhenTheBackoffEnds() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a");
        rig.runOnce();
        rig.producer.sendOffsetsToTransactionException = new RebalanceInProgressException("rebalancing");
        rig.commitDue();
        assertThat(rig.events).containsSubsequence("refused", "aborted");
        assertThat(rig.consumer.paused()).containsExactlyInAnyOrder(TP0, TP1);

        rig.producer.sendOffsetsToTransactionException = null;
        rig.elapse(BatchLoop.BACKOFF_MIN_MS);
        rig.runOnce();                                                      // no rejoin came: resume after the backoff
        assertThat(rig.consumer.paused()).isEmpty();
        rig.runOnce();
        rig.commitDue();
        assertThat(rig.offsetCommits()).containsExactly(Map.of(TP0, offset(1, "eddy:batch=0")));
        assertThat(rig.output()).containsExactly("A");
    }

    @Test
    void aLongTriggerIntervalDoesNotStretchTheBackoffAfterARefusedCommit() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a");
        rig.runOnce();
        rig.producer.commitTransactionException = new CommitFailedException();
        rig.commitDue();
        rig.runOnce();   // paused, no batch open: the poll waits for the backoff, not for the trigger's interval
        assertThat(rig.consumer.lastPollTimeout()).isLessThanOrEqualTo(Duration.ofMillis(BatchLoop.BACKOFF_MIN_MS));
        assertThat(Duration.ofMillis(INTERVAL)).isGreaterThan(Duration.ofMillis(BatchLoop.BACKOFF_MIN_MS));
    }

    @Test
    void afterMaxRefusedCommitsInARowTheMemberRejoins() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a");
        rig.producer.commitTransactionException = new CommitFailedException();
        rig.runOnce();
        for (int refusals = 1; refusals <= BatchLoop.MAX_REFUSED_COMMITS; refusals++) {
            assertThat(rig.loop.batchOpen()).isTrue();
            rig.commitDue();
            assertThat(rig.count("refused")).isEqualTo(refusals);
            if (refusals < BatchLoop.MAX_REFUSED_COMMITS) {
                assertThat(rig.loop.rejoinNeeded()).isFalse();
                rig.elapse(BatchLoop.BACKOFF_MAX_MS);
                rig.runOnce();                                              // the backoff ends: input resumes
                rig.runOnce();                                              // the batch runs again
            }
        }
        assertThat(rig.loop.rejoinNeeded()).isTrue();
        rig.assertNothingCommitted();
    }

    @Test
    void timerBatchesAfterARefusedCommitWaitForTheRejoinToo() {
        // regression: with a batch's input paused for the rejoin, a task whose timers were due ran a
        // batch without records at every turn of the loop, each refused, so that waiting for a
        // rejoin spun through MAX_REFUSED_COMMITS and replaced the clients
        Rig rig = new Rig(WINDOWED_COUNT, true, true, 100, null, null);
        rig.append(TP0, "a");
        rig.runOnce();
        rig.commitDue();                                                    // the window [t, t + 10 s) holds "a"
        assertThat(rig.producer.commitCount()).isEqualTo(1);
        int sent = rig.producer.history().size();

        rig.elapse(IDLE_TIMEOUT_MS + 10_000);                               // quiet input: the watermark follows the clock
        rig.producer.commitTransactionException = new CommitFailedException();
        rig.runOnce();                                                      // a batch without records closes the window
        assertThat(rig.count("refused")).isEqualTo(1);
        assertThat(rig.consumer.paused()).containsExactlyInAnyOrder(TP0, TP1);

        for (int i = 0; i < 5; i++) {
            rig.elapse(BatchLoop.BACKOFF_MIN_MS / 10);
            rig.runOnce();
        }
        assertThat(rig.count("refused")).isEqualTo(1);
        assertThat(rig.producer.transactionInFlight()).isFalse();

        rig.producer.commitTransactionException = null;
        rig.rebalanceOnNextPoll(TP0, TP1);
        rig.runOnce();                                                      // rejoined: caught up again, but
        assertThat(rig.producer.commitCount()).isEqualTo(1);               // not idle while it was rebalancing
        rig.elapse(IDLE_TIMEOUT_MS);
        rig.runOnce();                                                      // no lag for the idle timeout: the timers fire
        assertThat(rig.producer.commitCount()).isEqualTo(2);
        assertThat(rig.producer.history().subList(sent, rig.producer.history().size()))
                .extracting(ProducerRecord::topic).contains("out");
        // the quiet partition's watermark is its last event time plus the time since: the clock's now
        assertThat(rig.offsetCommits()).last().isEqualTo(Map.of(TP0, offset(1, "eddy:batch=1;wm=" + rig.clock.get() + ";pt=1000000")));
        rig.closeTasks();
    }

    // ---- 3. fenced

    @Test
    void aFencedProducerAbortsTheBatchAndAsksForNewClients() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a", "b");
        rig.runOnce();
        rig.producer.commitTransactionException = new ProducerFencedException("another producer took over");
        rig.commitDue();

        assertThat(rig.events).contains("aborted").doesNotContain("refused");
        assertThat(rig.producer.transactionAborted()).isTrue();
        assertThat(rig.loop.rejoinNeeded()).isTrue();
        rig.assertNothingCommitted();
    }

    @Test
    void aFencedStaticMemberStopsNamingItsInstanceId() {
        Rig rig = new Rig(true, true, 100, null, "instance-7");
        rig.append(TP0, "a");
        rig.runOnce();
        rig.producer.fenceProducer();
        rig.elapse(INTERVAL);

        assertThatThrownBy(rig::runOnce).isInstanceOf(ProcessingFailedException.class)
                .hasMessageContaining("instance-7");
        assertThat(rig.events).contains("aborted");
        assertThat(rig.loop.batchOpen()).isFalse();
        rig.assertNothingCommitted();
    }

    // ---- 4. commit timeout

    @Test
    void aCommitTimeoutAbortsAndAsksForNewClients() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a");
        rig.runOnce();
        rig.producer.commitTransactionException = new TimeoutException("commit timed out");
        rig.commitDue();

        assertThat(rig.events).contains("aborted");
        assertThat(rig.producer.transactionAborted()).isTrue();
        assertThat(rig.loop.rejoinNeeded()).isTrue();
        rig.assertNothingCommitted();
    }

    // ---- 5. revoked during an open batch

    @Test
    void revokedPartitionsCommitTheOpenBatchBeforeTheyGo() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a", "b");
        rig.append(TP1, "c");
        rig.runOnce();
        assertThat(rig.loop.batchOpen()).isTrue();

        rig.rebalanceOnNextPoll(TP0);                                       // in-1 moves to another member
        rig.runOnce();                                                      // the batch is not due yet
        assertThat(rig.events).containsSubsequence("revoked [in-1]", "committed", "assigned []");
        assertThat(rig.offsetCommits()).containsExactly(Map.of(
                TP0, offset(2, "eddy:batch=0"),
                TP1, offset(1, "eddy:batch=0")));
        assertThat(rig.output()).containsExactlyInAnyOrder("A", "B", "C");
        assertThat(rig.loop.tasks()).containsOnlyKeys(0);
        assertThat(rig.removedTasks).containsExactly(1);
        assertThat(rig.loop.batchOpen()).isFalse();
    }

    // ---- 6. lost partitions

    @Test
    void lostPartitionsAbortTheOpenBatchWithoutCommitting() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a");
        rig.append(TP1, "b");
        rig.runOnce();
        rig.loseOnNextPoll(TP0, TP1);                                       // MockConsumer never calls onPartitionsLost
        rig.runOnce();

        assertThat(rig.events).containsSubsequence("lost [in-0, in-1]", "aborted");
        assertThat(rig.producer.transactionAborted()).isTrue();
        assertThat(rig.loop.rejoinNeeded()).isTrue();
        assertThat(rig.loop.tasks()).isEmpty();
        rig.assertNothingCommitted();
    }

    // ---- 7. exactly which offsets commit after an abort

    @Test
    void aRetriedBatchCommitsOnlyThePartitionsStillOwned() {
        Rig rig = Rig.exactlyOnce();
        rig.append(TP0, "a", "b");
        rig.runOnce();
        rig.append(TP1, "c");
        rig.runOnce();                                                      // the batch: in-0 [0..1], in-1 [0..0]
        rig.producer.commitTransactionException = new CommitFailedException();
        rig.commitDue();
        assertThat(rig.count("refused")).isEqualTo(1);

        rig.producer.commitTransactionException = null;
        rig.rebalanceOnNextPoll(TP0);                                       // the rejoin gives in-1 to another member
        rig.runOnce();
        rig.commitDue();
        assertThat(rig.offsetCommits()).containsExactly(Map.of(TP0, offset(2, "eddy:batch=0")));
        assertThat(rig.output()).containsExactly("A", "B");
        assertThat(rig.loop.tasks()).containsOnlyKeys(0);
    }

    @Test
    void aCommitRefusedInTheMiddleOfAPollKeepsTheBatchBeforeItAndRewindsTheRest() {
        Rig rig = new Rig(true, true, 2, null, null);                       // a batch ends at 2 records
        rig.append(TP0, "a", "b", "c", "d", "e");
        rig.afterCommit = () -> rig.producer.commitTransactionException = new CommitFailedException();
        rig.runOnce();                                                      // [0..1] commits, [2..3] is refused

        assertThat(rig.offsetCommits()).containsExactly(Map.of(TP0, offset(2, "eddy:batch=0")));
        assertThat(rig.output()).containsExactly("A", "B");
        assertThat(rig.count("refused")).isEqualTo(1);
        assertThat(rig.consumer.position(TP0)).isEqualTo(2);                // "e" was polled but is read again too

        rig.afterCommit = () -> { };
        rig.producer.commitTransactionException = null;
        rig.rebalanceOnNextPoll(TP0, TP1);
        rig.runOnce();
        rig.commitDue();
        assertThat(rig.offsetCommits()).containsExactly(
                Map.of(TP0, offset(2, "eddy:batch=0")),
                Map.of(TP0, offset(4, "eddy:batch=1")),
                Map.of(TP0, offset(5, "eddy:batch=2")));
        assertThat(rig.output()).containsExactly("A", "B", "C", "D", "E");
    }

    @Test
    void aRefusalInTheMiddleOfAPollRewindsThePartitionsTheBatchNeverReached() {
        // both partitions come in one poll; the batch is full after the first, whose commit is refused:
        // the second partition's records were polled but never processed, and must be read again
        Rig rig = new Rig(true, true, 2, null, null);
        rig.append(TP0, "a", "b");
        rig.append(TP1, "c", "d");
        rig.producer.commitTransactionException = new CommitFailedException();
        rig.runOnce();
        assertThat(rig.count("refused")).isEqualTo(1);
        assertThat(rig.consumer.position(TP0)).isZero();
        assertThat(rig.consumer.position(TP1)).isZero();

        rig.producer.commitTransactionException = null;
        rig.rebalanceOnNextPoll(TP0, TP1);
        rig.runOnce();
        assertThat(rig.offsetCommits()).containsExactlyInAnyOrder(
                Map.of(TP0, offset(2, "eddy:batch=0")),
                Map.of(TP1, offset(2, "eddy:batch=0")));
        assertThat(rig.output()).containsExactlyInAnyOrder("A", "B", "C", "D");
    }

    // ---- 8. availableNow

    @Test
    void availableNowStopsAtTheTargetsCommitsThemAndReportsTheDrainOnce() {
        Rig rig = new Rig(true, true, 100, Map.of(TP0, 3L, TP1, 2L), null);
        rig.append(TP0, "a", "b", "c", "d", "e");                          // d and e came after the backlog
        rig.append(TP1, "f", "g");
        rig.runOnce();                                                      // all targets reached: commits at once

        assertThat(rig.output()).containsExactlyInAnyOrder("A", "B", "C", "F", "G");
        assertThat(rig.offsetCommits()).containsExactly(Map.of(
                TP0, offset(3, "eddy:batch=0"),
                TP1, offset(2, "eddy:batch=0")));
        assertThat(rig.consumer.paused()).containsExactlyInAnyOrder(TP0, TP1);
        assertThat(rig.events).containsOnlyOnce("drained [in-0, in-1]");

        rig.elapse(INTERVAL);
        rig.runOnce();
        rig.runOnce();
        assertThat(rig.count("drained")).isEqualTo(1);
        assertThat(rig.producer.commitCount()).isEqualTo(1);
    }

    // ---- 9. at-least-once

    @Test
    void atLeastOnceFlushesThenCommitsTheOffsetsWithTheConsumer() {
        Rig rig = new Rig(false, true, 100, null, null);
        rig.append(TP0, "a", "b", "c");
        rig.runOnce();
        assertThat(rig.consumer.committed(Set.of(TP0))).isEmpty();
        rig.commitDue();

        assertThat(rig.producer.flushed()).isTrue();
        assertThat(rig.output()).containsExactly("A", "B", "C");
        assertThat(rig.consumer.committed(Set.of(TP0, TP1))).containsExactlyEntriesOf(
                Map.of(TP0, offset(3, "eddy:batch=0")));
        assertThat(rig.producer.transactionInitialized()).isFalse();
    }

    @Test
    void atLeastOnceNeverCommitsTheOffsetsOfABatchWhoseOutputFailed() {
        Rig rig = new Rig(false, false, 100, null, null);                  // sends complete when the test says
        rig.append(TP0, "a", "b", "c");
        rig.runOnce();
        rig.producer.errorNext(new KafkaException("broker unreachable"));
        rig.elapse(INTERVAL);

        assertThatThrownBy(rig::runOnce).isInstanceOf(ProcessingFailedException.class)
                .hasMessageContaining("broker unreachable");
        assertThat(rig.consumer.committed(Set.of(TP0, TP1))).isEmpty();
        assertThat(rig.progress).isEmpty();
        rig.loop.abortBatch(new IllegalStateException("stopping"));         // what the worker does next
        assertThat(rig.consumer.position(TP0)).isZero();
    }

    // ---- the wiring

    private static OffsetAndMetadata offset(long offset, String metadata) {
        return new OffsetAndMetadata(offset, metadata);
    }

    /**
     * A worker without threads: a {@link MockConsumer} in a group of one, subscribed to {@code in}
     * (partitions 0 and 1, assigned on the first poll), a {@link MockProducer}, and a
     * {@link BatchLoop} over them with a plan ({@link #UPPER_CASE} unless told; stores in memory) and
     * a manual clock. The rig keeps each partition's log and, inside every poll (where the consumer
     * runs rebalance callbacks), first runs the scheduled group events, then hands the consumer the
     * records from each unpaused partition's position on, as a broker would.
     */
    private static final class Rig implements AssignmentListener, BatchLoop.Listener, TaskHost {
        final AtomicLong clock = new AtomicLong(1_000_000);
        final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        final MockProducer<byte[], byte[]> producer;
        final KafkaInput input;
        final BatchLoop loop;
        final List<String> events = new ArrayList<>();
        final List<BatchProgress> progress = new ArrayList<>();
        final List<Integer> removedTasks = new ArrayList<>();
        Runnable afterCommit = () -> { };

        private final Plan plan;
        private final StateEnvironment stateEnvironment;
        private final Map<TopicPartition, List<String>> log = new HashMap<>();
        private final List<Runnable> groupEvents = new ArrayList<>();

        static Rig exactlyOnce() {
            return new Rig(true, true, 100, null, null);
        }

        Rig(boolean exactlyOnce, boolean autoComplete, int maxRecords, Map<TopicPartition, Long> targets,
            String staticInstanceId) {
            this(UPPER_CASE, exactlyOnce, autoComplete, maxRecords, targets, staticInstanceId);
        }

        Rig(Plan plan, boolean exactlyOnce, boolean autoComplete, int maxRecords, Map<TopicPartition, Long> targets,
            String staticInstanceId) {
            this.plan = plan;
            this.stateEnvironment = plan.stateful() ? StateEnvironment.inMemory() : null;
            producer = new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
            if (exactlyOnce) {
                producer.initTransactions();
            }
            loop = new BatchLoop(new BatchLoop.Settings("worker", INTERVAL, maxRecords, Long.MAX_VALUE, targets,
                    staticInstanceId, clock::get), plan.stateful(), this, this);
            input = new KafkaInput(consumer, this, topic -> StartPosition.EARLIEST);
            loop.attach(input, new KafkaCommitPort(producer, consumer, exactlyOnce, Duration.ofSeconds(5)));
            consumer.updateBeginningOffsets(Map.of(TP0, 0L, TP1, 0L));
            input.subscribe(List.of("in"));
            rebalanceOnNextPoll(TP0, TP1);
        }

        void append(TopicPartition tp, String... values) {
            log.computeIfAbsent(tp, k -> new ArrayList<>()).addAll(List.of(values));
        }

        /** The group assigns this member {@code partitions} in its next poll. */
        void rebalanceOnNextPoll(TopicPartition... partitions) {
            groupEvents.add(() -> consumer.rebalance(List.of(partitions)));
        }

        /** The member loses {@code partitions} in its next poll (session expired). */
        void loseOnNextPoll(TopicPartition... partitions) {
            groupEvents.add(() -> input.onPartitionsLost(List.of(partitions)));
        }

        void runOnce() {
            consumer.schedulePollTask(this::insidePoll);
            loop.runOnce();
        }

        void elapse(long ms) {
            clock.addAndGet(ms);
        }

        /** Lets the trigger's interval pass and runs the loop once: the open batch commits. */
        void commitDue() {
            elapse(INTERVAL);
            runOnce();
        }

        private void insidePoll() {
            List<Runnable> due = List.copyOf(groupEvents);
            groupEvents.clear();
            due.forEach(Runnable::run);
            for (TopicPartition tp : consumer.assignment()) {
                List<String> values = log.getOrDefault(tp, List.of());
                if (consumer.paused().contains(tp)) {
                    continue;
                }
                for (long offset = consumer.position(tp); offset < values.size(); offset++) {
                    byte[] key = ("k" + offset).getBytes(StandardCharsets.UTF_8);
                    byte[] value = values.get((int) offset).getBytes(StandardCharsets.UTF_8);
                    consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, clock.get(),
                            TimestampType.CREATE_TIME, key.length, value.length, key, value, new RecordHeaders(),
                            Optional.empty()));
                }
            }
        }

        /** The values committed to {@code out}. */
        List<String> output() {
            return producer.history().stream().map(ProducerRecord::value)
                    .map(v -> new String(v, StandardCharsets.UTF_8)).toList();
        }

        /** The offsets committed through the producer, one map per committed transaction. */
        List<Map<TopicPartition, OffsetAndMetadata>> offsetCommits() {
            return producer.consumerGroupOffsetsHistory().stream()
                    .map(byGroup -> byGroup.get(consumer.groupMetadata().groupId())).toList();
        }

        void assertNothingCommitted() {
            assertThat(producer.commitCount()).isZero();
            assertThat(producer.consumerGroupOffsetsHistory()).isEmpty();
            assertThat(producer.history()).isEmpty();
            assertThat(consumer.committed(Set.of(TP0, TP1))).isEmpty();
            assertThat(progress).isEmpty();
        }

        long count(String event) {
            return events.stream().filter(e -> e.startsWith(event)).count();
        }

        // the consumer's assignment events go to the loop, as the worker forwards them

        @Override
        public void assigned(Map<TopicPartition, Optional<TaskCheckpoint>> added) {
            events.add("assigned " + sorted(added.keySet()));
            loop.assigned(added);
        }

        @Override
        public void revoked(Collection<TopicPartition> partitions) {
            events.add("revoked " + sorted(partitions));
            loop.revoked(partitions);
        }

        @Override
        public void lost(Collection<TopicPartition> partitions) {
            events.add("lost " + sorted(partitions));
            loop.lost(partitions);
        }

        private static List<String> sorted(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::toString).sorted().toList();
        }

        // what the loop reports

        @Override
        public void committed(BatchProgress p, Map<String, Long> lateByOperator) {
            events.add("committed");
            progress.add(p);
            afterCommit.run();
        }

        @Override
        public void aborted() {
            events.add("aborted");
        }

        @Override
        public void retried() {
            events.add("retried");
        }

        @Override
        public void commitRefused() {
            events.add("refused");
        }

        @Override
        public void drained(Collection<TopicPartition> partitions) {
            events.add("drained " + sorted(partitions));
        }

        @Override
        public boolean applicationFailed() {
            return false;
        }

        // tasks with in-memory stores, if any: nothing to restore

        @Override
        public Task create(int id, RecordSink sink) {
            TaskState state = plan.stateful() ? new TaskState(id, plan, stateEnvironment, null, 0) : null;
            return new Task(id, plan, sink, ErrorHandler.fail(), System.out, state, null, IDLE_TIMEOUT_MS, clock::get);
        }

        @Override
        public void remove(Task task) {
            removedTasks.add(task.id());
            task.close();
        }

        @Override
        public void close() {
        }

        /** Closes the tasks and their stores. */
        void closeTasks() {
            loop.dropTasks();
            if (stateEnvironment != null) {
                stateEnvironment.close();
            }
        }
    }
}
