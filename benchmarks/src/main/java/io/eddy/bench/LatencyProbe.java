package io.eddy.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * W5's measurement, run in the harness JVM while an engine runs W1's pipeline from
 * {@code inputTopic} to {@code outputTopic}: a paced producer writes input at a fixed rate for a
 * warm-up and then a measured period, and a {@code read_committed} consumer reads the output and
 * takes, for every output record, the time it became visible minus its timestamp. Every engine
 * copies the input record's timestamp to its output, and the producer sets that timestamp to the
 * moment it sends (CreateTime), so this is the end-to-end latency from produce to read_committed
 * visibility, including the producer's linger and the consumer's fetch. Both clients run in this
 * JVM and share its clock.
 *
 * <p>Only records sent during the measured period count; the warm-up lets the engine join its
 * group, start its tasks and warm its JIT. The producer keeps its schedule in steps of about
 * 0.2 ms: if it falls behind it catches up, and {@link Result#achievedRate()} says what it reached.
 * The producer uses client defaults ({@code acks=all}, {@code linger.ms=5}; W8: {@code linger.ms=0});
 * the consumer waits at most 10 ms per fetch when there is nothing to read.
 */
final class LatencyProbe {

    /**
     * What a latency run measured.
     *
     * @param latency latencies of the output of records sent in the measured period
     * @param sentTotal input records produced, warm-up included
     * @param sentMeasured input records produced in the measured period
     * @param measuredMillis the measured period
     * @param expectedOutput output records W1 must write for all input sent
     * @param outputSeen output records the consumer saw
     * @param error why the run is not valid, or null
     */
    record Result(LatencyHistogram.Summary latency, long sentTotal, long sentMeasured, long measuredMillis,
                  long expectedOutput, long outputSeen, String error) {

        /** Input records per second during the measured period. */
        double achievedRate() {
            return measuredMillis <= 0 ? 0 : sentMeasured * 1000.0 / measuredMillis;
        }
    }

    private LatencyProbe() {
    }

    /**
     * Produces for {@code warmup + measured} at {@code ratePerSecond}, then waits up to
     * {@code drain} for the consumer to see every output record.
     *
     * @param engineAlive polled while waiting; the run stops early when it turns false
     * @param atMeasureStart run on this thread when the measured period starts (after the warm-up)
     */
    static Result run(String bootstrapServers, String inputTopic, String outputTopic, int partitions, int keys,
                      int valueBytes, int ratePerSecond, Duration warmup, Duration measured, Duration drain,
                      BooleanSupplier engineAlive, Runnable atMeasureStart) {
        return run(bootstrapServers, inputTopic, outputTopic, partitions, keys, valueBytes, ratePerSecond, warmup,
                measured, drain, engineAlive, atMeasureStart, Workload.W5);
    }

    /**
     * Like the other {@code run}, for {@code workload}: W8's producer does not linger
     * ({@code linger.ms=0}), and an at-least-once workload may see more output than expected
     * (duplicates are allowed; fewer records is an error).
     */
    static Result run(String bootstrapServers, String inputTopic, String outputTopic, int partitions, int keys,
                      int valueBytes, int ratePerSecond, Duration warmup, Duration measured, Duration drain,
                      BooleanSupplier engineAlive, Runnable atMeasureStart, Workload workload) {
        long startMillis = System.currentTimeMillis();
        long measureFrom = startMillis + warmup.toMillis();
        long measureUntil = measureFrom + measured.toMillis();
        OutputReader reader = new OutputReader(bootstrapServers, outputTopic, partitions, measureFrom, measureUntil);
        Thread readerThread = new Thread(reader, "bench-latency-reader");
        readerThread.setDaemon(true);
        readerThread.start();

        byte[][] keyBytes = InputLoader.keys(keys);
        InputLoader.Values values = new InputLoader.Values(valueBytes);
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        long sent = 0;
        long sentMeasured = 0;
        long kept = 0;
        String error = null;
        Map<String, Object> producerConfig = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-latency-producer",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        if (workload == Workload.W8) {
            producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            long t0 = System.nanoTime();
            long totalNanos = TimeUnit.MILLISECONDS.toNanos(measureUntil - startMillis);
            long nextAliveCheck = t0;
            boolean measuring = false;
            while (sendFailure.get() == null) {
                long elapsed = System.nanoTime() - t0;
                if (elapsed >= totalNanos) {
                    break;
                }
                if (!measuring && System.currentTimeMillis() >= measureFrom) {
                    measuring = true;
                    atMeasureStart.run();
                }
                long due = dueRecords(ratePerSecond, elapsed);
                while (sent < due) {
                    long now = System.currentTimeMillis();
                    byte[] value = values.next();
                    if (Workload.w1KeepsFirstByte(value[0])) {
                        kept++;
                    }
                    if (now >= measureFrom && now < measureUntil) {
                        sentMeasured++;
                    }
                    producer.send(new ProducerRecord<>(inputTopic, null, now, keyBytes[(int) (sent % keys)], value),
                            (metadata, e) -> {
                                if (e != null) {
                                    sendFailure.compareAndSet(null, e);
                                }
                            });
                    sent++;
                }
                if (System.nanoTime() >= nextAliveCheck) {
                    if (!engineAlive.getAsBoolean()) {
                        error = "the engine JVM exited while the input was produced";
                        break;
                    }
                    nextAliveCheck += TimeUnit.SECONDS.toNanos(1);
                }
                LockSupport.parkNanos(200_000);
            }
            producer.flush();
        }
        if (sendFailure.get() != null) {
            error = "producing the input failed: " + sendFailure.get();
        }
        reader.expect(kept);
        long deadline = System.nanoTime() + drain.toNanos();
        while (readerThread.isAlive() && System.nanoTime() < deadline && error == null) {
            if (!engineAlive.getAsBoolean()) {
                error = "the engine JVM exited before all output was read";
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        reader.stop();
        try {
            readerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.failure.get() != null && error == null) {
            error = "reading the output failed: " + reader.failure.get();
        }
        boolean duplicatesAllowed = !workload.exactlyOnce();
        if (error == null && (duplicatesAllowed ? reader.seen < kept : reader.seen != kept)) {
            error = "output holds " + reader.seen + " committed records, expected " + kept
                    + (reader.seen < kept ? " (not all read within " + drain.toSeconds() + " s)" : "");
        }
        return new Result(reader.histogram.summary(), sent, sentMeasured, measureUntil - measureFrom, kept,
                reader.seen, error);
    }

    /** How many records are due {@code elapsedNanos} into a schedule of {@code ratePerSecond}. */
    static long dueRecords(int ratePerSecond, long elapsedNanos) {
        return Math.max(0, elapsedNanos) / 1_000 * ratePerSecond / 1_000_000;
    }

    /** Reads the output from the start and records the latency of each record sent in the measured period. */
    private static final class OutputReader implements Runnable {
        private final String bootstrapServers;
        private final String topic;
        private final int partitions;
        private final long measureFrom;
        private final long measureUntil;
        final LatencyHistogram histogram = new LatencyHistogram();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile long expected = -1;
        private volatile boolean stopped;
        volatile long seen;

        OutputReader(String bootstrapServers, String topic, int partitions, long measureFrom, long measureUntil) {
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
            this.partitions = partitions;
            this.measureFrom = measureFrom;
            this.measureUntil = measureUntil;
        }

        void expect(long records) {
            expected = records;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.CLIENT_ID_CONFIG, "bench-latency-reader",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                long count = 0;
                while (!stopped) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        long ts = r.timestamp();
                        if (ts >= measureFrom && ts < measureUntil) {
                            histogram.record(now - ts);
                        }
                    }
                    count += records.count();
                    seen = count;
                    long want = expected;
                    if (want >= 0 && count >= want && atEnd(consumer, tps)) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }

        private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> tps) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            for (TopicPartition tp : tps) {
                if (consumer.position(tp) < ends.get(tp)) {
                    return false;
                }
            }
            return true;
        }
    }
}
