package io.eddy.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.EddyApp;
import io.eddy.KeyLocation;
import io.eddy.QueryableStores;
import io.eddy.StoreUnavailableException;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.state.ReadOnlyKeyValueStore;
import io.eddy.state.ReadOnlyWindowStore;
import io.eddy.state.Windowed;
import io.eddy.state.StoreIterator;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.kafka.TopicIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interactive queries with two instances of one application in this JVM, each with its own state
 * directory, monitoring server and advertised endpoint: every key is answered with its committed
 * count by either instance (locally or forwarded once to the owner), the two instances agree on
 * who owns which key, and when one instance leaves, the survivor's answers for the moved keys fail
 * with a retriable {@link StoreUnavailableException} (never a wrong count) until they recover.
 */
class InteractiveQueriesBrokerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final int KEYS = 60;
    private static final int RECORDS = 1_200;
    private static EmbeddedKafka kafka;
    private static TopicIO io;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        io = TopicIO.of(kafka);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private record Instance(EddyApp app, MonitoringServer server, URI base) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            app.close(Duration.ofSeconds(30));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Instance start(String name) throws IOException {
        int port = freePort();
        EddyApp app = EddyApp.builder("iq").bootstrapServers(kafka.bootstrapServers())
                .stateDir(temp.resolve(name)).trigger(Trigger.every(Duration.ofMillis(100)))
                .applicationServer("127.0.0.1:" + port)
                .pipeline(p -> p.kafka("iq-in", Consumed.with(Serdes.string(), Serdes.string()))
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string())).count(Named.as("counts"))
                        .toStream().toKafka("iq-out", Produced.with(Serdes.string(), Serdes.longs())))
                .build();
        MonitoringServer server = MonitoringServer.builder(app).port(port).build().start();
        app.start();
        return new Instance(app, server, server.url());
    }

    private HttpResponse<String> get(URI base, String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether every key answers its expected count over HTTP at {@code base}; {@code problems} gets the others. */
    private boolean allKeysAnswer(URI base, Map<String, Long> expected, List<String> problems) {
        problems.clear();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            HttpResponse<String> r = get(base, "stores/counts/keys/" + e.getKey());
            if (r.statusCode() != 200 || json(r).get("value").asLong() != e.getValue()) {
                problems.add(e.getKey() + " -> " + r.statusCode() + " " + r.body());
            }
        }
        return problems.isEmpty();
    }

    @Test
    void everyKeyIsAnsweredByEitherInstanceAndRebalancesFailRetriably() throws Exception {
        kafka.createTopic("iq-in", 4, Map.of());
        kafka.createTopic("iq-out", 4, Map.of());
        Map<String, Long> expected = new HashMap<>();
        List<KeyValue> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String key = "key-" + (i * 31 % KEYS);
            records.add(KeyValue.of(key, "v" + i));
            expected.merge(key, 1L, Long::sum);
        }
        io.produce("iq-in", records);

        try (Instance a = start("a"); Instance b = start("b")) {
            List<String> problems = new ArrayList<>();
            // both instances answer every key: their own from their stores, the others' forwarded
            Await.until(DEADLINE, () -> allKeysAnswer(a.base(), expected, problems),
                    () -> "through a: " + problems.size() + " keys unanswered, e.g. " + problems.subList(0, Math.min(3, problems.size())));
            Await.until(DEADLINE, () -> allKeysAnswer(b.base(), expected, problems),
                    () -> "through b: " + problems.size() + " keys unanswered, e.g. " + problems.subList(0, Math.min(3, problems.size())));

            // each key has exactly one local owner, named by both instances' metadata
            Set<Integer> tasksOfA = new TreeSet<>();
            Set<Integer> tasksOfB = new TreeSet<>();
            for (String key : expected.keySet()) {
                KeyLocation fromA = a.app().metadataForKey("counts", key);
                KeyLocation fromB = b.app().metadataForKey("counts", key, Serdes.string());
                assertThat(fromA.isLocal()).as("key %s local in exactly one instance", key).isNotEqualTo(fromB.isLocal());
                assertThat(fromA.endpoint()).isEqualTo(fromB.endpoint());
                assertThat(fromA.endpoint().orElseThrow()).isEqualTo(fromA.isLocal()
                        ? a.app().applicationServer().orElseThrow() : b.app().applicationServer().orElseThrow());
                (fromA.isLocal() ? tasksOfA : tasksOfB).add(fromA.task());
            }
            assertThat(tasksOfA).as("both instances own tasks").isNotEmpty();
            assertThat(tasksOfB).isNotEmpty();

            // the Java API: local keys answer, the others are refused as not hosted here (retriable elsewhere)
            ReadOnlyKeyValueStore<String, Long> storeA = a.app().store("counts", QueryableStores.keyValue());
            long localEntries = 0;
            for (String key : expected.keySet()) {
                if (a.app().metadataForKey("counts", key).isLocal()) {
                    assertThat(storeA.get(key)).isEqualTo(expected.get(key));
                    localEntries++;
                } else {
                    try {
                        storeA.get(key);
                        throw new AssertionError("a answered a key it does not own: " + key);
                    } catch (StoreUnavailableException e) {
                        assertThat(e.reason()).isEqualTo(StoreUnavailableException.Reason.NOT_HOSTED_HERE);
                        assertThat(e.isRetriable()).isTrue();
                    }
                }
            }
            try (StoreIterator<Map.Entry<String, Long>> all = storeA.all()) {
                long n = 0;
                while (all.hasNext()) {
                    Map.Entry<String, Long> e = all.next();
                    assertThat(e.getValue()).isEqualTo(expected.get(e.getKey()));
                    n++;
                }
                assertThat(n).isEqualTo(localEntries);
            }

            // b leaves: until a has taken over and restored b's tasks, a's answers for them fail
            // retriably; an answer, whenever there is one, is the committed count
            b.close();
            int failures = 0;
            Map<StoreUnavailableException.Reason, Integer> reasons = new java.util.TreeMap<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            boolean allAnswered = false;
            while (!allAnswered && System.nanoTime() < deadline) {
                allAnswered = true;
                for (Map.Entry<String, Long> e : expected.entrySet()) {
                    try {
                        Long value = storeA.get(e.getKey());
                        assertThat(value).as("answer for %s during the takeover", e.getKey()).isEqualTo(e.getValue());
                    } catch (StoreUnavailableException ex) {
                        assertThat(ex.isRetriable()).as("%s", ex.getMessage()).isTrue();
                        failures++;
                        reasons.merge(ex.reason(), 1, Integer::sum);
                        allAnswered = false;
                    }
                }
            }
            System.out.println("InteractiveQueriesBrokerTest: during the takeover " + failures
                    + " queries failed retriably " + reasons);
            assertThat(allAnswered).as("every key answered by a after b left").isTrue();
            // how many queries fail depends on timing: the rebalance and restore may be over before
            // b.close() returns; what must hold is above (before the move a refuses b's keys as not
            // hosted here; during it nothing but retriable failures and committed counts)
            assertThat(allKeysAnswer(a.base(), expected, problems)).as("%s", problems).isTrue();
        }
    }

    @Test
    void aWindowStoreAnswersWithItsCommittedWindows() {
        kafka.createTopic("iqw-in", 2, Map.of());
        kafka.createTopic("iqw-out", 2, Map.of());
        Map<String, Long> expected = new HashMap<>();
        List<KeyValue> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String key = "key-" + (i % 30);
            records.add(KeyValue.of(key, "v" + i));
            expected.merge(key, 1L, Long::sum);
        }
        io.produce("iqw-in", records);
        EddyApp app = EddyApp.builder("iqw").bootstrapServers(kafka.bootstrapServers())
                .stateDir(temp.resolve("w")).trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> p.kafka("iqw-in", Consumed.with(Serdes.string(), Serdes.string()))
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .window(TumblingWindows.of(Duration.ofMinutes(10)).grace(Duration.ofMinutes(30)))   // output at the window end: less than the broker's 1 h ahead
                        .count(Named.as("daily"))
                        .emit(OutputMode.UPDATE)
                        .toKafka("iqw-out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())))
                .build();
        app.start();
        try {
            ReadOnlyWindowStore<String, Long> daily = app.store("daily", QueryableStores.window());
            Map<String, Long> seen = new HashMap<>();
            Await.until(DEADLINE, () -> {
                seen.clear();
                for (String key : expected.keySet()) {
                    try (StoreIterator<Map.Entry<Windowed<String>, Long>> windows =
                                 daily.fetch(key, 0, Long.MAX_VALUE)) {
                        windows.forEachRemaining(w -> seen.merge(w.getKey().key(), w.getValue(), Long::sum));
                    } catch (StoreUnavailableException e) {
                        assertThat(e.isRetriable()).as("%s", e.getMessage()).isTrue();
                        return false;
                    }
                }
                return seen.equals(expected);
            }, () -> "window counts " + seen + ", expected " + expected);
        } finally {
            app.close(Duration.ofSeconds(30));
        }
    }
}
