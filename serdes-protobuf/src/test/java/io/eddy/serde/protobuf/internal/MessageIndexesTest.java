package io.eddy.serde.protobuf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.SerdeException;
import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Confluent's Protobuf message-index framing: vectors derived by hand from the wire-format
 * description (a zig-zag varint count, then zig-zag varint indexes; {@code [0]} as one 0x00 byte).
 */
class MessageIndexesTest {

    private static int[] read(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        ByteBuffer buffer = ByteBuffer.wrap(b);
        int[] out = MessageIndexes.read(buffer);
        assertThat(buffer.hasRemaining()).as("reads exactly the indexes").isFalse();
        return out;
    }

    @Test
    void vectors() {
        assertThat(MessageIndexes.encode(0)).containsExactly(0x00);                    // the first message: one byte
        assertThat(MessageIndexes.encode(1)).containsExactly(0x02, 0x02);              // count 1, index 1
        assertThat(MessageIndexes.encode(0, 2)).containsExactly(0x04, 0x00, 0x04);     // nested: count 2, 0, 2
        assertThat(MessageIndexes.encode(1, 0, 3)).containsExactly(0x06, 0x02, 0x00, 0x06);
        assertThat(MessageIndexes.encode(64)).containsExactly(0x02, 0x80, 0x01);       // zig-zag 128 takes two bytes

        assertThat(read(0x00)).containsExactly(0);
        assertThat(read(0x02, 0x02)).containsExactly(1);
        assertThat(read(0x04, 0x00, 0x04)).containsExactly(0, 2);
        assertThat(read(0x02, 0x00)).as("[0] written the long way reads the same").containsExactly(0);
        assertThat(read(0x02, 0x80, 0x01)).containsExactly(64);
    }

    @Test
    void malformedIndexesAreRefused() {
        assertThatThrownBy(() -> read()).isInstanceOf(SerdeException.class).hasMessageContaining("ends inside");
        assertThatThrownBy(() -> read(0x04, 0x02)).isInstanceOf(SerdeException.class).hasMessageContaining("count 2");
        assertThatThrownBy(() -> read(0x01)).isInstanceOf(SerdeException.class).hasMessageContaining("count -1");
        assertThatThrownBy(() -> read(0x02, 0x01)).isInstanceOf(SerdeException.class).hasMessageContaining("negative index");
        assertThatThrownBy(() -> MessageIndexes.encode()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageIndexes.encode(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void everyPathRoundTrips(@ForAll @Size(min = 1, max = 8) int[] path, @ForAll @IntRange(min = 0, max = 3) int tail) {
        int[] p = path.clone();
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.abs(p[i] % 100_000);
        }
        byte[] encoded = MessageIndexes.encode(p);
        ByteBuffer buffer = ByteBuffer.allocate(encoded.length + tail).put(encoded);
        buffer.flip();
        buffer.limit(encoded.length + tail);
        assertThat(MessageIndexes.read(buffer)).containsExactly(p);
        assertThat(buffer.position()).isEqualTo(encoded.length);
    }
}
