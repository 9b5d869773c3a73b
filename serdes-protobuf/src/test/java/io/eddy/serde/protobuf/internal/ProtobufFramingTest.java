package io.eddy.serde.protobuf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.SerdeException;
import org.junit.jupiter.api.Test;

/**
 * Confluent's Protobuf payload framing, by hand-derived vectors. The message is the Protobuf
 * encoding guide's first example: field 1 (varint) = 150, encoded {@code 08 96 01}.
 */
class ProtobufFramingTest {

    private static final byte[] MESSAGE = {0x08, (byte) 0x96, 0x01};

    @Test
    void prefixModeVectors() {
        assertThat(ProtobufFraming.withPrefix(1, new int[] {0}, MESSAGE))
                .containsExactly(0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x96, 0x01);
        assertThat(ProtobufFraming.withPrefix(258, new int[] {1, 0}, MESSAGE))
                .containsExactly(0x00, 0x00, 0x00, 0x01, 0x02, 0x04, 0x02, 0x00, 0x08, 0x96, 0x01);

        ProtobufFraming.Frame frame = ProtobufFraming.read(
                new byte[] {0x00, 0x00, 0x00, 0x01, 0x02, 0x04, 0x02, 0x00, 0x08, (byte) 0x96, 0x01}, true);
        assertThat(frame.schemaId()).isEqualTo(258);
        assertThat(frame.messageIndexes()).containsExactly(1, 0);
        assertThat(frame.messageOffset()).isEqualTo(8);
    }

    @Test
    void headerModeVectors() {
        assertThat(ProtobufFraming.withoutPrefix(new int[] {0}, MESSAGE)).containsExactly(0x00, 0x08, 0x96, 0x01);
        ProtobufFraming.Frame frame = ProtobufFraming.read(new byte[] {0x02, 0x04, 0x08, (byte) 0x96, 0x01}, false);
        assertThat(frame.schemaId()).isEqualTo(-1);
        assertThat(frame.messageIndexes()).containsExactly(2);
        assertThat(frame.messageOffset()).isEqualTo(2);
    }

    @Test
    void malformedFramesAreRefused() {
        assertThatThrownBy(() -> ProtobufFraming.read(new byte[] {0x01, 0, 0, 0, 1, 0}, true))
                .isInstanceOf(SerdeException.class).hasMessageContaining("magic byte 0x01");
        assertThatThrownBy(() -> ProtobufFraming.read(new byte[] {0x00, 0, 0, 0, 1}, true))
                .isInstanceOf(SerdeException.class).hasMessageContaining("ends inside");
    }
}
