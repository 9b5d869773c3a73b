package io.eddy.it.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.TopicCheckException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KafkaProcess;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unavailable dependencies: a broker that cannot be reached when the application starts, and a
 * broker lost and brought back while the application processes a stream. The broker is a {@link
 * KafkaProcess} (a child JVM that can be stopped, killed, frozen and restarted on the same
 * address); the application runs in the test's JVM.
 *
 * <p>A schema registry that is down for a while is covered by {@code
 * io.eddy.it.registry.AvroPipelineEndToEndTest#aRegistryOutageDelaysRecordsButLosesNoneAndSkipsNone}
 * (records retried, never skipped or dead-lettered, {@code AppMetrics.retriedBatches()} growing,
 * everything exactly once when it returns) and {@code #aRetryDoesNotReplayRecordsCommittedEarlierInTheSamePoll};
 * broker restarts under a multi-instance fleet by {@code io.eddy.it.reliability.FaultInjectionTest}.
 */
class BrokerOutageTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private static KafkaProcess kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaProcess.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /**
     * Nothing listens at the bootstrap address: {@code start()} fails after the start timeout with
     * a message that names the topic it could not describe and says the broker may be unreachable;
     * the application is in {@code ERROR} with that failure, and a stateful application has released
     * its state directory (a second try fails the same way, not with "in use by another instance").
     */
    @Test
    @Timeout(60)
    void aBrokerUnreachableAtStartFailsClearlyAfterTheStartTimeout() throws IOException {
        String servers = "127.0.0.1:" + closedPort();

        EddyApp stateless = statelessApp("unreachable-stateless", servers, "unreachable-in");
        assertThatThrownBy(stateless::start)
                .isInstanceOfSatisfying(TopicCheckException.class, e -> assertThat(e.problem())
                        .isEqualTo(TopicCheckException.Problem.NO_ANSWER))
                .hasMessageContaining("unreachable-in")
                .hasMessageContaining("within " + START_TIMEOUT)
                .hasMessageContaining("is the broker reachable");
        assertThat(stateless.state()).isEqualTo(AppState.ERROR);
        assertThat(stateless.failure()).get().extracting(Throwable::getMessage).asString()
                .contains("is the broker reachable");
        assertThat(stateless.close(Duration.ofSeconds(10))).isTrue();

        Path stateDir = tmp.resolve("state");
        for (int attempt = 1; attempt <= 2; attempt++) {
            EddyApp stateful = countApp("unreachable-stateful", servers, "unreachable-in", "unreachable-out", stateDir);
            assertThatThrownBy(stateful::start).as("attempt %d", attempt)
                    .hasMessageContaining("within " + START_TIMEOUT)
                    .hasMessageContaining("is the broker reachable");
            assertThat(stateful.state()).isEqualTo(AppState.ERROR);
            stateful.close(Duration.ofSeconds(10));
        }
    }

    /**
     * The broker accepts connections but answers nothing (its JVM frozen with SIGSTOP, like a
     * broker in a long pause): {@code start()} still fails after the start timeout with the same
     * clear message instead of hanging.
     */
    @Test
    @Timeout(60)
    void aFrozenBrokerAtStartFailsClearlyAfterTheStartTimeout() {
        kafka.createTopic("frozen-in", 1);
        kafka.pause();
        try {
            EddyApp app = statelessApp("frozen", kafka.bootstrapServers(), "frozen-in");
            assertThatThrownBy(app::start)
                    .hasMessageContaining("frozen-in")
                    .hasMessageContaining("is the broker reachable");
            assertThat(app.state()).isEqualTo(AppState.ERROR);
            app.close(Duration.ofSeconds(10));
        } finally {
            kafka.resume();
        }
    }

    /**
     * The broker goes away while an exactly-once application is in the middle of a stream (a
     * graceful stop, then a restart on the same address and directory, which takes seconds), and
     * more input arrives once it is back. The application must not stop, and when the input is
     * done its outputs are exact:
     * the pass-through output holds every input record exactly once, and the count (through a
     * repartition topic, with a changelogged store) has strictly increasing updates per key ending
     * at the true counts.
     *
     * <p>The user function parks 1 ms every 10 records, so the stream takes seconds and the outage
     * falls inside it; the test waits for the committed offsets to pass 5,000 of the first 20,000
     * records before stopping the broker. A broker killed with SIGKILL and restarted under several
     * application instances is {@code io.eddy.it.reliability.FaultInjectionTest}'s business.
     */
    @Test
    void aBrokerLostMidRunAndBackLosesAndDuplicatesNothing() {
        String id = "outage";
        String in = id + "-in";
        String echo = id + "-echo";
        String counts = id + "-counts";
        int partitions = 3;
        kafka.createTopic(in, partitions);
        kafka.createTopic(echo, partitions);
        kafka.createTopic(counts, partitions);
        int first = 20_000;
        int total = 25_000;
        TopicIO.of(kafka).produce(in, input(0, first));

        AtomicLong seen = new AtomicLong();
        EddyApp app = EddyApp.builder(id)
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(tmp.resolve("outage-state"))
                .maxRecordsPerBatch(1_000)
                .pipeline(p -> {
                    RecordStream<String, String> orders = p.kafka(in, Consumed.with(Serdes.string(), Serdes.string()))
                            .mapValues(v -> {
                                if (seen.incrementAndGet() % 10 == 0) {
                                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));   // a slow user function
                                }
                                return v;
                            });
                    orders.toKafka(echo, Produced.with(Serdes.string(), Serdes.string()));
                    orders.groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-item"))
                            .count(Named.as("item-counts"))
                            .toStream()
                            .toKafka(counts, Produced.with(Serdes.string(), Serdes.longs()));
                })
                .build();
        boolean closed;
        long beforeOutage = -1;
        List<String> timeline = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            app.start();
            awaitCommitted(app, id, in, 5_000);
            beforeOutage = Topics.sum(Topics.committedOffsets(kafka.bootstrapServers(), id, in));
            timeline.add(beforeOutage + " committed " + (System.nanoTime() - t0) / 1_000_000);
            kafka.stop();
            kafka.restart();
            timeline.add("restarted " + (System.nanoTime() - t0) / 1_000_000);
            TopicIO.of(kafka).produce(in, input(first, total));
            awaitCommitted(app, id, in, total);
            timeline.add("input committed " + (System.nanoTime() - t0) / 1_000_000);
            // the count reads the repartition topic: wait until it has caught up too
            Map<String, Long> last = new HashMap<>();
            Await.until(DEADLINE, () -> {
                last.clear();
                last.putAll(CountUpdates.last(CountUpdates.of(TopicIO.of(kafka).readCommittedToEnd(counts, DEADLINE))));
                return last.equals(expectedCounts(total)) || app.state() == AppState.ERROR;
            }, () -> "counts never reached the true counts; last seen " + last.size() + " keys, state " + app.state()
                    + ", metrics " + app.metrics());
        } finally {
            closed = app.close(DEADLINE);
        }
        assertThat(app.failure()).isEmpty();
        assertThat(closed).isTrue();
        assertThat(beforeOutage).as("records committed when the broker stopped (the outage must fall inside "
                + "the stream)").isLessThan(first);
        timeline.add("counts complete, closed " + (System.nanoTime() - t0) / 1_000_000);
        String context = "metrics " + app.metrics() + ", timeline (ms) " + timeline;
        System.out.println("broker lost mid-run: " + context);

        Map<String, String> echoed = new TreeMap<>();
        for (TopicRecord r : Topics.readCommitted(kafka.bootstrapServers(), echo, DEADLINE)) {
            String previous = echoed.put(r.keyString(), r.valueString());
            assertThat(previous).as("%s written twice to %s; %s", r.keyString(), echo, context).isNull();
        }
        Map<String, String> expectedEcho = new TreeMap<>();
        for (int i = 0; i < total; i++) {
            expectedEcho.put(key(i), item(i));
        }
        assertThat(echoed).as("pass-through output; %s", context).isEqualTo(expectedEcho);

        CountUpdates.assertExact(expectedCounts(total),
                CountUpdates.of(Topics.readCommitted(kafka.bootstrapServers(), counts, DEADLINE)), context);
    }

    private static void awaitCommitted(EddyApp app, String group, String topic, long records) {
        Await.until(DEADLINE, () -> app.state() == AppState.ERROR
                        || Topics.sum(Topics.committedOffsets(kafka.bootstrapServers(), group, topic)) >= records,
                () -> "committed " + Topics.committedOffsets(kafka.bootstrapServers(), group, topic) + " of " + records
                        + "; state " + app.state() + ", metrics " + app.metrics() + ", failure " + app.failure());
        assertThat(app.failure()).isEmpty();
    }

    private static Map<String, Long> expectedCounts(int records) {
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < records; i++) {
            counts.merge(item(i), 1L, Long::sum);
        }
        return counts;
    }

    private static List<KeyValue> input(int from, int to) {
        List<KeyValue> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(KeyValue.of(key(i), item(i)));
        }
        return records;
    }

    private static String key(int i) {
        return "order-" + i;
    }

    private static String item(int i) {
        return "item-" + (i * 7919 % 300);
    }

    private static EddyApp statelessApp(String id, String servers, String in) {
        return EddyApp.builder(id)
                .bootstrapServers(servers)
                .startTimeout(START_TIMEOUT)
                .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), Serdes.string()))
                        .toKafka(id + "-out", Produced.with(Serdes.string(), Serdes.string())))
                .build();
    }

    private static EddyApp countApp(String id, String servers, String in, String out, Path stateDir) {
        return EddyApp.builder(id)
                .bootstrapServers(servers)
                .startTimeout(START_TIMEOUT)
                .stateDir(stateDir)
                .pipeline(p -> p.kafka(in, Consumed.with(Serdes.string(), Serdes.string()))
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .count(Named.as("counts"))
                        .toStream()
                        .toKafka(out, Produced.with(Serdes.string(), Serdes.longs())))
                .build();
    }

    /** A port nothing listens on (bound once, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
