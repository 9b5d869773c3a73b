package io.eddy.testkit.driver.eventtime;

import static org.assertj.core.api.Assertions.fail;

import io.eddy.dsl.Pipeline;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestOutputTopic;
import io.eddy.testkit.driver.TestRecord;
import io.eddy.testkit.driver.eventtime.Scenario.Batch;
import io.eddy.testkit.driver.eventtime.Scenario.In;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Runs a {@link Scenario} on the {@link TestDriver} and collects what each batch committed, and
 * compares that with the {@link EventTimeReference}'s output.
 */
final class DriverRun {

    /** How an output topic's records are read back as text. */
    enum OutputKind {
        /** String keys and values (late records, dedup, joins). */
        PLAIN,
        /** Windowed string keys, string values. */
        WINDOWED,
        /** Windowed string keys, long values (count). */
        WINDOWED_COUNT,
        /** Session-windowed string keys, string values. */
        SESSION,
        /** Session-windowed string keys, long values. */
        SESSION_COUNT
    }

    private DriverRun() {
    }

    /**
     * Runs {@code scenario} against {@code pipeline} (inputs {@code inputTopics}, each with the
     * scenario's partition count) and returns what was committed, batch by batch.
     */
    static List<Emitted> run(Scenario scenario, Consumer<? super Pipeline> pipeline, List<String> inputTopics,
                             Map<String, OutputKind> outputs) {
        TestDriver.Builder builder = TestDriver.builder().pipeline(pipeline);
        inputTopics.forEach(t -> builder.partitions(t, scenario.partitions()));
        List<Emitted> out = new ArrayList<>();
        try (TestDriver driver = builder.build()) {
            Map<String, TestOutputTopic<byte[], byte[]>> readers = new LinkedHashMap<>();
            outputs.keySet().forEach(t -> readers.put(t, driver.output(t, Serdes.bytes(), Serdes.bytes())));
            long lateSoFar = 0;
            for (int b = 0; b < scenario.batches().size(); b++) {
                Batch batch = scenario.batches().get(b);
                if (batch.advanceMs() > 0) {
                    driver.advanceTime(Duration.ofMillis(batch.advanceMs()));
                }
                if (batch.restartBefore()) {
                    driver.restart();
                }
                for (In r : batch.records()) {
                    driver.input(r.topic(), Serdes.string(), Serdes.string())
                            .pipe(r.partition(), r.key(), r.value(), Instant.ofEpochMilli(r.timestamp()), new RecordHeaders());
                }
                driver.runBatch();
                long late = driver.lateRecords();
                for (long i = lateSoFar; i < late; i++) {
                    out.add(EventTimeReference.lateCount(b));
                }
                lateSoFar = late;
                for (Map.Entry<String, TestOutputTopic<byte[], byte[]>> e : readers.entrySet()) {
                    for (TestRecord<byte[], byte[]> rec : e.getValue().readRecords()) {
                        out.add(decode(b, scenario, e.getKey(), outputs.get(e.getKey()), rec));
                    }
                }
            }
        }
        return out;
    }

    private static final Serde<Windowed<String>> WINDOWED = WindowedSerde.of(Serdes.string());

    private static Emitted decode(int batch, Scenario scenario, String topic, OutputKind kind, TestRecord<byte[], byte[]> r) {
        String key;
        String innerKey;
        if (kind == OutputKind.PLAIN) {
            innerKey = Serdes.string().deserialize(topic, r.key());
            key = innerKey;
        } else {
            Windowed<String> w = WINDOWED.deserialize(topic, r.key());
            innerKey = w.key();
            boolean session = kind == OutputKind.SESSION || kind == OutputKind.SESSION_COUNT;
            key = w.key() + "[" + (w.start() - Scenario.T0) + "," + (w.end() - Scenario.T0) + (session ? "]" : ")");
        }
        String value;
        if (r.value() == null) {
            value = null;
        } else if (kind == OutputKind.WINDOWED_COUNT || kind == OutputKind.SESSION_COUNT) {
            value = String.valueOf(Serdes.longs().deserialize(topic, r.value()));
        } else {
            value = Serdes.string().deserialize(topic, r.value());
        }
        return new Emitted(batch, Scenarios.partitionOf(innerKey, scenario.partitions()), topic, key, value,
                r.timestamp(), false);
    }

