package io.eddy.connectors.rate;

import io.eddy.InvalidConfigException;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.source.SourceBatch;
import io.eddy.source.SourceContext;
import io.eddy.source.SourceReader;
import io.eddy.source.StreamSource;

/**
 * Generates records at a steady rate, for load tests and demos: record {@code n} (from 0) has the
 * value {@code n} (a {@code Long}), a null key, and the timestamp
 * {@code start + n * 1000 / recordsPerSecond}, where {@code start} is the time of the source's very
 * first batch. Each batch emits the records due by now (at most the application's
 * {@code maxRecordsPerBatch}; a source that falls behind catches up over the next batches).
 *
 * <p>Replayable: the records follow from the committed position ({@code start} and the next
 * sequence number) alone, so after a crash the next owner emits exactly the records the dead one
 * had not committed, with the same values and timestamps: exactly once under
 * {@link io.eddy.Guarantee#EXACTLY_ONCE}. Immutable and thread-safe.
 *
 * <pre>{@code
 * p.source("load", RateSource.perSecond(10_000))
 *  .mapValues(n -> "event-" + n)
 *  .toKafka("events", Produced.with(Serdes.string(), Serdes.string()));
 * }</pre>
 */
public final class RateSource implements StreamSource<String, Long> {
    private final long recordsPerSecond;
    private final int partitions;

    private RateSource(long recordsPerSecond, int partitions) {
        this.recordsPerSecond = recordsPerSecond;
        this.partitions = partitions;
    }

    /**
     * A source of {@code recordsPerSecond} records a second, its records topic created with as
     * many partitions as the pipeline's other inputs (or 1).
     *
     * @throws InvalidConfigException if the rate is below 1 or above 10,000,000
     */
    public static RateSource perSecond(long recordsPerSecond) {
        if (recordsPerSecond < 1 || recordsPerSecond > 10_000_000) {
            throw new InvalidConfigException("RateSource.recordsPerSecond", recordsPerSecond,
                    "must be between 1 and 10000000");
        }
        return new RateSource(recordsPerSecond, 0);
    }

    /**
     * A copy whose records topic is created with {@code partitions} partitions.
     *
     * @throws InvalidConfigException if {@code partitions} is below 1
     */
    public RateSource withPartitions(int partitions) {
        if (partitions < 1) {
            throw new InvalidConfigException("RateSource.partitions", partitions, "must be at least 1");
        }
        return new RateSource(recordsPerSecond, partitions);
    }

    /** The records per second. */
    public long recordsPerSecond() {
        return recordsPerSecond;
    }

    @Override
    public Serde<String> keySerde() {
        return Serdes.string();
    }

    @Override
    public Serde<Long> valueSerde() {
        return Serdes.longs();
    }

    @Override
    public int partitions() {
        return partitions;
    }

    @Override
    public SourceReader<String, Long> open(SourceContext context) {
        String start = context.committedPosition().get("start");
        String next = context.committedPosition().get("next");
        return new Reader(context, start == null ? -1 : Long.parseLong(start), next == null ? 0 : Long.parseLong(next));
    }

    /** The timestamp of record {@code sequence} for a source started at {@code start}. */
    long timestampOf(long start, long sequence) {
        return start + sequence / recordsPerSecond * 1000 + sequence % recordsPerSecond * 1000 / recordsPerSecond;
    }

    /** How many records are due {@code elapsedMillis} after the start. */
    long dueAfter(long elapsedMillis) {
        return elapsedMillis / 1000 * recordsPerSecond + elapsedMillis % 1000 * recordsPerSecond / 1000;
    }

    @Override
    public String toString() {
        return "RateSource[" + recordsPerSecond + "/s]";
    }

    private final class Reader implements SourceReader<String, Long> {
        private final SourceContext context;
        private long start;
        private long next;

        Reader(SourceContext context, long start, long next) {
            this.context = context;
            this.start = start;
            this.next = next;
        }

        @Override
        public void read(SourceBatch<String, Long> batch) {
            long now = context.clock().millis();
            if (start < 0) {
                start = now;
                batch.putPosition("start", Long.toString(start));
            }
            long due = dueAfter(Math.max(0, now - start));
            long count = Math.min(due - next, context.maxRecordsPerBatch());
            for (long i = 0; i < count; i++) {
                batch.emit(null, next, timestampOf(start, next));
                next++;
            }
            if (count > 0) {
                batch.putPosition("next", Long.toString(next));
            }
        }

        @Override
        public void close() {
        }
    }
}
