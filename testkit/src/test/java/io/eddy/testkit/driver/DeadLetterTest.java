package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.ErrorHandler;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dead-letter policy: failed records keep their bytes and gain headers describing the failure. */
class DeadLetterTest {

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void deserializationAndProcessingFailuresGoToTheDeadLetterTopic() {
        try (TestDriver d = TestDriver.builder()
                .errorHandler(ErrorHandler.deadLetter("dlq"))
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.longs()))
                        .mapValues(v -> 100 / v)
                        .named("divide")
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))
                .build()) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            in.pipeRaw(0, "a".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});   // not a long: offset 0
            in.pipe("b", 4L);
            in.pipe("c", 0L);   // divide throws
            in.pipe("d", 5L);
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.longs()).readValues()).containsExactly(25L, 20L);
            List<TestRecord<byte[], byte[]>> dead = d.output("dlq", Serdes.bytes(), Serdes.bytes()).readRecords();
            assertThat(dead).hasSize(2);
            assertThat(dead.get(0).value()).containsExactly(1, 2, 3);
            assertThat(header(dead.get(0), "eddy.error.kind")).isEqualTo("DESERIALIZATION");
            assertThat(header(dead.get(0), "eddy.source.topic")).isEqualTo("in");
            assertThat(header(dead.get(0), "eddy.source.partition")).isEqualTo("0");
            assertThat(header(dead.get(0), "eddy.source.offset")).isEqualTo("0");
            assertThat(header(dead.get(1), "eddy.error.kind")).isEqualTo("PROCESSING");
            assertThat(header(dead.get(1), "eddy.error.operator")).isEqualTo("divide");
            assertThat(header(dead.get(1), "eddy.error.class")).isEqualTo(ArithmeticException.class.getName());
            assertThat(header(dead.get(1), "eddy.source.offset")).isEqualTo("2");
            assertThat(d.skippedRecords()).isEqualTo(2);
        }
    }
}
