package io.eddy.testkit.driver.eventtime;

import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowKind;
import io.eddy.testkit.driver.eventtime.EventTimeReference.WindowSpec;
import io.eddy.testkit.driver.eventtime.Scenario.Batch;
import io.eddy.testkit.driver.eventtime.Scenario.In;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of {@link Scenario}s: a few keys spread over 1 to 3 partitions, event times
 * that mostly advance with bounded disorder plus occasional very late records, random batch
 * boundaries and clock advances (some longer than the idle timeout), restarts of the driver
 * (state restored from the changelogs) before about one batch in ten that has input for every
 * task, and two quiet batches at the end (one hour each, no record) that close everything. Times are whole seconds, with the
 * occasional ±1 ms, so window boundaries, watermarks and idle timeouts are hit exactly.
 */
final class Scenarios {

    /** How records are laid out. */
    enum Shape {
        /** Topic {@code in}; value = record number; timestamp = event time. */
        WINDOWS,
        /** Topic {@code in}; value = {@code <seq>@<eventTime>}; the timestamp is unrelated (earlier). */
        EXTRACTOR,
        /** Topic {@code in}; value = {@code <id>/<seq>}, about 40% of records repeat an earlier id. */
        DEDUP,
        /** Topics {@code left} and {@code right}; values {@code L<seq>} / {@code R<seq>}. */
        JOIN
    }

    static final long QUIET_MS = 3_600_000;

    private Scenarios() {
    }

    /** The key of key index {@code i}: a, b, c, d (single ASCII bytes, so byte order is name order). */
    static String key(int i) {
        return String.valueOf((char) ('a' + i));
    }

    /** The partition every record of {@code key} goes to. */
    static int partitionOf(String key, int partitions) {
        return (key.charAt(0) - 'a') % partitions;
    }

    private record RawRecord(int keyIndex, long stepMs, long backMs, long jitterMs, boolean left, int dupPick,
                             boolean dupSameTime) {
    }

    private record RawBatch(long advanceMs, List<RawRecord> records, boolean restart) {
    }

    static Arbitrary<Scenario> scenarios(Shape shape) {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.longs().between(0, 5).map(s -> s * 1000),
                        rawBatch().list().ofMinSize(1).ofMaxSize(10))
                .as((partitions, keys, delay, batches) -> build(shape, partitions, keys, delay, batches));
    }

    private static Arbitrary<RawBatch> rawBatch() {
        @SuppressWarnings("unchecked")
        Arbitrary<Long> advance = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(0L)),
                Tuple.of(8, Arbitraries.longs().between(1, 3).map(s -> s * 1000)),
                Tuple.of(3, Arbitraries.longs().between(4, 9).map(s -> s * 1000)),
                Tuple.of(3, Arbitraries.longs().between(10, 15).map(s -> s * 1000)));
        return Combinators.combine(advance, rawRecord().list().ofMaxSize(6),
                Arbitraries.integers().between(0, 9).map(x -> x == 0)).as(RawBatch::new);
    }

    @SuppressWarnings("unchecked")
    private static Arbitrary<RawRecord> rawRecord() {
        Arbitrary<Long> step = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(5, Arbitraries.just(1000L)),
                Tuple.of(2, Arbitraries.longs().between(0, 3).map(s -> s * 1000)));
        Arbitrary<Long> back = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(0L)),
                Tuple.of(4, Arbitraries.longs().between(1, 8).map(s -> s * 1000)),
                Tuple.of(1, Arbitraries.longs().between(10, 40).map(s -> s * 1000)));
        Arbitrary<Long> jitter = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.just(-1L)),
                Tuple.of(1, Arbitraries.just(1L)));
        Arbitrary<Integer> dupPick = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(-1)),
                Tuple.of(4, Arbitraries.integers().between(0, 60)));
        return Combinators.combine(Arbitraries.integers().between(0, 3), step, back, jitter,
                Arbitraries.of(true, false), dupPick, Arbitraries.of(true, false)).as(RawRecord::new);
    }

    private static Scenario build(Shape shape, int partitions, int keys, long delay, List<RawBatch> raw) {
        List<Batch> batches = new ArrayList<>();
        List<In> all = new ArrayList<>();
        java.util.Set<Integer> tasks = new java.util.HashSet<>();
        long cursor = Scenario.T0;
        int seq = 0;
        for (RawBatch rb : raw) {
            List<In> records = new ArrayList<>();
            for (RawRecord rr : rb.records()) {
                cursor += rr.stepMs();
                long t = cursor - rr.backMs() + rr.jitterMs();
                String key = key(rr.keyIndex() % keys);
                In r = switch (shape) {
                    case WINDOWS -> new In(seq, "in", key, partitionOf(key, partitions), t, t, String.valueOf(seq));
                    case EXTRACTOR -> new In(seq, "in", key, partitionOf(key, partitions), t,
                            Scenario.T0 - 1_000_000 + 7L * seq, seq + "@" + t);
                    case JOIN -> new In(seq, rr.left() ? "left" : "right", key, partitionOf(key, partitions), t, t,
                            (rr.left() ? "L" : "R") + seq);
                    case DEDUP -> {
                        if (rr.dupPick() >= 0 && !all.isEmpty()) {
                            In original = all.get(rr.dupPick() % all.size());
                            long time = rr.dupSameTime() ? original.eventTime() : t;
                            String id = EventTimeReference.DedupIds.idOf(original.value());
                            yield new In(seq, "in", original.key(), original.partition(), time, time, id + "/" + seq);
                        }
                        yield new In(seq, "in", key, partitionOf(key, partitions), t, t, key + "#" + seq + "/" + seq);
                    }
                };
                records.add(r);
                all.add(r);
                seq++;
            }
            java.util.Set<Integer> withInput = new java.util.HashSet<>();
            records.forEach(r -> withInput.add(r.partition()));
            boolean restart = rb.restart() && !tasks.isEmpty() && withInput.containsAll(tasks);
            tasks.addAll(withInput);
            batches.add(new Batch(rb.advanceMs(), records, restart));
        }
        batches.add(new Batch(QUIET_MS, List.of()));
        batches.add(new Batch(QUIET_MS, List.of()));
        return new Scenario(partitions, delay, batches);
    }

    /** Window parameters of {@code kind}: sizes, gaps and grace periods of whole seconds. */
    static Arbitrary<WindowSpec> windows(WindowKind kind) {
        Arbitrary<Long> grace = Arbitraries.longs().between(0, 5).map(s -> s * 1000);
        return switch (kind) {
            case TUMBLING -> Combinators.combine(Arbitraries.longs().between(1, 10), grace)
                    .as((size, g) -> new WindowSpec(kind, size * 1000, size * 1000, g));
            case HOPPING -> Arbitraries.longs().between(2, 10).flatMap(size ->
                    Combinators.combine(Arbitraries.longs().between(1, size), grace)
                            .as((adv, g) -> new WindowSpec(kind, size * 1000, adv * 1000, g)));
            case SLIDING -> Combinators.combine(Arbitraries.longs().between(1, 8), grace)
                    .as((d, g) -> new WindowSpec(kind, d * 1000, 0, g));
            case SESSION -> Combinators.combine(Arbitraries.longs().between(1, 6), grace)
                    .as((gap, g) -> new WindowSpec(kind, gap * 1000, 0, g));
        };
    }
}
