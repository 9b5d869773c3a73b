package io.eddy.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One broker JVM for the whole class, killed and restarted by the tests. */
class KafkaProcessTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static KafkaProcess kafka;
    private static TopicIO io;

    @BeforeAll
    static void startBroker() {
        long start = System.nanoTime();
        kafka = KafkaProcess.start();
        System.out.printf("KafkaProcess start: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        io = TopicIO.of(kafka);
    }

    @AfterAll
    static void closeBroker() {
        if (kafka != null) {
            kafka.close();
            assertThat(kafka.logFile()).doesNotExist();
        }
    }

    @Test
    void acknowledgedRecordsSurviveSigkillAndRestart() {
        kafka.createTopic("survivor", 4);
        List<KeyValue> records = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            records.add(KeyValue.of("k" + i, "v" + i));
        }
        io.produce("survivor", records);
        long oldPid = kafka.pid();
        String address = kafka.bootstrapServers();

        kafka.kill();
        assertThat(kafka.isRunning()).isFalse();
        long start = System.nanoTime();
        kafka.restart();
        System.out.printf("KafkaProcess restart after SIGKILL: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

        assertThat(kafka.pid()).isNotEqualTo(oldPid);
        assertThat(kafka.bootstrapServers()).isEqualTo(address);
        assertThat(io.readCommittedToEnd("survivor", DEADLINE)).hasSize(1_000);
        assertThat(io.endOffsets("survivor").values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(1_000);
    }

    @Test
    void gracefulStopAndRestartKeepData() {
        kafka.createTopic("graceful", 1);
        io.produce("graceful", List.of(KeyValue.of("a", "1")));

        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        long start = System.nanoTime();
        kafka.restart();
        System.out.printf("KafkaProcess restart after graceful stop: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

        assertThat(io.readCommitted("graceful", 1, DEADLINE)).extracting(TopicRecord::valueString).containsExactly("1");
    }

    @Test
    void aPausedBrokerDoesNotAnswerUntilResumed() throws Exception {
        try (Admin admin = Admin.create(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "request.timeout.ms", 300,
                "default.api.timeout.ms", 600))) {
            kafka.pause();
            try {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(2, TimeUnit.SECONDS))
                        .isInstanceOfAny(ExecutionException.class, TimeoutException.class);
                assertThat(kafka.isRunning()).isTrue();
            } finally {
                kafka.resume();
            }
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
        }
    }
}
