package io.eddy.it.reliability;

import io.eddy.state.Windowed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * The input of the fault-injection run and, computed from it alone, the output an exactly-once
 * run must produce. Everything is a pure function of an order's number, so the test never has to
 * remember what it sent.
 *
 * <h2>Input</h2>
 * <ul>
 *   <li><b>customers</b> (compacted, the table side of the join): key {@code c-<n>}, value the
 *       customer's region {@code r-<m>}. Version 0 is written before the run; version 1, written
 *       once in the middle of the run while no order is in flight, moves every fifth customer to
 *       another region. Orders numbered {@code >= updateAt} see version 1.</li>
 *   <li><b>orders</b>: key the customer, value {@code <number>,<amount>,<event time>}. Event times
 *       grow by {@value #STEP_MS} ms per order with a jitter below {@value #JITTER_MS} ms.</li>
 * </ul>
 *
 * <h2>Expected output</h2>
 * <ul>
 *   <li><b>enriched</b>: each order once, keyed by its customer, value
 *       {@code <number>,<amount>,<event time>,<region>} with the region of the customer's version
 *       in force for that order.</li>
 *   <li><b>totals</b> ({@code FINAL}): per region and one-minute tumbling window, the number of
 *       orders and the sum of their amounts; each window once.</li>
 * </ul>
 * After the regular orders come {@value #CUSTOMERS} <em>closing</em> orders, one per customer,
 * far in the future: they move every task's watermark past every regular window. They are in the
 * enriched output like any order; their own windows never close and must not appear in the totals.
 */
final class OrderWorkload {
    static final int PARTITIONS = 6;
    static final int CUSTOMERS = 1_000;
    static final int REGIONS = 24;
    static final long STEP_MS = 20;
    static final long JITTER_MS = 30_000;
    static final long WINDOW_MS = 60_000;
    static final long BASE = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, WINDOW_MS);

    final int records;
    final int chunk;
    final int updateAt;
    final long allowedDelayMs;
    final long farFuture;

    /**
     * @param records regular orders, a multiple of {@code chunk}
     * @param chunk orders produced at a time; the producer runs at most two chunks ahead of what
     *     the application committed, so the repartition topic is at most two chunks out of order
     * @param updateAt the first order that sees version 1 of the customers, a multiple of chunk
     */
    OrderWorkload(int records, int chunk, int updateAt) {
        if (records % chunk != 0 || updateAt % chunk != 0) {
            throw new IllegalArgumentException("records and updateAt must be multiples of the chunk");
        }
        this.records = records;
        this.chunk = chunk;
        this.updateAt = updateAt;
        // disorder of the repartition topic: two chunks plus the jitter; the delay leaves two more
        // chunks of margin for watermarks that move with the wall clock while the input is quiet
        this.allowedDelayMs = 4 * chunk * STEP_MS;
        this.farFuture = BASE + ((long) records * STEP_MS) + 100 * allowedDelayMs;
    }

    int chunks() {
        return records / chunk;
    }

    // ---- the input

    static String customer(int n) {
        return "c-" + n;
    }

    /** The customer of order {@code i}; closing orders take one customer each. */
    String customerOf(long i) {
        if (i >= records) {
            return customer((int) (i - records));
        }
        return customer(Math.floorMod(Long.hashCode(mix(i)), CUSTOMERS));
    }

    static long amount(long i) {
        return 1 + Math.floorMod(Long.hashCode(mix(i ^ 0x5DEECE66DL)), 1_000);
    }

    long eventTime(long i) {
        if (i >= records) {
            return farFuture + (i - records);
        }
        return BASE + i * STEP_MS + Math.floorMod(Long.hashCode(mix(i * 31 + 7)), JITTER_MS);
    }

    /** The region of customer {@code n} in customers version {@code version} (0 or 1). */
    static String region(int n, int version) {
        int base = Math.floorMod(Long.hashCode(mix(n * 1_000_003L)), REGIONS);
        int moved = version == 1 && n % 5 == 0 ? (base + 1 + n % (REGIONS - 1)) % REGIONS : base;
        return "r-" + moved;
    }

    int versionOf(long i) {
        return i >= updateAt ? 1 : 0;
    }

    String orderValue(long i) {
        return i + "," + amount(i) + "," + eventTime(i);
    }

    List<ProducerRecord<byte[], byte[]>> orders(String topic, long from, long to) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>((int) (to - from));
        for (long i = from; i < to; i++) {
            out.add(new ProducerRecord<>(topic, utf8(customerOf(i)), utf8(orderValue(i))));
        }
        return out;
    }

    /** The closing orders: one per customer, far in the future. */
    List<ProducerRecord<byte[], byte[]>> closingOrders(String topic) {
        return orders(topic, records, records + CUSTOMERS);
    }

    /**
     * Every customer in {@code version} (0), or the customers that version 1 changes; stamped
     * with the first event time so that they never look like the newest event of anything.
     */
    static List<ProducerRecord<byte[], byte[]>> customers(String topic, int version) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int n = 0; n < CUSTOMERS; n++) {
            if (version == 0 || !region(n, 1).equals(region(n, 0))) {
                out.add(new ProducerRecord<>(topic, null, BASE, utf8(customer(n)), utf8(region(n, version))));
            }
        }
        return out;
    }

    // ---- parsing, shared with the pipeline

    /** Field {@code n} (from 0) of a comma-separated value. */
    static String field(String value, int n) {
        int start = 0;
        for (int k = 0; k < n; k++) {
            start = value.indexOf(',', start) + 1;
        }
        int end = value.indexOf(',', start);
        return end < 0 ? value.substring(start) : value.substring(start, end);
    }

    static long eventTimeOf(String orderValue) {
        return Long.parseLong(field(orderValue, 2));
    }

    static long amountOf(String orderValue) {
        return Long.parseLong(field(orderValue, 1));
    }

    static String regionOf(String enrichedValue) {
        return field(enrichedValue, 3);
    }

    // ---- the expected output

    /** The enriched value of order {@code i}. */
    String enriched(long i) {
        int n = Integer.parseInt(customerOf(i).substring(2));
        return orderValue(i) + "," + region(n, versionOf(i));
    }

    /** Orders in the input, closing orders included. */
    int totalOrders() {
        return records + CUSTOMERS;
    }

    /** The totals of every regular window. */
    Map<Windowed<String>, Totals> expectedTotals() {
        Map<Windowed<String>, Totals> totals = new HashMap<>();
        for (long i = 0; i < records; i++) {
            long t = eventTime(i);
            long start = t - Math.floorMod(t, WINDOW_MS);
            String region = field(enriched(i), 3);
            totals.merge(new Windowed<>(region, start, start + WINDOW_MS), new Totals(1, amount(i)), Totals::plus);
        }
        return totals;
    }

    /**
     * Whether every repartition partition receives a closing order (each region's partition is
     * chosen by murmur2 of its name, as for any Kafka record), so that every task's watermark
     * passes the regular windows.
     */
    static boolean regionsCoverAllPartitions() {
        boolean[] covered = new boolean[PARTITIONS];
        for (int n = 0; n < CUSTOMERS; n++) {
            covered[partitionOf(region(n, 1))] = true;
        }
        for (boolean c : covered) {
            if (!c) {
                return false;
            }
        }
        return true;
    }

    /** The partition Kafka's default partitioner picks for {@code key}, as for the repartition topic. */
    static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(utf8(key))) % PARTITIONS;
    }

    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
        x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return x ^ (x >>> 33);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
