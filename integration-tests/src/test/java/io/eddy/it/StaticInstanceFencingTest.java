package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Two processes started with the same {@code instanceId}: the newer one fences the older one's
 * producer and group membership. The older one must never commit again and must stop with an
 * error (rejoining would fence the newer one back); the newer one carries on, and the output holds
 * every record exactly once.
 */
class StaticInstanceFencingTest extends BrokerTest {

    private static EddyApp app(String instanceId) {
        return EddyApp.builder("fencing")
                .bootstrapServers(kafka.bootstrapServers())
                .instanceId(instanceId)
                .pipeline(p -> p.kafka("fencing-in", Consumed.with(Serdes.string(), Serdes.string()))
                        .mapValues(v -> v + "!")
                        .toKafka("fencing-out", Produced.with(Serdes.string(), Serdes.string())))
                .build();
    }

    private static Map<String, Long> produce(int from, int to) {
        List<KeyValue> records = new ArrayList<>();
        Map<String, Long> expected = new TreeMap<>();
        for (int i = from; i < to; i++) {
            records.add(KeyValue.of("k" + (i % 50), "r" + i));
            expected.put("r" + i + "!", 1L);
        }
        io.produce("fencing-in", records);
        return expected;
    }

    @Test
    void theOlderOfTwoInstancesWithOneIdStopsAndNothingIsDuplicated() {
        kafka.createTopic("fencing-in", 2);
        kafka.createTopic("fencing-out", 2);
        Map<String, Long> expected = new TreeMap<>(produce(0, 2_000));

        EddyApp older = app("same-id");
        EddyApp newer = app("same-id");
        try {
            older.start();
            Await.until(Duration.ofSeconds(60), () -> older.metrics().processedRecords() >= 2_000,
                    () -> "older processed " + older.metrics());

            newer.start();
            Await.until(Duration.ofSeconds(60), () -> older.state() == AppState.ERROR,
                    () -> "older is " + older.state() + ", newer is " + newer.state());
            assertThat(older.failure()).get().asString().containsIgnoringCase("fenced");

            expected.putAll(produce(2_000, 3_000));
            Await.until(Duration.ofSeconds(60), () -> newer.metrics().processedRecords() >= 1_000,
                    () -> "newer processed " + newer.metrics() + ", state " + newer.state());
            assertThat(newer.state()).isIn(AppState.RUNNING, AppState.REBALANCING);
        } finally {
            newer.close(Duration.ofSeconds(30));
            older.close(Duration.ofSeconds(30));
        }
        CommittedOutput.assertExactlyOnce(expected,
                CommittedOutput.read(kafka.bootstrapServers(), "fencing-out", Duration.ofSeconds(60)), "fencing");
    }
}
