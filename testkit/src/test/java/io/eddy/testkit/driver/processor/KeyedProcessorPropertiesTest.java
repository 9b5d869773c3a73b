package io.eddy.testkit.driver.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.processor.KeyedContext;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.ListStateSpec;
import io.eddy.processor.StateSpec;
import io.eddy.processor.TimeDomain;
import io.eddy.processor.Timer;
import io.eddy.processor.ValueState;
import io.eddy.processor.ValueStateSpec;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.TestOutputTopic;
import io.eddy.testkit.driver.TestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The keyed processor against a brute-force reference: random keys, values and event times (in
 * and out of order), batch boundaries, clock advances and restarts (every store restored from
 * its changelog) at random batch boundaries. The processor under test uses a value state with a
 * TTL, a list state, event-time and processing-time timers, timer deletion and a final dump of
 * its state; the reference keeps the same state in plain maps and fires timers by the rules of
 * {@link io.eddy.processor.TimerService}, reading each task's committed watermark from the
 * driver (how the watermark moves is the event-time suite's subject, not this one's). Every
 * key's outputs, and the final state, must equal the reference's.
 */
class KeyedProcessorPropertiesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int PARTITIONS = 3;
    private static final long EVENT_DELAY = 20_000;
    private static final long PROCESSING_DELAY = 30_000;
    private static final long TTL = 25_000;
    private static final long DUMP = -1;

    static final ValueStateSpec<Long> SUM = StateSpec.value("sum", Serdes.longs()).withTtl(Duration.ofMillis(TTL));
    static final ListStateSpec<Long> VALUES = StateSpec.list("values", Serdes.longs());

    /** The processor under test. */
    static final class Probe implements KeyedProcessor<String, Long, String, String> {
        @Override
        public void process(String key, Long value, KeyedContext<String, String, String> ctx) {
            ValueState<Long> sum = ctx.state(SUM);
            if (value == DUMP) {
                ctx.forward(key, "dump sum=" + sum.get() + " values=" + ctx.state(VALUES).get()
                        + " timers=" + ctx.timers().list());
                return;
            }
            if (value == 0) {
                ctx.timers().deleteAll();
                ctx.state(VALUES).clear();
                return;
            }
            sum.update(sum.exists() ? sum.get() + value : value);
            ctx.state(VALUES).append(value);
            ctx.timers().registerEventTime(ctx.timestamp() + EVENT_DELAY);
            ctx.timers().registerProcessingTime(ctx.currentProcessingTime() + PROCESSING_DELAY);
        }

        @Override
        public void onTimer(String key, Timer timer, KeyedContext<String, String, String> ctx) {
            if (timer.domain() == TimeDomain.EVENT_TIME) {
                ctx.forward(key, "E@" + timer.time() + " sum=" + ctx.state(SUM).get() + " values="
                        + ctx.state(VALUES).get());
                ctx.state(VALUES).clear();
            } else {
                ctx.forward(key, "P@" + timer.time() + " sum=" + ctx.state(SUM).get());
            }
        }
    }

    /** One input record: key index, value (0 deletes timers and values), event time offset from the step's base. */
    record In(int key, long value, long eventOffsetMs) {
    }

    /** Records piped before one batch, then how far the clock moves, then whether the app restarts. */
    record Step(List<In> records, long advanceMs, boolean restart) {
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void everyOutputAndTheFinalStateEqualTheReference(@ForAll("steps") List<Step> steps) {
        Reference ref = new Reference();
        Map<String, List<String>> actual = new TreeMap<>();
        try (TestDriver d = TestDriver.builder().startTime(T0).defaultPartitions(PARTITIONS)
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.longs()))
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.longs()))
                        .process(Probe::new, List.of(SUM, VALUES), Named.as("probe"))
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.string())))
                .build()) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            TestOutputTopic<String, String> out = d.output("out", Serdes.string(), Serdes.string());
            long base = T0.toEpochMilli();
            for (Step step : steps) {
                List<In> batch = new ArrayList<>(step.records());
                for (In r : batch) {
                    long ts = Math.max(0, base + r.eventOffsetMs());
                    in.pipe(r.key() % PARTITIONS, "k" + r.key(), r.value(), Instant.ofEpochMilli(ts), new RecordHeaders());
                }
                d.runBatch();
                ref.batch(batch, base, d.now().toEpochMilli(), watermarks(d));
                collect(out, actual);
                if (step.restart()) {
                    d.restart();
                }
                d.advanceTime(Duration.ofMillis(step.advanceMs()));
                base += step.advanceMs();
            }
            List<In> dumps = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                dumps.add(new In(k, DUMP, 0));
                in.pipe(k % PARTITIONS, "k" + k, DUMP, Instant.ofEpochMilli(base), new RecordHeaders());
            }
            d.runBatch();
            ref.batch(dumps, base, d.now().toEpochMilli(), watermarks(d));
            collect(out, actual);
        }
        assertThat(actual).isEqualTo(ref.outputs);
        long event = actual.values().stream().flatMap(List::stream).filter(v -> v.startsWith("E@")).count();
        long processing = actual.values().stream().flatMap(List::stream).filter(v -> v.startsWith("P@")).count();
        long expired = actual.values().stream().flatMap(List::stream).filter(v -> v.contains("sum=null")).count();
        net.jqwik.api.statistics.Statistics.label("event-time timers fired").collect(event == 0 ? "0" : event < 5 ? "1-4" : "5+");
        net.jqwik.api.statistics.Statistics.label("processing-time timers fired")
                .collect(processing == 0 ? "0" : processing < 5 ? "1-4" : "5+");
        net.jqwik.api.statistics.Statistics.label("outputs seeing expired state").collect(expired == 0 ? "0" : "1+");
    }

    private static long[] watermarks(TestDriver d) {
        long[] wm = new long[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            wm[p] = d.watermark(p).map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        }
        return wm;
    }

    private static void collect(TestOutputTopic<String, String> out, Map<String, List<String>> actual) {
        for (TestRecord<String, String> r : out.readRecords()) {
            actual.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        }
    }

    /** The processor's semantics over plain maps. */
    static final class Reference {
        final Map<String, List<String>> outputs = new TreeMap<>();
        final Map<String, Long> sum = new HashMap<>();
        final Map<String, Long> sumExpiry = new HashMap<>();
        final Map<String, List<Long>> values = new HashMap<>();
        final Map<String, TreeSet<Long>> eventTimers = new HashMap<>();
        final Map<String, TreeSet<Long>> processingTimers = new HashMap<>();

        void batch(List<In> records, long base, long now, long[] watermarks) {
            for (In r : records) {
                String key = "k" + r.key();
                long ts = Math.max(0, base + r.eventOffsetMs());
                if (r.value() == DUMP) {
                    List<String> timers = new ArrayList<>();
                    eventTimers.getOrDefault(key, new TreeSet<>()).forEach(t -> timers.add(
                            new Timer(TimeDomain.EVENT_TIME, t).toString()));
                    processingTimers.getOrDefault(key, new TreeSet<>()).forEach(t -> timers.add(
                            new Timer(TimeDomain.PROCESSING_TIME, t).toString()));
                    out(key, "dump sum=" + liveSum(key, now) + " values=" + values.getOrDefault(key, List.of())
                            + " timers=" + timers);
                } else if (r.value() == 0) {
                    eventTimers.remove(key);
                    processingTimers.remove(key);
                    values.remove(key);
                } else {
                    Long s = liveSum(key, now);
                    sum.put(key, s == null ? r.value() : s + r.value());
                    sumExpiry.put(key, now + TTL);
                    values.computeIfAbsent(key, k -> new ArrayList<>()).add(r.value());
                    eventTimers.computeIfAbsent(key, k -> new TreeSet<>()).add(ts + EVENT_DELAY);
                    processingTimers.computeIfAbsent(key, k -> new TreeSet<>()).add(now + PROCESSING_DELAY);
                }
            }
            // the commit: per key, event-time timers the task's watermark reached, then processing-time ones
            for (String key : new ArrayList<>(keysWithTimers())) {
                long wm = watermarks[Integer.parseInt(key.substring(1)) % PARTITIONS];
                TreeSet<Long> et = eventTimers.getOrDefault(key, new TreeSet<>());
                while (!et.isEmpty() && et.first() <= wm) {
                    long t = et.pollFirst();
                    out(key, "E@" + t + " sum=" + liveSum(key, now) + " values=" + values.getOrDefault(key, List.of()));
                    values.remove(key);
                }
                TreeSet<Long> pt = processingTimers.getOrDefault(key, new TreeSet<>());
                while (!pt.isEmpty() && pt.first() <= now) {
                    long t = pt.pollFirst();
                    out(key, "P@" + t + " sum=" + liveSum(key, now));
                }
            }
        }

        private java.util.Set<String> keysWithTimers() {
            java.util.Set<String> keys = new TreeSet<>(eventTimers.keySet());
            keys.addAll(processingTimers.keySet());
            return keys;
        }

        private Long liveSum(String key, long now) {
            Long expiry = sumExpiry.get(key);
            return expiry == null || expiry <= now ? null : sum.get(key);
        }

        private void out(String key, String value) {
            outputs.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<In> record = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.longs().between(0, 9), Arbitraries.longs().between(-15_000, 25_000)).as(In::new);
        Arbitrary<Step> step = Combinators.combine(record.list().ofMaxSize(6),
                Arbitraries.longs().between(0, 20_000), Arbitraries.integers().between(0, 3).map(i -> i == 0))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(14);
    }
}