    /**
     * Asserts that the driver committed, in every batch, for every task and topic, exactly what
     * the reference expects (and counted as many late records per batch, see
     * {@link EventTimeReference#countedLate}): the same records in the same order for the topics in
     * {@code ordered}, the same multiset for the others (where records the reference marks
     * optional may be missing).
     */
    static void assertSame(Scenario scenario, String what, List<Emitted> expected, List<Emitted> actual,
                           Set<String> ordered) {
        Map<String, List<Emitted>> exp = group(expected);
        Map<String, List<Emitted>> act = group(actual);
        Set<String> groups = new java.util.TreeSet<>(Comparator.comparing(DriverRun::groupOrder));
        groups.addAll(exp.keySet());
        groups.addAll(act.keySet());
        for (String g : groups) {
            List<Emitted> e = exp.getOrDefault(g, List.of());
            List<Emitted> a = act.getOrDefault(g, List.of());
            String topic = g.substring(g.lastIndexOf(' ') + 1);
            String problem = ordered.contains(topic) ? compareOrdered(e, a) : compareUnordered(e, a);
            if (problem != null) {
                fail(what + ": " + problem + " in " + g + "\n  expected: " + contents(e) + "\n  actual:   " + contents(a)
                        + "\nexpected (all): " + byBatch(expected) + "\nactual (all):   " + byBatch(actual) + "\n" + scenario);
            }
        }
    }

    private static String compareOrdered(List<Emitted> e, List<Emitted> a) {
        List<String> ec = e.stream().map(Emitted::content).toList();
        List<String> ac = a.stream().map(Emitted::content).toList();
        return ec.equals(ac) ? null : "different records (order matters)";
    }

    private static String compareUnordered(List<Emitted> e, List<Emitted> a) {
        List<String> remaining = new ArrayList<>(a.stream().map(Emitted::content).toList());
        for (Emitted x : e) {
            if (!x.optional() && !remaining.remove(x.content())) {
                return "missing " + x.content();
            }
        }
        for (Emitted x : e) {
            if (x.optional()) {
                remaining.remove(x.content());
            }
        }
        return remaining.isEmpty() ? null : "unexpected " + remaining;
    }

    private static Map<String, List<Emitted>> group(List<Emitted> records) {
        Map<String, List<Emitted>> m = new TreeMap<>();
        for (Emitted r : records) {
            m.computeIfAbsent("batch " + r.batch() + " task " + r.task() + " topic " + r.topic(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    private static String groupOrder(String g) {
        String[] parts = g.split(" ");
        return String.format("%06d %03d %s", Integer.parseInt(parts[1]), Integer.parseInt(parts[3]) + 1, parts[5]);
    }

    private static String contents(List<Emitted> records) {
        return records.stream().map(r -> r.content() + (r.optional() ? "?" : "")).toList().toString();
    }

    /** Records jqwik statistics about what a try exercised, so that a vacuous generator shows. */
    static void statistics(Scenario scenario, List<Emitted> expected) {
        net.jqwik.api.statistics.Statistics.label("restarts")
                .collect(bucket(scenario.batches().stream().filter(Batch::restartBefore).count()));
        net.jqwik.api.statistics.Statistics.label("idle-timeout advances before the final quiet batches")
                .collect(bucket(scenario.batches().stream().filter(b -> b.advanceMs() >= Scenario.IDLE_TIMEOUT_MS
                        && b.advanceMs() < Scenarios.QUIET_MS).count()));
        long out = expected.stream().filter(e -> e.topic().equals("out")).count();
        long late = expected.stream().filter(e -> e.topic().equals("late")).count();
        net.jqwik.api.statistics.Statistics.label("output records").collect(bucket(out));
        long counted = expected.stream().filter(e -> e.topic().equals(EventTimeReference.LATE_COUNT)).count();
        net.jqwik.api.statistics.Statistics.label("late records").collect(bucket(late + counted));
        net.jqwik.api.statistics.Statistics.label("batches with output")
                .collect(bucket(expected.stream().mapToInt(Emitted::batch).distinct().count()));
    }

    private static String bucket(long n) {
        return n == 0 ? "0" : n < 3 ? "1-2" : n < 10 ? "3-9" : n < 30 ? "10-29" : "30+";
    }

    /** A compact listing: per batch, the records. */
    static String byBatch(List<Emitted> records) {
        Map<Integer, List<Emitted>> m = new TreeMap<>();
        records.forEach(r -> m.computeIfAbsent(r.batch(), k -> new ArrayList<>()).add(r));
        return m.entrySet().stream().map(e -> "\n    b" + e.getKey() + ": " + e.getValue().stream()
                        .map(r -> "t" + r.task() + " " + r.topic() + " " + r.content() + (r.optional() ? "?" : ""))
                        .collect(Collectors.joining(", ")))
                .collect(Collectors.joining());
    }
}
