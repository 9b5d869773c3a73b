package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.GlobalTable;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.dsl.Table;
import io.eddy.serde.Serdes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Aggregations, tables and joins on the in-memory driver, including restarts that restore state. */
class StatefulOperatorsTest {

    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());
    private static final Grouped<String, String> GROUPED = Grouped.with(Serdes.string(), Serdes.string());

    private static TestDriver driver(Consumer<io.eddy.dsl.Pipeline> pipeline) {
        return TestDriver.builder().pipeline(pipeline).defaultPartitions(3).build();
    }

    private static Map<String, Long> last(List<KeyValue<String, Long>> updates) {
        Map<String, Long> m = new HashMap<>();
        updates.forEach(kv -> m.put(kv.key(), kv.value()));
        return m;
    }

    @Test
    void countEmitsOneUpdatePerChangedKeyPerBatch() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS).groupByKey(GROUPED).count(Named.as("counts"))
                .toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            for (int i = 0; i < 10; i++) {
                in.pipe("a", "x");
            }
            in.pipe("b", "x");
            d.runBatch();
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            assertThat(out.readKeyValues()).containsExactlyInAnyOrder(KeyValue.of("a", 10L), KeyValue.of("b", 1L));
            in.pipe("a", "x");
            d.runBatch();
            assertThat(out.readKeyValues()).containsExactly(KeyValue.of("a", 11L));
            // one changelog record per changed key per batch: a and b, then a
            assertThat(d.internalTopicValues("test-app-counts-changelog")).hasSize(3);
        }
    }

    @Test
    void groupByRepartitionsSoEachKeyIsCountedByOneTask() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS)
                .groupBy((k, v) -> v, GROUPED, Named.as("by-value")).count(Named.as("per-value"))
                .toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            for (int i = 0; i < 300; i++) {
                in.pipe("k" + i, "v" + (i % 7));
            }
            d.runUntilIdle();
            Map<String, Long> counts = last(d.output("out", Serdes.string(), Serdes.longs()).readKeyValues());
            assertThat(counts).hasSize(7);
            assertThat(counts.values()).allMatch(c -> c == 42 || c == 43);
            assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);
            assertThat(d.internalTopicValues("test-app-by-value-repartition")).hasSize(300);
        }
    }

    @Test
    void groupByKeyAfterAKeyChangeRepartitions() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS).selectKey((k, v) -> v)
                .groupByKey(GROUPED).count(Named.as("c")).toStream()
                .toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            for (int i = 0; i < 90; i++) {
                in.pipe("k" + i, "v" + (i % 3));
            }
            d.runUntilIdle();
            assertThat(last(d.output("out", Serdes.string(), Serdes.longs()).readKeyValues()))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("v0", 30L, "v1", 30L, "v2", 30L));
        }
    }

    @Test
    void reduceAndAggregate() {
        try (TestDriver d = driver(p -> {
            var grouped = p.kafka("in", Consumed.with(Serdes.string(), Serdes.longs()))
                    .groupByKey(Grouped.with(Serdes.string(), Serdes.longs()));
            grouped.reduce(Math::max, Named.as("max")).toStream()
                    .toKafka("max", Produced.with(Serdes.string(), Serdes.longs()));
            grouped.aggregate(() -> "", (k, v, agg) -> agg + v, Serdes.string(), Named.as("concat")).toStream()
                    .toKafka("concat", Produced.with(Serdes.string(), Serdes.string()));
        })) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            in.pipe("a", 3L);
            in.pipe("a", 9L);
            in.pipe("a", 4L);
            d.runBatch();
            assertThat(d.output("max", Serdes.string(), Serdes.longs()).readValues()).containsExactly(9L);
            assertThat(d.output("concat", Serdes.string(), Serdes.string()).readValues()).containsExactly("394");
        }
    }

    @Test
    void streamTableJoinSeesTheTableAsOfEachRecord() {
        try (TestDriver d = driver(p -> {
            Table<String, String> users = p.table("users", STRINGS);
            p.kafka("clicks", STRINGS).join(users, (click, user) -> click + "@" + user)
                    .toKafka("joined", Produced.with(Serdes.string(), Serdes.string()));
            p.kafka("views", STRINGS).leftJoin(users, (view, user) -> view + "@" + user)
                    .toKafka("left", Produced.with(Serdes.string(), Serdes.string()));
        })) {
            d.input("users", Serdes.string(), Serdes.string()).pipe("u1", "alice");
            d.runBatch();
            d.input("clicks", Serdes.string(), Serdes.string()).pipe("u1", "c1");
            d.input("clicks", Serdes.string(), Serdes.string()).pipe("u2", "c2");
            d.input("views", Serdes.string(), Serdes.string()).pipe("u2", "v2");
            d.runBatch();
            assertThat(d.output("joined", Serdes.string(), Serdes.string()).readKeyValues())
                    .containsExactly(KeyValue.of("u1", "c1@alice"));
            assertThat(d.output("left", Serdes.string(), Serdes.string()).readKeyValues())
                    .containsExactly(KeyValue.of("u2", "v2@null"));
        }
    }

    @Test
    void tableTableJoinsEmitWhenEitherSideChanges() {
        try (TestDriver d = driver(p -> {
            Table<String, String> left = p.table("left", STRINGS);
            Table<String, String> right = p.table("right", STRINGS);
            left.join(right, (l, r) -> l + "+" + r).toStream()
                    .toKafka("inner", Produced.with(Serdes.string(), Serdes.string()));
            left.outerJoin(right, (l, r) -> l + "+" + r).toStream()
                    .toKafka("outer", Produced.with(Serdes.string(), Serdes.string()));
        })) {
            d.input("left", Serdes.string(), Serdes.string()).pipe("k", "L1");
            d.runBatch();
            TestOutputTopic<String, String> inner = d.output("inner", Serdes.string(), Serdes.string());
            TestOutputTopic<String, String> outer = d.output("outer", Serdes.string(), Serdes.string());
            assertThat(inner.readValues()).containsExactly((String) null);   // no row yet: a tombstone
            assertThat(outer.readValues()).containsExactly("L1+null");
            d.input("right", Serdes.string(), Serdes.string()).pipe("k", "R1");
            d.input("left", Serdes.string(), Serdes.string()).pipe("k", "L2");
            d.runBatch();
            // both sides changed in one batch: one joined row
            assertThat(inner.readValues()).containsExactly("L2+R1");
            assertThat(outer.readValues()).containsExactly("L2+R1");
        }
    }

    @Test
    void globalTableJoinUsesAnyKey() {
        try (TestDriver d = driver(p -> {
            GlobalTable<String, String> countries = p.globalTable("countries", STRINGS);
            p.kafka("orders", STRINGS).join(countries, (k, v) -> v, (v, country) -> country)
                    .toKafka("out", Produced.with(Serdes.string(), Serdes.string()));
        })) {
            d.input("countries", Serdes.string(), Serdes.string()).pipe("fr", "France");
            d.input("orders", Serdes.string(), Serdes.string()).pipe("o1", "fr");
            d.input("orders", Serdes.string(), Serdes.string()).pipe("o2", "xx");
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readKeyValues())
                    .containsExactly(KeyValue.of("o1", "France"));
        }
    }

    @Test
    void toTableKeepsTheLatestValueAndNullDeletes() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS)
                .toTable(Serdes.string(), Serdes.string(), Named.as("latest")).toStream()
                .toKafka("out", Produced.with(Serdes.string(), Serdes.string())))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "1");
            in.pipe("a", "2");
            in.pipe("b", "1");
            in.pipe("b", null);
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readKeyValues())
                    .containsExactlyInAnyOrder(KeyValue.of("a", "2"), KeyValue.of("b", null));
        }
    }

    @Test
    void joiningAStreamWhoseKeyChangedIsRefusedAtDefinition() {
        assertThatThrownBy(() -> driver(p -> {
            Table<String, String> t = p.table("t", STRINGS);
            p.kafka("in", STRINGS).selectKey((k, v) -> v).join(t, (a, b) -> a)
                    .toKafka("out", Produced.with(Serdes.string(), Serdes.string()));
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changes the key");
    }

    @Test
    void aNullGroupingKeyIsAnErrorOfTheGroupBy() {
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS).groupBy((k, v) -> (String) null, GROUPED, Named.as("g"))
                .count(Named.as("c")).toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("a", "x");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class)
                    .hasMessageContaining("g-sink");
        }
    }

    @Test
    void anAbortedBatchLeavesNoTraceInTheStore() {
        boolean[] failNext = {false};
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS)
                .peek((k, v) -> {
                    if (failNext[0] && v.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                })
                .groupByKey(GROUPED).count(Named.as("c")).toStream()
                .toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "x");
            d.runBatch();
            failNext[0] = true;
            in.pipe("a", "x");
            in.pipe("a", "boom");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class);
            failNext[0] = false;
            d.runBatch();   // the same records again, now passing
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            assertThat(out.readValues()).containsExactly(1L, 3L);
        }
    }

    /** Random batches with restarts in between: every restart restores from the changelog. */
    @Test
    void countsSurviveRestartsAtRandomBatchBoundaries() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Map<String, Long> expected = new HashMap<>();
        try (TestDriver d = driver(p -> p.kafka("in", STRINGS)
                .groupBy((k, v) -> v, GROUPED, Named.as("g")).count(Named.as("c")).toStream()
                .toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            Map<String, Long> seen = new HashMap<>();
            for (int round = 0; round < 30; round++) {
                int n = random.nextInt(50);
                for (int i = 0; i < n; i++) {
                    String v = "v" + random.nextInt(20);
                    in.pipe("k" + random.nextInt(1000), v);
                    expected.merge(v, 1L, Long::sum);
                }
                d.runBatch();
                if (random.nextInt(4) == 0) {
                    d.restart();
                }
            }
            d.runUntilIdle();
            out.readKeyValues().forEach(kv -> seen.put(kv.key(), kv.value()));
            assertThat(seen).as("seed %d", seed).isEqualTo(expected);
        }
    }
}
