package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.SchemaIdHeaders;
import io.eddy.serde.Serdes;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Regression test for the stale schema-id header, in the test driver (the broker version is
 * {@code StaleSchemaIdHeaderTest}): a Kafka sink copies the input's headers, but never the
 * schema-id header of a side its serde rewrites; raw bytes passed through keep theirs.
 */
class SchemaIdHeaderSinkTest {

    private static Headers input() {
        Headers h = new RecordHeaders();
        h.add(SchemaIdHeaders.KEY, new byte[] {0, 0, 0, 0, 1});
        h.add(SchemaIdHeaders.VALUE, new byte[] {0, 0, 0, 0, 2});
        h.add("trace-id", new byte[] {7});
        return h;
    }

    @Test
    void aSideSerializedAnewLosesItsInputSchemaIdHeader() {
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.bytes(), Serdes.string()))
                        .mapValues(v -> v + "!")
                        .toKafka("out", Produced.with(Serdes.bytes(), Serdes.string())))
                .build()) {
            d.input("in", Serdes.bytes(), Serdes.string()).pipe(0, new byte[] {1}, "v", Instant.EPOCH, input());
            d.runBatch();
            TestRecord<byte[], String> out = d.output("out", Serdes.bytes(), Serdes.string()).readRecords().get(0);
            assertThat(out.value()).isEqualTo("v!");
            assertThat(out.headers().lastHeader(SchemaIdHeaders.VALUE)).as("the value was serialized anew").isNull();
            assertThat(out.headers().lastHeader(SchemaIdHeaders.KEY)).as("the key's bytes passed through").isNotNull();
            assertThat(out.headers().lastHeader("trace-id")).isNotNull();
        }
    }
}
