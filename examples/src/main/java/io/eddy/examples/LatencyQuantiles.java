package io.eddy.examples;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.sketches.Approx;
import io.eddy.sketches.Quantiles;
import io.eddy.sketches.Sketches;
import java.time.Duration;
import java.util.Locale;

/**
 * Latency percentiles per service per minute: request latencies (key the service, value the
 * latency in milliseconds, event time the record timestamp) go into a KLL sketch per service and
 * one-minute window; when the window closes, its p50, p95 and p99 are written as text, and the
 * sketch itself to a second topic for whoever wants other ranks or to merge minutes into hours.
 *
 * <p>Accuracy: each percentile is the value at a rank within 1.65 % of the one asked (k = 200, 99 %
 * confidence); exact while a window holds fewer than 200 requests.
 *
 * <pre>
 *   request-latencies (service → ms) → group by service → 1-minute windows, grace 5 s → KLL → FINAL
 *     → latency-percentiles ("p50=… p95=… p99=… n=…")  and  latency-sketches (the KLL bytes)
 * </pre>
 */
public final class LatencyQuantiles {

    /** The window size. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** How long after its end a window still takes requests. */
    public static final Duration GRACE = Duration.ofSeconds(5);

    private LatencyQuantiles() {
    }

    /**
     * Defines the pipeline on {@code p}: reads {@code input}, writes {@code percentiles} (windowed
     * string keys, text values) and {@code sketches} (windowed string keys, {@link Quantiles#serde()}).
     * The window store is {@code latency-per-service}.
     */
    public static void pipeline(Pipeline p, String input, String percentiles, String sketches) {
        var perMinute = Approx.aggregate(
                        p.kafka(input, Consumed.with(Serdes.string(), Serdes.doubles()))
                                .groupByKey(Grouped.with(Serdes.string(), Serdes.doubles()))
                                .window(TumblingWindows.of(WINDOW).grace(GRACE)),
                        Sketches.<Double>quantiles(ms -> ms), Named.as("latency-per-service"))
                .emit(OutputMode.FINAL);
        perMinute.toKafka(sketches, Produced.with(WindowedSerde.of(Serdes.string()), Quantiles.serde()));
        perMinute.mapValues(LatencyQuantiles::summary)
                .toKafka(percentiles, Produced.with(WindowedSerde.of(Serdes.string()), Serdes.string()));
    }

    /** {@code "p50=12.0 p95=48.0 p99=97.0 n=1000"}: the percentiles in milliseconds and the request count. */
    public static String summary(Quantiles q) {
        double[] p = q.quantiles(0.5, 0.95, 0.99);
        return String.format(Locale.ROOT, "p50=%.1f p95=%.1f p99=%.1f n=%d", p[0], p[1], p[2], q.count());
    }
}
