package io.eddy.examples;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays a synthetic web-server access log into a topic, faster than real time, from its own
 * thread: {@code minutes} of log starting at {@code base}, at {@code speed} times real time,
 * {@code linesPerSecond} lines per wall-clock second. Keys are client addresses, values Common
 * Log Format lines ({@link WebLogLine#toLogLine()}). The sequence is seeded, so every run sends
 * the same lines.
 *
 * <p>Like a real log shipped from several servers, the lines are not quite in order: about 8 %
 * carry a timestamp 1–10 s behind the log's clock (out of order, but within the pipeline's
 * allowed delay) and about 1 % — once the log is old enough — one 150–210 s behind (so late that
 * their window has closed). The log's clock advances with the line number, so the event times do
 * not depend on how fast the broker accepts the lines.
 *
 * <p>Counts only what the broker acknowledged. Start with {@link #start()}; {@link #finish()}
 * waits for the replay to end (or {@link #stop()} ends it early) and closes the producer. Both are
 * called from one controlling thread.
 */
final class WebLogFeed implements Runnable {

    private static final String[] TARGETS = {"/", "/index.html", "/index.html", "/products", "/products?page=2",
        "/products/42", "/products/7?ref=mail", "/cart", "/checkout", "/search?q=shoes", "/images/logo.png",
        "/images/logo.png"};
    private static final String[] METHODS = {"GET", "GET", "GET", "GET", "POST"};
    private static final int[] STATUSES = {200, 200, 200, 200, 200, 200, 304, 404, 500};

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final long base;
    private final long total;
    private final double eventMillisPerLine;
    private final int linesPerSecond;
    private final Thread thread;
    private final SplittableRandom random = new SplittableRandom(7);
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong veryLate = new AtomicLong();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private volatile boolean stopRequested;

    WebLogFeed(String bootstrapServers, String topic, long base, Duration logSpan, int speed, int linesPerSecond) {
        this.topic = topic;
        this.base = base;
        this.linesPerSecond = linesPerSecond;
        this.total = Math.max(1, logSpan.toMillis() * linesPerSecond / speed / 1000);
        this.eventMillisPerLine = (double) logSpan.toMillis() / total;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "weblog-feed",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
        this.thread = new Thread(this, "weblog-feed");
    }

    void start() {
        thread.start();
    }

    /** Whether the replay is still sending. */
    boolean running() {
        return thread.isAlive();
    }

    /** Ends the replay early; then {@link #finish()}. */
    void stop() {
        stopRequested = true;
        finish();
    }

    /** Waits for the replay to end and every line sent to be acknowledged, and closes the producer. */
    void finish() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
    }

    /** Lines the broker acknowledged. */
    long produced() {
        return acknowledged.get();
    }

    /** Acknowledged lines sent a little out of order (1–10 s). */
    long outOfOrder() {
        return outOfOrder.get();
    }

    /** Acknowledged lines sent very late (150–210 s behind the log's clock). */
    long veryLate() {
        return veryLate.get();
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
            long due = Math.min(total, (System.nanoTime() - start) * linesPerSecond / 1_000_000_000L);
            while (sent < due && !stopRequested) {
                send(sent++);
            }
            LockSupport.parkNanos(tick);   // pacing the replay, not waiting for an outcome
        }
        producer.flush();
    }

    private void send(long line) {
        long clock = base + (long) (line * eventMillisPerLine);
        long time = clock;
        int disorder = random.nextInt(100);
        boolean late = false;
        boolean behind = false;
        if (disorder < 1 && clock - 210_000 >= base) {
            time = clock - 150_000 - random.nextInt(60_001);
            late = true;
        } else if (disorder < 9) {
            time = Math.max(base, clock - 1_000 - random.nextInt(9_001));
            behind = time < clock;
        }
        String client = "10.0." + random.nextInt(4) + "." + (1 + random.nextInt(50));
        WebLogLine entry = new WebLogLine(client, time / 1000 * 1000, METHODS[random.nextInt(METHODS.length)],
                TARGETS[random.nextInt(TARGETS.length)], STATUSES[random.nextInt(STATUSES.length)],
                200 + random.nextInt(20_000));
        boolean veryLateLine = late;
        boolean outOfOrderLine = behind;
        producer.send(new ProducerRecord<>(topic, client, entry.toLogLine()), (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
                return;
            }
            acknowledged.incrementAndGet();
            if (veryLateLine) {
                veryLate.incrementAndGet();
            } else if (outOfOrderLine) {
                outOfOrder.incrementAndGet();
            }
        });
    }
}
