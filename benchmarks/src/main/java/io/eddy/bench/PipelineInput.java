package io.eddy.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.common.utils.Utils;

/**
 * The input of {@link Workload#W9}, the realistic pipeline (the fault suite's shape), the functions
 * every engine applies to it, and what its output must hold. A pure function of its parameters.
 *
 * <h2>Input</h2>
 * <ul>
 *   <li><b>The table</b> ({@value #TABLE_TOPIC}, compacted, loaded once before any run): one row per
 *       key, {@code key-<k>} to its region {@code region-<r>}, {@code r = hash(k) mod }
 *       {@value #REGIONS}. Its records carry a timestamp one minute before the first order, so an
 *       engine that orders a task's inputs by timestamp reads the table first.</li>
 *   <li><b>The orders</b> ({@value #ORDERS_TOPIC}): record {@code i} has key
 *       {@code key-<i mod keys>} (a row of the table), goes to the partition Kafka's default
 *       partitioner picks for that key (so it is co-partitioned with the table), carries the record
 *       timestamp {@code base + floor(i * 60000 / recordsPerMinute)} (in order: no disorder in
 *       the input) and the value {@code <amount>,<letters>} of {@code valueBytes} bytes, amount
 *       {@code 1 + hash(i) mod 1000}.</li>
 * </ul>
 *
 * <h2>The pipeline</h2>
 * Each order is joined with its customer's row ({@link #enrich}: the order's value, a comma, the
 * region), grouped by the region ({@link #regionOf}) through a repartition topic, and summed per
 * region and tumbling one-minute window on event time (the record timestamp): a count and a sum of
 * {@link #amountOf} ({@link Totals}), emitted once per window when it closes (FINAL).
 *
 * <h2>Lateness and the windows that must close</h2>
 * The input is in order, but the repartition topic interleaves what the upstream tasks write, so a
 * task can be behind another by as much event time as it lags in processing. Every engine allows
 * {@code delayMillis} for that: Eddy as the allowed delay of {@code withEventTime} (its watermarks
 * also take the minimum over upstream tasks, so nothing is late for it anyway), Kafka Streams as the
 * windows' grace. Kafka Streams reading a backlog lets upstream tasks drift apart: in smoke runs
 * with its defaults, stream time ran 130 s (two-minute grace, 20,000 orders per minute) and 83 s
 * (one-minute grace, 100,000 per minute: about 140,000 orders) ahead of records still to come,
 * and it dropped them as late ("Skipping record for expired window"), which the check reports as
 * wrong totals. Hence the default of five minutes (500,000 orders at the default rate), with
 * which both Kafka Streams engines passed. Once all input is processed, a window must have
 * been emitted if its end is at most {@code min(largest event time of every input partition,
 * largest event time of its region) - delayMillis}: closed under both engines' rules.
 *
 * @param records orders
 * @param keys table rows (distinct customers)
 * @param partitions partitions of both topics
 * @param baseMillis the event time of order 0; a multiple of the window size
 * @param recordsPerMinute orders per minute of event time
 * @param delayMillis every engine's allowance for disorder in the repartition topic
 */
