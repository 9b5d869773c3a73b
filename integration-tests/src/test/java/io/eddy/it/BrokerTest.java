package io.eddy.it;

import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the broker tests: one embedded KRaft broker per test class, started before its first
 * test and closed after its last. Test methods use their own topics and application ids.
 */
abstract class BrokerTest {
    static EmbeddedKafka kafka;
    static TopicIO io;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        io = TopicIO.of(kafka);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }
}
