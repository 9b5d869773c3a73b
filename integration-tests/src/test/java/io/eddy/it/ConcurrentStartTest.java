package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test of "several instances starting at once": instances of a new application
 * started at the same moment (a rolling deployment, a Kubernetes scale-up) raced to create its
 * internal topics, and most attempts failed one of them in {@code start()} with an internal
 * exception calling the store registry (or a changelog or repartition topic) a missing "input
 * topic": the loser's create was refused because the topic existed, and the broker did not yet
 * describe the topic the winner had just created.
 *
 * <p>Each round starts {@value #INSTANCES} instances of a new application id (a repartition, a
 * changelogged count and the store registry, all to be created) from threads released together by
 * a latch; every instance must start, the application must reach {@code RUNNING} everywhere, and
 * the counts must be exact. A second test starts two instances whose pipelines disagree on a store
 * at once: the store registry must refuse exactly one of them.
 */
class ConcurrentStartTest extends BrokerTest {
    private static final int ROUNDS = 10;
    private static final int INSTANCES = 3;
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 300;

    @TempDir
    Path tmp;

    @Test
    void instancesOfANewApplicationStartedAtOnceAllStartAndCountExactly() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            runRound(round);
        }
    }

    /**
     * Two instances of a new application whose pipelines disagree on a store (a count and a reduce
     * under the same name) started at once: both find the store registry empty and record their
     * store, and the registry's order must still let exactly one of them start, the other being
     * refused like any changed pipeline.
     */
    @Test
    void instancesWithDifferentStoresStartedAtOnceAreSettledByTheStoreRegistry() throws Exception {
        for (int round = 0; round < 3; round++) {
            String id = "cs-conflict-" + round;
            String input = id + "-in";
            kafka.createTopic(input, PARTITIONS);
            kafka.createTopic(id + "-out", PARTITIONS);
            EddyApp counting = EddyApp.builder(id)
                    .bootstrapServers(kafka.bootstrapServers())
                    .stateDir(tmp.resolve(id + "-count"))
                    .pipeline(p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                            .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                            .count(Named.as("agg"))
                            .toStream()
                            .toKafka(id + "-out", Produced.with(Serdes.string(), Serdes.longs())))
                    .build();
            EddyApp reducing = EddyApp.builder(id)
                    .bootstrapServers(kafka.bootstrapServers())
                    .stateDir(tmp.resolve(id + "-reduce"))
                    .pipeline(p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                            .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                            .reduce((a, b) -> b, Named.as("agg"))
                            .toStream()
                            .toKafka(id + "-out", Produced.with(Serdes.string(), Serdes.string())))
                    .build();
            List<EddyApp> apps = List.of(counting, reducing);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            try {
                startTogether(apps, failures, id);
                assertThat(failures).as("round %d: exactly one of the two disagreeing instances is refused", round)
                        .hasSize(1);
                assertThat(failures.get(0)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("no longer matches its state")
                        .hasMessageContaining("store 'agg' was a key-value store of");
            } finally {
                for (EddyApp app : apps) {
                    app.close(Duration.ofSeconds(30));
                }
            }
        }
    }

    private static void startTogether(List<EddyApp> apps, List<Throwable> failures, String id) throws Exception {
        CountDownLatch ready = new CountDownLatch(apps.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> starters = new ArrayList<>();
        for (EddyApp app : apps) {
            Thread t = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    app.start();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "start-" + id + "-" + starters.size());
            starters.add(t);
            t.start();
        }
        assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        for (Thread t : starters) {
            t.join(TimeUnit.SECONDS.toMillis(90));
        }
    }

    private void runRound(int round) throws Exception {
        String id = "cs-" + round;
        String input = id + "-in";
        String output = id + "-out";
        kafka.createTopic(input, PARTITIONS);
        kafka.createTopic(output, PARTITIONS);
        List<KeyValue> records = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            String item = "item-" + (i % 17);
            records.add(KeyValue.of("key-" + i, item));
            expected.merge(item, 1L, Long::sum);
        }
        io.produce(input, records);

        List<EddyApp> apps = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            apps.add(EddyApp.builder(id)
                    .bootstrapServers(kafka.bootstrapServers())
                    .stateDir(tmp.resolve(id + "-instance-" + i))
                    .pipeline(p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                            .groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-item"))
                            .count(Named.as("counts"))
                            .toStream()
                            .toKafka(output, Produced.with(Serdes.string(), Serdes.longs())))
                    .build());
        }
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try {
            startTogether(apps, failures, id);
            assertThat(failures).as("round %d: start() failures", round).isEmpty();
            Await.until(Duration.ofSeconds(60), () -> apps.stream().allMatch(a -> a.state() == AppState.RUNNING),
                    () -> "round " + round + ": states " + apps.stream().map(EddyApp::state).toList());
            Map<String, Long> last = new HashMap<>();
            Await.until(Duration.ofSeconds(60), () -> {
                last.clear();
                CommittedOutput.readCountUpdates(kafka.bootstrapServers(), output, Duration.ofSeconds(30))
                        .forEach((k, v) -> last.put(k, v.get(v.size() - 1)));
                return last.equals(expected);
            }, () -> "round " + round + ": counts " + last + ", expected " + expected);
            CommittedOutput.assertCountUpdates(expected,
                    CommittedOutput.readCountUpdates(kafka.bootstrapServers(), output, Duration.ofSeconds(30)),
                    "round " + round);
        } finally {
            for (EddyApp app : apps) {
                app.close(Duration.ofSeconds(30));
            }
        }
    }
}
