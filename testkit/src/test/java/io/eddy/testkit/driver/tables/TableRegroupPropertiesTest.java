package io.eddy.testkit.driver.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.Table;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.TestOutputTopic;
import io.eddy.testkit.driver.TestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Tables transformed and re-aggregated, on the multi-partition in-memory driver, against a
 * brute-force reference: random upserts, deletes and rows the filter rejects (the same user
 * several times in a batch included), random partition counts and restarts (restore from the
 * changelogs) between batches. After every batch, once the repartition topics are drained, every
 * output table (read back as "last value per key, null deletes") equals the same table computed
 * from scratch from the users' current rows:
 * <ul>
 *   <li>{@code filtered}: users whose row passes the filter, mapped to their amount
 *       ({@code Table.filter}, {@code Table.mapValues});</li>
 *   <li>{@code sums}, {@code counts}, {@code maxes}: per region, the sum of amounts, the number of
 *       users and a reduce (the sum again, as {@code reduce(adder, subtractor)}), through one
 *       repartition;</li>
 *   <li>{@code sizes}: per size class of a region ("big" with 3 users or more, else "small"), the
 *       number of regions: a second regrouping of the {@code counts} table, where every change of
 *       a region's count moves the region between classes (the multi-level aggregation).</li>
 * </ul>
 * A group that loses its last row is deleted (null), so no empty group lingers.
 */
class TableRegroupPropertiesTest {

    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());

    /** One change of the users table: {@code value} null deletes; a value starting with "x" is filtered out. */
    record Op(String user, String value) {
    }

    record Run(int partitions, List<List<Op>> batches, List<Boolean> restarts) {
    }

    static String region(String v) {
        return v.substring(0, v.indexOf(':'));
    }

    static long amount(String v) {
        return Long.parseLong(v.substring(v.indexOf(':') + 1));
    }

    static boolean passes(String user, String v) {
        return !v.startsWith("x");
    }

    static void pipeline(Pipeline p) {
        Table<String, String> users = p.table("users", STRINGS, Named.as("users"));
        Table<String, String> active = users.filter(TableRegroupPropertiesTest::passes, Named.as("active"));
        active.mapValues(TableRegroupPropertiesTest::amount, Named.as("amounts")).toStream()
                .toKafka("filtered", Produced.with(Serdes.string(), Serdes.longs()));
        var byRegion = active.groupBy((u, v) -> KeyValue.of(region(v), amount(v)),
                Grouped.with(Serdes.string(), Serdes.longs()), Named.as("by-region"));
        byRegion.aggregate(() -> 0L, (r, a, s) -> s + a, (r, a, s) -> s - a, Serdes.longs(), Named.as("sum"))
                .toStream().toKafka("sums", Produced.with(Serdes.string(), Serdes.longs()));
        byRegion.reduce(Long::sum, (s, a) -> s - a, Named.as("reduced"))
                .toStream().toKafka("reduced", Produced.with(Serdes.string(), Serdes.longs()));
        Table<String, Long> counts = byRegion.count(Named.as("count"));
        counts.toStream().toKafka("counts", Produced.with(Serdes.string(), Serdes.longs()));
        counts.groupBy((region, n) -> KeyValue.of(n >= 3 ? "big" : "small", region),
                        Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-size"))
                .count(Named.as("sizes"))
                .toStream().toKafka("sizes", Produced.with(Serdes.string(), Serdes.longs()));
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void reAggregatedTablesEqualARecomputationAfterEveryBatch(@ForAll("runs") Run run) {
        Map<String, String> users = new TreeMap<>();
        Map<String, Map<String, Long>> seen = new TreeMap<>();
        List<String> outputs = List.of("filtered", "sums", "reduced", "counts", "sizes");
        outputs.forEach(t -> seen.put(t, new TreeMap<>()));
        try (TestDriver d = TestDriver.builder().pipeline(TableRegroupPropertiesTest::pipeline)
                .defaultPartitions(run.partitions()).build()) {
            TestInputTopic<String, String> in = d.input("users", Serdes.string(), Serdes.string());
            Map<String, TestOutputTopic<String, Long>> out = new TreeMap<>();
            outputs.forEach(t -> out.put(t, d.output(t, Serdes.string(), Serdes.longs())));
            for (int b = 0; b < run.batches().size(); b++) {
                if (run.restarts().get(b)) {
                    d.restart();
                }
                for (Op op : run.batches().get(b)) {
                    in.pipe(-1, op.user(), op.value(), d.now(), new RecordHeaders());
                    if (op.value() == null) {
                        users.remove(op.user());
                    } else {
                        users.put(op.user(), op.value());
                    }
                }
                d.runUntilIdle();
                for (String t : outputs) {
                    for (TestRecord<String, Long> r : out.get(t).readRecords()) {
                        if (r.value() == null) {
                            seen.get(t).remove(r.key());
                        } else {
                            seen.get(t).put(r.key(), r.value());
                        }
                    }
                }
                Map<String, Map<String, Long>> expected = reference(users);
                for (String t : outputs) {
                    assertThat(seen.get(t)).as("table %s after batch %d of %s\nusers now: %s", t, b, run, users)
                            .isEqualTo(expected.get(t));
                }
            }
        }
    }

    /** Every output table computed from scratch from the users' current rows. */
    static Map<String, Map<String, Long>> reference(Map<String, String> users) {
        Map<String, Long> filtered = new TreeMap<>();
        Map<String, Long> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        users.forEach((u, v) -> {
            if (passes(u, v)) {
                filtered.put(u, amount(v));
                sums.merge(region(v), amount(v), Long::sum);
                counts.merge(region(v), 1L, Long::sum);
            }
        });
        Map<String, Long> sizes = new TreeMap<>();
        counts.forEach((r, n) -> sizes.merge(n >= 3 ? "big" : "small", 1L, Long::sum));
        return Map.of("filtered", filtered, "sums", sums, "reduced", new TreeMap<>(sums), "counts", counts,
                "sizes", sizes);
    }

    @Provide
    Arbitrary<Run> runs() {
        Arbitrary<String> user = Arbitraries.integers().between(0, 9).map(i -> "u" + i);
        Arbitrary<String> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Combinators.combine(Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(0, 9)).as((r, a) -> "r" + r + ":" + a)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 9).map(a -> "xr0:" + a)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just((String) null)));
        Arbitrary<Op> op = Combinators.combine(user, value.injectNull(0)).as(Op::new);
        Arbitrary<List<Op>> batch = op.list().ofMinSize(0).ofMaxSize(8);
        return Arbitraries.integers().between(1, 4).flatMap(partitions -> Arbitraries.integers().between(1, 12)
                .flatMap(n -> Combinators.combine(batch.list().ofSize(n),
                                Arbitraries.of(true, false, false, false).list().ofSize(n))
                        .as((batches, restarts) -> new Run(partitions, batches, restarts))));
    }
}