record PipelineInput(long records, int keys, int partitions, long baseMillis, long recordsPerMinute,
                     long delayMillis) {
    /** The table topic. */
    static final String TABLE_TOPIC = "bench-w9-customers";
    /** The orders topic. */
    static final String ORDERS_TOPIC = "bench-w9-orders";
    /** How many regions the customers fall into: the distinct keys of the aggregation. */
    static final int REGIONS = 24;
    /** The tumbling window size. */
    static final long WINDOW_MILLIS = 60_000;
    /** Order event times end at least this long before the load (the broker refuses future timestamps). */
    private static final long END_BEFORE_NOW_MILLIS = 10 * 60_000L;
    /** Order event times may span at most this much (retention is seven days). */
    static final long MAX_SPAN_MILLIS = 2 * 24 * 3600_000L;

    PipelineInput {
        if (records < 1 || keys < 1 || partitions < 1 || recordsPerMinute < 1 || delayMillis < 0) {
            throw new IllegalArgumentException("records, keys, partitions and recordsPerMinute must be positive and "
                    + "delayMillis not negative: " + records + ", " + keys + ", " + partitions + ", "
                    + recordsPerMinute + ", " + delayMillis);
        }
        if (Math.floorMod(baseMillis, WINDOW_MILLIS) != 0) {
            throw new IllegalArgumentException("baseMillis must be a multiple of " + WINDOW_MILLIS + ": " + baseMillis);
        }
    }

    /** The input for a load at {@code nowMillis}: order event times end about ten minutes before it. */
    static PipelineInput loadedAt(long nowMillis, long records, int keys, int partitions, long recordsPerMinute,
                                  long delayMillis) {
        long span = EventTimeInput.spanMillis(records, recordsPerMinute);
        if (span > MAX_SPAN_MILLIS) {
            throw new IllegalArgumentException("W9's event time would span " + span / 60_000 + " minutes (--records "
                    + records + " at --w9-records-per-minute " + recordsPerMinute + "), more than "
                    + MAX_SPAN_MILLIS / 60_000 + "; raise --w9-records-per-minute");
        }
        long base = EventTimeInput.windowStart(nowMillis - END_BEFORE_NOW_MILLIS - span);
        return new PipelineInput(records, keys, partitions, base, recordsPerMinute, delayMillis);
    }

    // ---- the functions every engine applies

    /** The region of table row {@code key}, from 0 to {@link #REGIONS} - 1. */
    static int regionIndex(int key) {
        return Math.floorMod(Long.hashCode(mix(key * 1_000_003L)), REGIONS);
    }

    /** The region name of index {@code region}: {@code region-00} … */
    static String regionName(int region) {
        return String.format(Locale.ROOT, "region-%02d", region);
    }

    /** The join: the order's value, a comma, the customer's region. */
    static String enrich(String order, String region) {
        return order + "," + region;
    }

    /** The grouping key of an enriched order: what follows its last comma. */
    static String regionOf(String enriched) {
        return enriched.substring(enriched.lastIndexOf(',') + 1);
    }

    /** The amount of an order or an enriched order: the digits before its first comma. */
    static long amountOf(String order) {
        long n = 0;
        for (int i = 0; i < order.length(); i++) {
            char c = order.charAt(i);
            if (c == ',') {
                return n;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    // ---- the input

    /** The key (table row) of order {@code index}. */
    int keyOf(long index) {
        return (int) (index % keys);
    }

    /** The partition of key {@code key}: what Kafka's default partitioner chooses for its bytes. */
    int partitionOf(int key) {
        return Utils.toPositive(Utils.murmur2(Workload.keyBytes(key))) % partitions;
    }

    /** The event time (record timestamp) of order {@code index}. */
    long eventTime(long index) {
        return baseMillis + index * WINDOW_MILLIS / recordsPerMinute;
    }

    /** The timestamp of every table record: a minute before the first order. */
    long tableTimestamp() {
        return baseMillis - WINDOW_MILLIS;
    }

    /** The amount of order {@code index}, from 1 to 1000. */
    static long amount(long index) {
        return 1 + Math.floorMod(Long.hashCode(mix(index ^ 0x5DEECE66DL)), 1_000);
    }

    /**
     * The value of order {@code index}: its amount, a comma, then {@code letters} from offset
     * {@code from} to fill {@code valueBytes} bytes (at least the amount and the comma).
     */
    static byte[] orderValue(long index, int valueBytes, byte[] letters, int from) {
        byte[] amount = Long.toString(amount(index)).getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[Math.max(valueBytes, amount.length + 1)];
        System.arraycopy(amount, 0, value, 0, amount.length);
        value[amount.length] = ',';
        System.arraycopy(letters, from, value, amount.length + 1, value.length - amount.length - 1);
        return value;
    }

    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- the output

    /**
     * Computes the true (count, sum) of every (region, window) and which must be closed once all
     * input is processed (see the class comment).
     */
    Expected expected() {
        long first = EventTimeInput.windowStart(baseMillis);
        long last = EventTimeInput.windowStart(eventTime(records - 1));
        int windows = (int) ((last - first) / WINDOW_MILLIS + 1);
        long[] counts = new long[windows * REGIONS];
        long[] sums = new long[windows * REGIONS];
        int[] regionByKey = new int[keys];
        int[] partitionByKey = new int[keys];
        for (int k = 0; k < keys; k++) {
            regionByKey[k] = regionIndex(k);
            partitionByKey[k] = partitionOf(k);
        }
        long[] maxByPartition = new long[partitions];
        long[] maxByRegion = new long[REGIONS];
        Arrays.fill(maxByPartition, Long.MIN_VALUE);
        Arrays.fill(maxByRegion, Long.MIN_VALUE);
        for (long i = 0; i < records; i++) {
            int key = keyOf(i);
            int region = regionByKey[key];
            long t = eventTime(i);
            int cell = (int) ((EventTimeInput.windowStart(t) - first) / WINDOW_MILLIS) * REGIONS + region;
            counts[cell]++;
            sums[cell] += amount(i);
            maxByPartition[partitionByKey[key]] = Math.max(maxByPartition[partitionByKey[key]], t);
            maxByRegion[region] = Math.max(maxByRegion[region], t);
        }
        long minPartitionMax = Long.MAX_VALUE;
        for (long max : maxByPartition) {
            if (max != Long.MIN_VALUE) {
                minPartitionMax = Math.min(minPartitionMax, max);
            }
        }
        boolean[] mustClose = new boolean[counts.length];
        long required = 0;
        for (int w = 0; w < windows; w++) {
            long end = first + (w + 1) * WINDOW_MILLIS;
            for (int r = 0; r < REGIONS; r++) {
                int cell = w * REGIONS + r;
                if (counts[cell] > 0 && end <= Math.min(minPartitionMax, maxByRegion[r]) - delayMillis) {
                    mustClose[cell] = true;
                    required++;
                }
            }
        }
        return new Expected(first, windows, counts, sums, mustClose, required);
    }

    /**
     * The true W9 output: per (region, window) cell {@code window * REGIONS + region}, its count and
     * sum, and whether it must have been emitted once all input is processed.
     *
     * @param firstWindowStart the start of window 0
     * @param windows windows the cells cover
     * @param counts orders per cell
     * @param sums amounts per cell
     * @param mustClose whether each cell's window is closed once all input is processed
     * @param required how many cells must be closed
     */
    record Expected(long firstWindowStart, int windows, long[] counts, long[] sums, boolean[] mustClose,
                    long required) {

        /** The cell of region name {@code region} and the window starting at {@code start}, or -1. */
        int cell(String region, long start) {
            if (region.length() != 9 || !region.startsWith("region-") || start < firstWindowStart
                    || Math.floorMod(start, WINDOW_MILLIS) != 0) {
                return -1;
            }
            int r;
            try {
                r = Integer.parseInt(region.substring(7));
            } catch (NumberFormatException e) {
                return -1;
            }
            long w = (start - firstWindowStart) / WINDOW_MILLIS;
            return r < 0 || r >= REGIONS || w >= windows ? -1 : (int) (w * REGIONS + r);
        }

        /** How many cells hold at least one order. */
        long nonEmpty() {
            return Arrays.stream(counts).filter(c -> c > 0).count();
        }

        /** The sum of the amounts of the cells that must be closed. */
        long requiredSum() {
            long s = 0;
            for (int c = 0; c < sums.length; c++) {
                s += mustClose[c] ? sums[c] : 0;
            }
            return s;
        }
    }

    /** A window's aggregate: orders and the sum of their amounts; 16 bytes, count then sum, big-endian. */
    record Totals(long count, long sum) {
        static final Totals ZERO = new Totals(0, 0);

        Totals add(long amount) {
            return new Totals(count + 1, sum + amount);
        }

        byte[] toBytes() {
            return ByteBuffer.allocate(2 * Long.BYTES).putLong(count).putLong(sum).array();
        }

        /** The totals of 16 bytes, or null if {@code bytes} is null or not 16 bytes long. */
        static Totals fromBytes(byte[] bytes) {
            if (bytes == null || bytes.length != 2 * Long.BYTES) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new Totals(b.getLong(), b.getLong());
        }

        /** The totals as an Eddy serde. */
        static final io.eddy.serde.Serde<Totals> EDDY_SERDE = new io.eddy.serde.Serde<>() {
            @Override
            public byte[] serialize(String topic, Totals value) {
                return value == null ? null : value.toBytes();
            }

            @Override
            public Totals deserialize(String topic, byte[] bytes) {
                return fromBytes(bytes);
            }
        };

        /** The totals as a Kafka serde. */
        static org.apache.kafka.common.serialization.Serde<Totals> kafkaSerde() {
            return org.apache.kafka.common.serialization.Serdes.serdeFrom(
                    (topic, value) -> value == null ? null : value.toBytes(), (topic, bytes) -> fromBytes(bytes));
        }
    }
}
