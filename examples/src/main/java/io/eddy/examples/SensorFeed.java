package io.eddy.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays the readings of a few temperature sensors into a topic, faster than real time, from its
 * own thread: {@code minutes} of readings starting at {@code base}, one per sensor and second of
 * sensor time, at {@code speed} times real time. Keys are sensor ids ({@code s-1} …), values the
 * JSON of {@link SensorReading}. The sensors' clocks jitter: a reading is stamped up to 3 s before
 * its nominal second, so readings arrive slightly out of order, well within the pipeline's
 * allowed delay. Values are multiples of 1/8, so sums are exact and a recomputation matches the
 * pipeline's figures to the last bit. The sequence is seeded.
 *
 * <p>Keeps every reading the broker acknowledged ({@link #acknowledged()}) for the example's
 * check. Start with {@link #start()}; {@link #finish()} waits for the replay to end and closes the
 * producer; both are called from one controlling thread.
 */
final class SensorFeed implements Runnable {

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final long base;
    private final long total;
    private final int sensors;
    private final int readingsPerSecond;
    private final Thread thread;
    private final SplittableRandom random = new SplittableRandom(11);
    private final List<SensorReading> acknowledged = new ArrayList<>();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private volatile boolean stopRequested;

    SensorFeed(String bootstrapServers, String topic, long base, Duration span, int speed, int sensors) {
        this.topic = topic;
        this.base = base;
        this.sensors = sensors;
        this.total = span.toSeconds() * sensors;
        this.readingsPerSecond = speed * sensors;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "sensor-feed",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
        this.thread = new Thread(this, "sensor-feed");
    }

    void start() {
        thread.start();
    }

    /** Whether the replay is still sending. */
    boolean running() {
        return thread.isAlive();
    }

    /** Ends the replay early (if it still runs), waits for it, and closes the producer. */
    void stop() {
        stopRequested = true;
        finish();
    }

    /** Waits for the replay to end and every reading sent to be acknowledged, and closes the producer. */
    void finish() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
    }

    /** Readings the broker acknowledged, in the order they were sent. */
    List<SensorReading> acknowledged() {
        synchronized (acknowledged) {
            return List.copyOf(acknowledged);
        }
    }

    /** How many readings the broker acknowledged. */
    long produced() {
        synchronized (acknowledged) {
            return acknowledged.size();
        }
    }

    /** The first send that failed, if any. */
    Exception failure() {
        return sendFailure.get();
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        long tick = Duration.ofMillis(10).toNanos();
        long sent = 0;
        while (sent < total && !stopRequested && sendFailure.get() == null) {
            long due = Math.min(total, (System.nanoTime() - start) * readingsPerSecond / 1_000_000_000L);
            while (sent < due && !stopRequested) {
                send(sent++);
            }
            LockSupport.parkNanos(tick);   // pacing the replay, not waiting for an outcome
        }
        producer.flush();
    }

    private void send(long n) {
        int sensor = (int) (n % sensors) + 1;
        long second = n / sensors;
        long nominal = base + second * 1000;
        long time = Math.max(base, nominal - random.nextInt(3_001));
        // a slow daily-like swing per sensor, plus noise, rounded to 1/8 degree
        double phase = second / 600.0 * 2 * Math.PI + sensor;
        double value = Math.round((20 + sensor + 4 * Math.sin(phase) + random.nextDouble() - 0.5) * 8) / 8.0;
        SensorReading reading = new SensorReading("s-" + sensor, time, value);
        String json = new String(SensorReading.serde().serialize(topic, reading), java.nio.charset.StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, reading.sensor(), json), (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
                return;
            }
            synchronized (acknowledged) {
                acknowledged.add(reading);
            }
        });
    }
}
