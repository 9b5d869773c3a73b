package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.AppState;
import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.kafka.TopicRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExactlyOnceSmokeTest extends BrokerTest {
    @Test
    void mapFilterPipelineWritesEveryRecordOnce() {
        kafka.createTopic("smoke-in", 4);
        kafka.createTopic("smoke-out", 4);
        int n = 20_000;
        List<KeyValue> input = new ArrayList<>();
        IntStream.range(0, n).forEach(i -> input.add(KeyValue.of("k" + (i % 100), String.valueOf(i))));

        io.produce("smoke-in", input);

        List<AppState> states = new CopyOnWriteArrayList<>();
        List<BatchProgress> progress = new CopyOnWriteArrayList<>();
        EddyApp app = EddyApp.builder("smoke")
                .bootstrapServers(kafka.bootstrapServers())
                .threads(2)
                .addStateListener((from, to) -> states.add(to))
                .addProgressListener(progress::add)
                .pipeline(p -> p.kafka("smoke-in", Consumed.with(Serdes.string(), Serdes.string()))
                        .filter((k, v) -> Integer.parseInt(v) % 2 == 0)
                        .mapValues(v -> "even-" + v)
                        .toKafka("smoke-out", Produced.with(Serdes.string(), Serdes.string())))
                .build();
        app.start();
        try {
            // with two workers, the first to join may finish the input before the second joins;
            // RUNNING is announced once both have their tasks
            Await.until(Duration.ofSeconds(60), () -> app.state() == AppState.RUNNING, () -> "state " + app.state());
            List<TopicRecord> out = io.readCommitted("smoke-out", n / 2, Duration.ofSeconds(60));
            Await.until(Duration.ofSeconds(30), () -> app.metrics().processedRecords() == n,
                    () -> "metrics " + app.metrics());
            assertThat(out).hasSize(n / 2);
            assertThat(out.stream().map(TopicRecord::valueString).distinct()).hasSize(n / 2);
            assertThat(out).allMatch(r -> r.valueString().startsWith("even-"));
            assertThat(progress).isNotEmpty();
            assertThat(progress.stream().mapToLong(BatchProgress::records).sum()).isEqualTo(n);
            assertThat(states).contains(AppState.STARTING, AppState.RUNNING);
        } finally {
            app.close(Duration.ofSeconds(30));
        }
        assertThat(app.state()).isEqualTo(AppState.STOPPED);
        assertThat(io.readCommittedToEnd("smoke-out", Duration.ofSeconds(30))).hasSize(n / 2);
    }
}
