package io.eddy.internal.runtime;

import io.eddy.internal.plan.GlobalTableSpec;
import io.eddy.serde.Serde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global tables of one application instance: each holds every partition of its topic in
 * memory, keyed by serialized key. {@link #start} loads every table to the end of its topic
 * before processing starts, then one background thread applies new records; worker threads read
 * concurrently through {@link Lookup}. A record whose key is null is ignored with a warning (it
 * cannot be a row); a null value deletes the row.
 */
public final class GlobalTables implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GlobalTables.class);

    /** A typed read of one global table. */
    public interface Lookup {
        /** The row under {@code key}, or null. */
        Object get(Object key);
    }

    private final Map<String, GlobalTableSpec> specs = new HashMap<>();
    private final Map<String, ConcurrentHashMap<Bytes, byte[]>> rows = new HashMap<>();
    private final AtomicLong ignored = new AtomicLong();
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean closed;
    private Thread updater;

    public GlobalTables(List<GlobalTableSpec> tables) {
        for (GlobalTableSpec spec : tables) {
            specs.put(spec.topic(), spec);
            rows.put(spec.topic(), new ConcurrentHashMap<>());
        }
    }

    /** The lookup of the table read from {@code topic}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Lookup lookup(String topic) {
        GlobalTableSpec spec = specs.get(topic);
        if (spec == null) {
            throw new IllegalStateException("no global table reads topic " + topic);
        }
        Map<Bytes, byte[]> table = rows.get(topic);
        Serde keySerde = spec.consumed().keySerde();
        Serde valueSerde = spec.consumed().valueSerde();
        return key -> {
            byte[] value = table.get(Bytes.wrap(keySerde.serialize(topic, key)));
            return value == null ? null : valueSerde.deserialize(topic, value);
        };
    }

    /** Applies one record of {@code topic}. */
    public void apply(String topic, byte[] key, byte[] value) {
        ConcurrentHashMap<Bytes, byte[]> table = rows.get(topic);
        if (key == null) {
            ignored.incrementAndGet();
            log.warn("global table {}: ignored a record with a null key", topic);
        } else if (value == null) {
            table.remove(Bytes.wrap(key));
        } else {
            table.put(Bytes.wrap(key), value);
        }
    }

    /** Rows in the table read from {@code topic}. */
    public int size(String topic) {
        return rows.get(topic).size();
    }

    /**
     * Loads every table to the end of its topic with {@code c}, a read_committed consumer of byte
     * arrays, then keeps them up to date with it on a background thread named {@code threadName}.
     * This object owns {@code c} from then on and closes it when it fails or is closed.
     *
     * @throws io.eddy.TopicCheckException if a table's topic does not exist
     * @throws org.apache.kafka.common.errors.TimeoutException if the load does not finish within {@code timeout}
     * @throws IllegalStateException if a table's topic does not exist
     */
    public void start(Consumer<byte[], byte[]> c, String threadName, Duration timeout) {
        if (specs.isEmpty()) {
            c.close();
            return;
        }
        consumer = c;
        long loaded;
        try {
            loaded = load(c, timeout);
        } catch (RuntimeException e) {
            consumer = null;
            try {
                c.close(Duration.ZERO);
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        log.info("global tables {} loaded: {} records", specs.keySet(), loaded);
        updater = new Thread(this::update, threadName);
        updater.setDaemon(true);
        updater.start();
    }

    private long load(Consumer<byte[], byte[]> c, Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : specs.keySet()) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new io.eddy.TopicCheckException(io.eddy.TopicCheckException.Problem.MISSING, List.of(topic),
                        "global table topic '" + topic + "' does not exist", null);
            }
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        long loaded = 0;
        while (!reached(c, end)) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("global tables " + specs.keySet()
                        + " not loaded within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                apply(r.topic(), r.key(), r.value());
                loaded++;
            }
        }
        return loaded;
    }

    private static boolean reached(Consumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void update() {
        Consumer<byte[], byte[]> c = consumer;
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    apply(r.topic(), r.key(), r.value());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                log.error("global tables {}: the updater stopped; tables are no longer updated: {}", specs.keySet(), e, e);
            }
        } finally {
            c.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        closed = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (updater != null) {
            try {
                updater.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
