package io.eddy.serde;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SchemaIdHeadersTest {

    private static Headers inputHeaders() {
        Headers h = new RecordHeaders();
        h.add(SchemaIdHeaders.KEY, new byte[] {0, 0, 0, 0, 1});
        h.add(SchemaIdHeaders.VALUE, new byte[] {0, 0, 0, 0, 2});
        h.add("trace-id", new byte[] {7});
        return h;
    }

    @Test
    void aSerdeThatWritesNewBytesDropsItsSidesHeaderOnly() {
        Headers h = inputHeaders();
        SchemaIdHeaders.prepareForOutput(h, false, Serdes.string());
        assertThat(h.lastHeader(SchemaIdHeaders.VALUE)).isNull();
        assertThat(h.lastHeader(SchemaIdHeaders.KEY)).isNotNull();
        assertThat(h.lastHeader("trace-id")).isNotNull();

        SchemaIdHeaders.prepareForOutput(h, true, Serdes.longs());
        assertThat(h.lastHeader(SchemaIdHeaders.KEY)).isNull();
    }

    @Test
    void bytesPassedThroughKeepTheirHeader() {
        Headers h = inputHeaders();
        SchemaIdHeaders.prepareForOutput(h, false, Serdes.bytes());
        SchemaIdHeaders.prepareForOutput(h, true, Serdes.bytes());
        assertThat(h.lastHeader(SchemaIdHeaders.VALUE).value()).containsExactly(0, 0, 0, 0, 2);
        assertThat(h.lastHeader(SchemaIdHeaders.KEY).value()).containsExactly(0, 0, 0, 0, 1);
    }

    @Test
    void everyHeaderOfTheSideIsRemoved() {
        Headers h = inputHeaders();
        h.add(SchemaIdHeaders.VALUE, new byte[] {0, 0, 0, 0, 3});
        SchemaIdHeaders.prepareForOutput(h, false, Serdes.string());
        assertThat(h.headers(SchemaIdHeaders.VALUE)).isEmpty();
    }
}
