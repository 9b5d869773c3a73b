package io.eddy.it.eventtime;

import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the event-time broker tests: one embedded KRaft broker per test class, started before
 * its first test and closed after its last, with an admin client for reading what an
 * application's consumer group committed. Test methods use their own topics and application ids.
 */
abstract class EventTimeBrokerTest {
    static EmbeddedKafka kafka;
    static TopicIO io;
    static Admin admin;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        io = TopicIO.of(kafka);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /**
     * The sum over {@code topic}'s partitions of the offsets the consumer group {@code group} (an
     * application id) committed: the records of {@code topic} it has fully processed.
     */
    static long committed(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the committed offsets of " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
