package io.eddy.it.reliability;

import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import java.nio.ByteBuffer;

/**
 * The aggregate of one region and window: how many orders and the sum of their amounts. Immutable.
 *
 * @param count orders folded in
 * @param sum sum of their amounts
 */
record Totals(long count, long sum) {
    static final Totals ZERO = new Totals(0, 0);

    /** Written as two 8-byte big-endian longs. Thread-safe. */
    static final Serde<Totals> SERDE = new Serde<>() {
        @Override
        public byte[] serialize(String topic, Totals value) {
            return value == null ? null : ByteBuffer.allocate(16).putLong(value.count).putLong(value.sum).array();
        }

        @Override
        public Totals deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != 16) {
                throw new SerdeException("totals need 16 bytes, got " + bytes.length);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new Totals(b.getLong(), b.getLong());
        }
    };

    /** These totals with one more order of {@code amount}. */
    Totals add(long amount) {
        return new Totals(count + 1, sum + amount);
    }

    Totals plus(Totals other) {
        return new Totals(count + other.count, sum + other.sum);
    }
}
