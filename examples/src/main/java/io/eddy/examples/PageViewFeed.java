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
 * Writes synthetic page views to a topic at a steady rate from its own thread, the way a web
 * tier would: keys are user ids ({@code user-0} … {@code user-999}, and {@code lb-probe} for the
 * load balancer's health checks, about 5 %), values the JSON of {@link PageView#toInputJson()},
 * with a mix of pages and API calls (about 30 %) and URLs in assorted spellings for the pipeline
 * to normalise. The sequence is seeded, so every run sends the same views.
 *
 * <p>Counts only what the broker acknowledged, so after {@link #stop()} the counts are exactly
 * what the input topic holds. Start with {@link #start()}, stop with {@link #stop()}; both are
 * called from one controlling thread.
 */
final class PageViewFeed implements Runnable {

    private static final String[] HOSTS = {"https://shop.example", "https://Shop.Example", "http://shop.example:8080", ""};
    private static final String[] PAGES = {"/", "/products/%d", "/Products/%d/", "/cart", "/checkout?step=2",
        "/search?q=shoes", "/products/%d?utm_source=mail#reviews"};
    private static final String[] API = {"/api/v1/orders", "/API/v1/products/%d", "/api/v1/cart/items?limit=20"};

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int recordsPerSecond;
    private final Thread thread;
    private final SplittableRandom random = new SplittableRandom(42);
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong healthChecks = new AtomicLong();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private volatile boolean stopRequested;
    private long sent;

    PageViewFeed(String bootstrapServers, String topic, int recordsPerSecond) {
        this.topic = topic;
        this.recordsPerSecond = recordsPerSecond;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "demo-feed",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
        this.thread = new Thread(this, "demo-feed");
    }

    void start() {
        thread.start();
    }

    /** Stops sending, waits for every record sent to be acknowledged, and closes the producer. */
    void stop() {
        stopRequested = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
    }

    /** Views the broker acknowledged. */
    long produced() {
        return acknowledged.get();
    }

    /** Acknowledged views that are health checks, which the pipeline filters out. */
    long healthChecks() {
        return healthChecks.get();
    }

    /** The first send that failed, if any. */
    Exception failure() {
        return sendFailure.get();
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        long tick = Duration.ofMillis(10).toNanos();
        while (!stopRequested && sendFailure.get() == null) {
            long due = (System.nanoTime() - start) * recordsPerSecond / 1_000_000_000L;
            while (sent < due && !stopRequested) {
                send();
            }
            LockSupport.parkNanos(tick);   // pacing the feed, not waiting for an outcome
        }
        producer.flush();
    }

    private void send() {
        long view = sent++;
        String user = "user-" + random.nextInt(1000);
        int kind = random.nextInt(100);
        String path;
        if (kind < 5) {
            user = "lb-probe";
            path = "/healthz";
        } else if (kind < 35) {
            path = pick(API);
        } else {
            path = pick(PAGES);
        }
        String url = HOSTS[random.nextInt(HOSTS.length)] + path;
        boolean health = kind < 5;
        PageView pv = new PageView(view, url, System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, user, pv.toInputJson()), (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
                return;
            }
            acknowledged.incrementAndGet();
            if (health) {
                healthChecks.incrementAndGet();
            }
        });
    }

    private String pick(String[] templates) {
        String t = templates[random.nextInt(templates.length)];
        return t.contains("%d") ? String.format(t, random.nextInt(500)) : t;
    }
}
