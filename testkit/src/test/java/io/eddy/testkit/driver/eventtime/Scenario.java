package io.eddy.testkit.driver.eventtime;

import java.util.ArrayList;
import java.util.List;

/**
 * One input history for an event-time pipeline on the {@link io.eddy.testkit.driver.TestDriver}:
 * a sequence of batches, each one "advance the driver's clock, pipe these records, run one
 * batch". The last batches of every scenario are quiet ones (a long clock advance and no
 * record) so that every window closes.
 *
 * <p>Every record has an explicit partition, chosen from its key, so a key always lands in the
 * same task. Times in {@link #toString()} are relative to {@link #T0}, to keep failure reports
 * readable.
 *
 * @param partitions the partition count of every input topic
 * @param delayMs the allowed delay declared with {@code withEventTime}
 * @param batches the batches, quiet ones included, in order
 */
record Scenario(int partitions, long delayMs, List<Batch> batches) {

    /** 2026-01-01T00:00:00Z, the driver's default start time; event times are generated around it. */
    static final long T0 = 1_767_225_600_000L;

    /** The driver's default idle timeout (10 s). */
    static final long IDLE_TIMEOUT_MS = 10_000;

    Scenario {
        batches = List.copyOf(batches);
    }

    /** All records, in pipe order. */
    List<In> records() {
        List<In> all = new ArrayList<>();
        batches.forEach(b -> all.addAll(b.records()));
        return all;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Scenario(partitions " + partitions + ", delay " + delayMs + " ms)\n");
        for (int i = 0; i < batches.size(); i++) {
            Batch b = batches.get(i);
            s.append("  batch ").append(i).append(": advance ").append(b.advanceMs()).append(" ms, ")
                    .append(b.restartBefore() ? "RESTART, " : "")
                    .append(b.records().isEmpty() ? "no records" : b.records()).append('\n');
        }
        return s.toString();
    }

    /**
     * One input record.
     *
     * @param seq unique number of the record in its scenario
     * @param topic input topic
     * @param key record key
     * @param partition explicit partition (a function of the key)
     * @param eventTime the event time the pipeline must see (epoch ms)
     * @param timestamp the Kafka record timestamp piped (equal to {@code eventTime} unless the
     *        value carries the event time)
     * @param value record value
     */
    record In(int seq, String topic, String key, int partition, long eventTime, long timestamp, String value) {
        @Override
        public String toString() {
            return topic + "/" + partition + " " + key + "=" + value + "@" + (eventTime - T0)
                    + (timestamp == eventTime ? "" : "(ts " + (timestamp - T0) + ")");
        }
    }

    /**
     * One {@code runBatch()}: first the clock moves by {@code advanceMs}, then, if
     * {@code restartBefore}, the driver restarts ({@code TestDriver.restart()}: tasks dropped,
     * state restored from the changelogs, watermarks from the last commit), then the records are
     * piped, then the batch runs. Scenarios restart only before a batch that has records for
     * every task that exists, so that every task is re-created by that batch.
     */
    record Batch(long advanceMs, List<In> records, boolean restartBefore) {
        Batch {
            records = List.copyOf(records);
        }

        Batch(long advanceMs, List<In> records) {
            this(advanceMs, records, false);
        }
    }
}
