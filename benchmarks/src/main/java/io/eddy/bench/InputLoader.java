package io.eddy.bench;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the benchmark input once: {@code records} records, record {@code i} keyed
 * {@code key-<i mod keys>} (zero-padded, so exactly {@code min(records, keys)} distinct keys), its
 * value {@code valueBytes} ASCII bytes: a digit, then lowercase letters. The content is a pure
 * function of the seed, so every run of the harness writes the same topic. Partitions are chosen by
 * Kafka's default partitioner from the key.
 *
 * <p>Also writes W3's event-time input ({@link #loadEventTime}), W10's ({@link #loadSessions}), W11's
 * ({@link #loadDistinctValues}) and
 * W4's changelogs ({@link #loadChangelog}).
 */
final class InputLoader {
    private static final long SEED = 20_261_101L;

    private InputLoader() {
    }

    /**
     * Input values: {@code valueBytes} ASCII bytes, a digit then lowercase letters, from a seeded
     * generator. Not thread-safe.
     */
    static final class Values {
        private final SplittableRandom random;
        private final byte[] letters;
        private final int valueBytes;

        /** The sequence every harness run produces for this {@code valueBytes}. */
        Values(int valueBytes) {
            this.valueBytes = valueBytes;
            this.random = new SplittableRandom(SEED);
            this.letters = new byte[64 * 1024 + valueBytes];
            for (int i = 0; i < letters.length; i++) {
                letters[i] = (byte) ('a' + random.nextInt(26));
            }
        }

        /** The next value, a new array. */
        byte[] next() {
            byte[] value = new byte[valueBytes];
            value[0] = (byte) ('0' + random.nextInt(10));
            System.arraycopy(letters, random.nextInt(64 * 1024), value, 1, valueBytes - 1);
            return value;
        }
    }

    /** The serialized keys {@code key-000000 …} of {@code keys} distinct keys. */
    static byte[][] keys(int keys) {
        byte[][] keyBytes = new byte[keys][];
        for (int k = 0; k < keys; k++) {
            keyBytes[k] = Workload.keyBytes(k);
        }
        return keyBytes;
    }

    /**
     * Produces the input to {@code topic} and returns once every record is acknowledged.
     *
     * @return how many records W1 keeps, which is how many it must write
     * @throws IllegalStateException if a record is not acknowledged
     */
    static long load(String bootstrapServers, String topic, long records, int keys, int valueBytes) {
        byte[][] keyBytes = keys(keys);
        Values values = new Values(valueBytes);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long kept = 0;
        try (KafkaProducer<byte[], byte[]> producer = bulkProducer(bootstrapServers)) {
            for (long i = 0; i < records && failure.get() == null; i++) {
                byte[] value = values.next();
                if (Workload.w1KeepsFirstByte(value[0])) {
                    kept++;
                }
                producer.send(new ProducerRecord<>(topic, keyBytes[(int) (i % keys)], value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("loading the input into " + topic + " failed", failure.get());
        }
        return kept;
    }

    /**
     * Produces W3's input to {@code topic}, as {@code input} describes it: record {@code i} with
     * key {@link EventTimeInput#keyOf}, sent to partition {@link EventTimeInput#partitionOf} of that
     * key and with timestamp {@link EventTimeInput#eventTime}; values as {@link #load} writes them.
     * One producer, so each partition holds its records in index order. Returns once every record
     * is acknowledged.
     *
     * @throws IllegalStateException if a record is not acknowledged (for example a timestamp the
     *     broker refuses)
     */
    static void loadEventTime(String bootstrapServers, String topic, EventTimeInput input, int valueBytes) {
        byte[][] keyBytes = keys(input.keys());
        int[] partitions = input.partitionsByKey();
        Values values = new Values(valueBytes);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = bulkProducer(bootstrapServers)) {
            for (long i = 0; i < input.records() && failure.get() == null; i++) {
                int key = input.keyOf(i);
                producer.send(new ProducerRecord<>(topic, partitions[key], input.eventTime(i), keyBytes[key],
                        values.next()), (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("loading the event-time input into " + topic + " failed", failure.get());
        }
    }

    /**
     * Produces W9's table ({@value PipelineInput#TABLE_TOPIC}: every key's region, timestamped
     * {@link PipelineInput#tableTimestamp()}) and then its orders ({@value PipelineInput#ORDERS_TOPIC}:
     * order {@code i} with key {@link PipelineInput#keyOf}, sent to partition
     * {@link PipelineInput#partitionOf} of that key, timestamp {@link PipelineInput#eventTime} and
     * value {@link PipelineInput#orderValue}). One producer, so each partition holds its orders in
     * index order. Returns once every record is acknowledged.
     *
     * @throws IllegalStateException if a record is not acknowledged
     */
    static void loadPipeline(String bootstrapServers, PipelineInput input, int valueBytes) {
        byte[][] keyBytes = keys(input.keys());
        int[] partitions = new int[input.keys()];
        for (int k = 0; k < input.keys(); k++) {
            partitions[k] = input.partitionOf(k);
        }
        byte[] letters = new byte[64 * 1024 + valueBytes];
        java.util.SplittableRandom random = new java.util.SplittableRandom(SEED);
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (byte) ('a' + random.nextInt(26));
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        org.apache.kafka.clients.producer.Callback callback = (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        };
        try (KafkaProducer<byte[], byte[]> producer = bulkProducer(bootstrapServers)) {
            for (int k = 0; k < input.keys() && failure.get() == null; k++) {
                producer.send(new ProducerRecord<>(PipelineInput.TABLE_TOPIC, partitions[k], input.tableTimestamp(),
                        keyBytes[k], PipelineInput.regionName(PipelineInput.regionIndex(k))
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)), callback);
            }
            producer.flush();
            for (long i = 0; i < input.records() && failure.get() == null; i++) {
                int key = input.keyOf(i);
                producer.send(new ProducerRecord<>(PipelineInput.ORDERS_TOPIC, partitions[key], input.eventTime(i),
                        keyBytes[key], PipelineInput.orderValue(i, valueBytes, letters, random.nextInt(64 * 1024))),
                        callback);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("loading W9's table and orders failed", failure.get());
        }
    }

    /**
     * Produces W11's input to {@code topic}, as {@code input} describes it: keys, partitions and
     * timestamps as {@link #loadEventTime} writes them for {@code input.layout()}, and record
     * {@code i}'s value {@link DistinctValuesInput#valueBytes}. One producer, so each partition holds
     * its records in index order. Returns once every record is acknowledged.
     *
     * @throws IllegalStateException if a record is not acknowledged
     */
    static void loadDistinctValues(String bootstrapServers, String topic, DistinctValuesInput input) {
        EventTimeInput layout = input.layout();
        byte[][] keyBytes = keys(layout.keys());
        int[] partitions = layout.partitionsByKey();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = bulkProducer(bootstrapServers)) {
            for (long i = 0; i < layout.records() && failure.get() == null; i++) {
                int key = layout.keyOf(i);
                producer.send(new ProducerRecord<>(topic, partitions[key], layout.eventTime(i), keyBytes[key],
                        input.valueBytes(i)), (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("loading the distinct-values input into " + topic + " failed",
                    failure.get());
        }
    }

    /**
     * Produces W10's input to {@code topic}, as {@code input} describes it: record {@code i} with
     * key {@link SessionInput#keyOf}, sent to partition {@link SessionInput#partitionOf} of that key,
     * with timestamp {@link SessionInput#eventTime} and value {@link SessionInput#value} as an 8-byte
     * big-endian long (the format of Eddy's {@code Serdes.longs()} and Kafka's
     * {@code LongSerializer}). One producer, so each partition holds its records in index order.
     * Returns once every record is acknowledged.
     *
     * @throws IllegalStateException if a record is not acknowledged
     */
    static void loadSessions(String bootstrapServers, String topic, SessionInput input) {
        byte[][] keyBytes = keys(input.keys());
        int[] partitions = input.partitionsByKey();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = bulkProducer(bootstrapServers)) {
            for (long i = 0; i < input.records() && failure.get() == null; i++) {
                int key = input.keyOf(i);
                byte[] value = ByteBuffer.allocate(Long.BYTES).putLong(SessionInput.value(i)).array();
                producer.send(new ProducerRecord<>(topic, partitions[key], input.eventTime(i), keyBytes[key], value),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("loading the session input into " + topic + " failed", failure.get());
        }
    }

    /**
     * Produces {@code entries} records to the changelog topic {@code topic} of a count by key, as
     * the count of W2 would without collapsing updates: entry {@code i} is key {@code i mod keys}
     * with its running count ({@code i / keys + 1}) as an 8-byte big-endian long. That is the
     * format of Eddy's changelog for {@code count()} (the key serde's bytes, then
     * {@code Serdes.longs()}) and of Kafka Streams' changelog for {@code count()} (the key serde's
     * bytes, then its {@code LongSerializer}; the timestamp travels in the record's timestamp), so
     * one writer serves both. Partitions are chosen by the default partitioner from the key, as the
     * input's are. Returns once every record is acknowledged; not transactional.
     *
     * @throws IllegalStateException if a record is not acknowledged
     */
    static void loadChangelog(String bootstrapServers, String topic, long entries, int keys) {
        byte[][] keyBytes = keys(keys);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = bulkProducer(bootstrapServers)) {
            for (long i = 0; i < entries && failure.get() == null; i++) {
                byte[] count = ByteBuffer.allocate(Long.BYTES).putLong(i / keys + 1).array();
                producer.send(new ProducerRecord<>(topic, keyBytes[(int) (i % keys)], count), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("loading the changelog " + topic + " failed", failure.get());
        }
    }

    private static KafkaProducer<byte[], byte[]> bulkProducer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-input-loader",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }
}
