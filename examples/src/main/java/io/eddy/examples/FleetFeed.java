package io.eddy.examples;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * Replays a simulated fleet's telematics into a topic, faster than real time, from its own
 * thread. Keys are vehicle ids ({@code truck-1} …), values the JSON of {@link VehicleEvent}s.
 *
 * <p>The simulation ({@link #simulate}) is seeded, and knows the trips it drives, so the example
 * can check the pipeline's output against them. Each vehicle parks for 1 to 6 minutes (a report
 * with the ignition off every minute), then drives for 3 to 12 minutes (a report every 10 s,
 * ending with the ignition off), and again, until 3 minutes before the end, when every vehicle
 * stays parked. Along the way:
 * <ul>
 *   <li>every report is sent up to 20 s after its time (mobile coverage), so reports arrive out
 *       of order, well within the pipeline's allowed delay;</li>
 *   <li>some trips go silent part of the way (the unit loses power): no report for the silence
 *       timeout plus 2 minutes, then parked reports again: the trip ends at its last report;</li>
 *   <li>about one report in 50 has a glitched odometer (500 km too far), sent as an extra report
 *       5 s after a real one; the trip leaves it out;</li>
 *   <li>about one driving report in 50 is sent a second time 10 minutes later (a unit replaying
 *       its buffer), far behind the watermark.</li>
 * </ul>
 * Start with {@link #start()}; {@link #finish()} waits for the replay to end and closes the
 * producer; both are called from one controlling thread.
 */
final class FleetFeed implements Runnable {

    /** How long a vehicle stays silent beyond the timeout when its unit loses power. */
    private static final Duration SILENT_EXTRA = Duration.ofMinutes(2);
    /** The end of the replay in which every vehicle is parked, so the last trips get closed. */
    private static final Duration PARKED_TAIL = Duration.ofMinutes(3);
    private static final long REPORT_EVERY = 10_000;
    private static final long PARKED_REPORT_EVERY = 60_000;
    private static final long MAX_SEND_DELAY = 20_000;
    private static final long RESEND_AFTER = Duration.ofMinutes(10).toMillis();
    private static final long GLITCH_METERS = 500_000;

    /**
     * What the simulation sends and what it expects.
     *
     * @param sends the reports in the order they are sent
     * @param trips the trips it drove, as the pipeline should report them
     * @param glitches reports with a glitched odometer among the sends
     * @param resends reports sent a second time among the sends
     */
    record Simulation(List<Send> sends, List<Trip> trips, int glitches, int resends) {
    }

    /** A report and the fleet time at which it is sent. */
    record Send(long at, VehicleEvent event) {
    }

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final Simulation simulation;
    private final long base;
    private final int speed;
    private final Thread thread;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private volatile boolean stopRequested;

    FleetFeed(String bootstrapServers, String topic, Simulation simulation, long base, int speed) {
        this.topic = topic;
        this.simulation = simulation;
        this.base = base;
        this.speed = speed;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "fleet-feed",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,   // keeps each partition in send order
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
        this.thread = new Thread(this, "fleet-feed");
    }

    /**
     * Simulates {@code vehicles} vehicles from {@code base} for {@code span}; a pure function of its
     * arguments.
     */
    static Simulation simulate(long base, Duration span, int vehicles, Duration silenceTimeout, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Send> sends = new ArrayList<>();
        List<Trip> trips = new ArrayList<>();
        int[] glitches = {0};
        int[] resends = {0};
        long end = base + span.toMillis();
        long lastTripEnd = end - PARKED_TAIL.toMillis();
        long silence = silenceTimeout.toMillis();
        for (int v = 1; v <= vehicles; v++) {
            String vehicle = "truck-" + v;
            long odometer = random.nextLong(10_000_000, 200_000_000);
            int governor = 80 + 5 * (v % 7);   // each truck's speed limiter, 80 to 110 km/h
            long t = base + random.nextLong(0, 60) * 1000;
            List<VehicleEvent> reports = new ArrayList<>();
            int tripNumber = 0;
            while (true) {
                long parkedUntil = t + random.nextLong(1, 7) * 60_000;
                for (; t < parkedUntil; t += PARKED_REPORT_EVERY) {
                    reports.add(new VehicleEvent(vehicle, t, false, odometer, 0));
                }
                long tripLength = random.nextLong(3, 13) * 60_000;
                boolean silent = (tripNumber == 0 && v % 4 == 2) || random.nextDouble() < 0.1;
                long silentAt = silent ? t + random.nextLong(1, tripLength / 60_000) * 60_000 : Long.MAX_VALUE;
                if (t + tripLength + silence + SILENT_EXTRA.toMillis() >= lastTripEnd) {
                    break;
                }
                tripNumber++;
                // the trip: ignition on, a report every 10 s, ignition off
                long start = t;
                long startOdometer = odometer;
                int maxSpeed = 0;
                int count = 1;
                int kmh = 0;
                reports.add(new VehicleEvent(vehicle, t, true, odometer, 0));
                for (t += REPORT_EVERY; t < start + tripLength && t < silentAt; t += REPORT_EVERY) {
                    kmh = Math.max(5, Math.min(governor, kmh + random.nextInt(-15, 21)));
                    odometer += Math.round(kmh * REPORT_EVERY / 3600.0);
                    reports.add(new VehicleEvent(vehicle, t, true, odometer, kmh));
                    count++;
                    maxSpeed = Math.max(maxSpeed, kmh);
                    if (random.nextDouble() < 0.02) {
                        reports.add(new VehicleEvent(vehicle, t + 5_000, true, odometer + GLITCH_METERS, kmh));
                        glitches[0]++;
                    }
                }
                if (silent) {
                    long last = t - REPORT_EVERY;
                    trips.add(new Trip(vehicle, Instant.ofEpochMilli(start), Instant.ofEpochMilli(last),
                            odometer - startOdometer, maxSpeed, count, Trip.Ending.SILENCE));
                    odometer += random.nextLong(0, 5_000);   // it drove on, unheard, and parked
                    t = last + silence + SILENT_EXTRA.toMillis();
                } else {
                    reports.add(new VehicleEvent(vehicle, t, false, odometer, 0));
                    trips.add(new Trip(vehicle, Instant.ofEpochMilli(start), Instant.ofEpochMilli(t),
                            odometer - startOdometer, maxSpeed, count + 1, Trip.Ending.IGNITION_OFF));
                    t += PARKED_REPORT_EVERY;
                }
            }
            for (; t < end; t += PARKED_REPORT_EVERY) {
                reports.add(new VehicleEvent(vehicle, t, false, odometer, 0));
            }
            for (VehicleEvent report : reports) {
                sends.add(new Send(report.timestamp() + random.nextLong(0, MAX_SEND_DELAY + 1), report));
                if (report.ignition() && random.nextDouble() < 0.02 && report.timestamp() + RESEND_AFTER < end) {
                    sends.add(new Send(report.timestamp() + RESEND_AFTER, report));
                    resends[0]++;
                }
            }
        }
        sends.sort(Comparator.comparingLong(Send::at));   // stable: a vehicle's equal times keep their order
        return new Simulation(List.copyOf(sends), List.copyOf(trips), glitches[0], resends[0]);
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

    /** Waits for the replay to end and every report sent to be acknowledged, and closes the producer. */
    void finish() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
    }

    /** How many reports the broker acknowledged. */
    long acknowledged() {
        return acknowledged.get();
    }

    /** The first send that failed, if any. */
    Exception failure() {
        return sendFailure.get();
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        int next = 0;
        List<Send> sends = simulation.sends();
        while (next < sends.size() && !stopRequested && sendFailure.get() == null) {
            long fleetNow = base + (System.nanoTime() - started) / 1_000_000 * speed;
            while (next < sends.size() && sends.get(next).at() <= fleetNow && !stopRequested) {
                send(sends.get(next++).event());
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());   // pacing the replay, not waiting for an outcome
        }
        producer.flush();
    }

    private void send(VehicleEvent report) {
        String json = new String(VehicleEvent.serde().serialize(topic, report), StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, report.vehicle(), json), (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
            } else {
                acknowledged.incrementAndGet();
            }
        });
    }
}
