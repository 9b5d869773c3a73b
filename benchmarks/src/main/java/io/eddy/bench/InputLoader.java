package io.eddy.bench;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
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
 */
final class InputLoader {
    private static final long SEED = 20_261_101L;

    private InputLoader() {
    }

    /**
     * Produces the input to {@code topic} and returns once every record is acknowledged.
     *
     * @return how many output records each workload must write for this input
     * @throws IllegalStateException if a record is not acknowledged
     */
    static Map<Workload, Long> load(String bootstrapServers, String topic, long records, int keys, int valueBytes) {
        byte[][] keyBytes = new byte[keys][];
        for (int k = 0; k < keys; k++) {
            keyBytes[k] = String.format("key-%06d", k).getBytes(StandardCharsets.US_ASCII);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] letters = new byte[64 * 1024 + valueBytes];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (byte) ('a' + random.nextInt(26));
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        long kept = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-input-loader",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (long i = 0; i < records && failure.get() == null; i++) {
                byte[] value = new byte[valueBytes];
                value[0] = (byte) ('0' + random.nextInt(10));
                System.arraycopy(letters, random.nextInt(64 * 1024), value, 1, valueBytes - 1);
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
        Map<Workload, Long> expected = new EnumMap<>(Workload.class);
        expected.put(Workload.W1, kept);
        return expected;
    }
}
