package io.eddy.internal.plan;

import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * The values a table regrouping ({@code Table.groupBy}) moves through its repartition topic, and
 * what its aggregation stores per group.
 *
 * <h2>Design: retractions through a repartition topic</h2>
 * When a row of the source table changes from {@code old} to {@code new} in a batch, the
 * regrouping writes <em>two</em> records to the repartition topic, in this order: a
 * <em>subtract</em> of the old row, keyed by the old row's group, and an <em>add</em> of the new
 * row, keyed by the new row's group (an absent side writes nothing: an insert only adds, a delete
 * only subtracts). Two records rather than one with both rows, because each side then travels to
 * the task that owns its group, and each record has headers of its own (a serde that puts a
 * schema id in a header writes it for exactly one value). Each record's value is
 * {@code [tag byte][the value serde's bytes]}, tag {@code 0} = add, {@code 1} = subtract
 * ({@link ChangeSerde}). The old row is the row as the table last emitted it (before the batch),
 * so an aggregation downstream never counts a row twice, whatever the batches are.
 *
 * <p>Both records are in the batch's transaction, so a downstream batch sees both or neither;
 * when both go to the same group they are adjacent in one partition. Only when a downstream batch
 * ends between them (its record bound) can a group show, for one batch, its value without the
 * row; the next batch corrects it.
 *
 * <p>The aggregation keeps, per group, the number of rows in it with the aggregate
 * ({@link Counted}, stored with {@link CountedSerde}); a group whose last row is subtracted is
 * deleted (the table emits null for it), so the regrouped table always equals a computation from
 * scratch over the source table's rows.
 */
public final class TableChanges {

    private TableChanges() {
    }

    /** One side of a changed row on its way to its group: the value to add, or to subtract. */
    public record Change(boolean subtract, Object value) {
    }

    /** A group's aggregate and the number of source rows in it (always positive in a store). */
    public record Counted(long count, Object aggregate) {
    }

    /** {@code [tag][inner bytes]}: tag 0 adds, 1 subtracts. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static final class ChangeSerde implements Serde<Change> {
        private final Serde inner;

        /** Frames the values {@code inner} writes (with their headers, if it writes any). */
        public ChangeSerde(Serde<?> inner) {
            this.inner = Objects.requireNonNull(inner, "inner");
        }

        @Override
        public byte[] serialize(String topic, Change value) {
            return serialize(topic, null, value);
        }

        @Override
        public byte[] serialize(String topic, Headers headers, Change value) {
            if (value == null) {
                return null;
            }
            byte[] v = headers == null ? inner.serialize(topic, value.value()) : inner.serialize(topic, headers, value.value());
            if (v == null) {
                throw new SerdeException("the value serde wrote null for a non-null value of a table regrouping");
            }
            byte[] out = new byte[v.length + 1];
            out[0] = (byte) (value.subtract() ? 1 : 0);
            System.arraycopy(v, 0, out, 1, v.length);
            return out;
        }

        @Override
        public Change deserialize(String topic, byte[] bytes) {
            return deserialize(topic, null, bytes);
        }

        @Override
        public Change deserialize(String topic, Headers headers, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == 0 || (bytes[0] != 0 && bytes[0] != 1)) {
                throw new SerdeException("not a table change record of topic " + topic + ": it must start with 0 (add) "
                        + "or 1 (subtract)");
            }
            byte[] v = Arrays.copyOfRange(bytes, 1, bytes.length);
            Object value = headers == null ? inner.deserialize(topic, v) : inner.deserialize(topic, headers, v);
            return new Change(bytes[0] == 1, value);
        }
    }

    /** {@code [count, 8 bytes big-endian][aggregate bytes]}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static final class CountedSerde implements Serde<Counted> {
        private final Serde inner;

        /** Prefixes the aggregates {@code inner} writes with the group's row count. */
        public CountedSerde(Serde<?> inner) {
            this.inner = Objects.requireNonNull(inner, "inner");
        }

        @Override
        public byte[] serialize(String topic, Counted value) {
            if (value == null) {
                return null;
            }
            byte[] a = inner.serialize(topic, value.aggregate());
            if (a == null) {
                throw new SerdeException("the aggregate serde wrote null for a non-null aggregate");
            }
            return ByteBuffer.allocate(8 + a.length).putLong(value.count()).put(a).array();
        }

        @Override
        public Counted deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 8) {
                throw new SerdeException("not a counted aggregate of " + topic + ": " + bytes.length + " bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long count = b.getLong();
            return new Counted(count, inner.deserialize(topic, Arrays.copyOfRange(bytes, 8, bytes.length)));
        }
    }
}
