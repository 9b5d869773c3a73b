package io.eddy.testkit.driver.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.dsl.Table;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.TestOutputTopic;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code Table.mapValues}, {@code filter} and {@code groupBy} by example; the properties are in {@link TableRegroupPropertiesTest}. */
class TableOperatorsTest {

    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());
    private static final Produced<String, String> STRINGS_OUT = Produced.with(Serdes.string(), Serdes.string());

    @Test
    void filterEmitsADeleteWhenARowStopsPassingAndNothingForARowThatNeverPassed() {
        try (TestDriver d = TestDriver.builder().pipeline(p -> p.table("t", STRINGS, Named.as("t"))
                .filter((k, v) -> v.startsWith("ok")).toStream().toKafka("out", STRINGS_OUT)).build()) {
            TestInputTopic<String, String> in = d.input("t", Serdes.string(), Serdes.string());
            TestOutputTopic<String, String> out = d.output("out", Serdes.string(), Serdes.string());
            in.pipe("a", "ok1");
            in.pipe("b", "no");
            d.runBatch();
            assertThat(out.readKeyValues()).containsExactly(KeyValue.of("a", "ok1"));
            in.pipe("a", "no");
            in.pipe("b", "no again");
            d.runBatch();
            assertThat(out.readKeyValues()).containsExactly(KeyValue.of("a", null));
        }
    }

    @Test
    void aMappedTableCanBeJoinedAndLooksUpTheMappedRow() {
        try (TestDriver d = TestDriver.builder().pipeline(p -> {
            Table<String, String> upper = p.table("t", STRINGS, Named.as("t")).mapValues(v -> v.toUpperCase());
            p.kafka("s", STRINGS).join(upper, (s, t) -> s + "/" + t).toKafka("out", STRINGS_OUT);
        }).defaultPartitions(2).build()) {
            d.input("t", Serdes.string(), Serdes.string()).pipe("k", "row");
            d.runBatch();
            d.input("s", Serdes.string(), Serdes.string()).pipe("k", "rec");
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readKeyValues())
                    .containsExactly(KeyValue.of("k", "rec/ROW"));
        }
    }

    @Test
    void aRowMovingBetweenGroupsIsSubtractedFromTheOldOneThroughTheNamedRepartitionTopic() {
        try (TestDriver d = TestDriver.builder().pipeline(p -> p.table("t", STRINGS, Named.as("t"))
                .groupBy((k, v) -> KeyValue.of(v, k), Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-v"))
                .count(Named.as("n")).toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))
                .defaultPartitions(3).build()) {
            TestInputTopic<String, String> in = d.input("t", Serdes.string(), Serdes.string());
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            in.pipe("a", "g1");
            in.pipe("b", "g1");
            d.runUntilIdle();
            assertThat(out.readKeyValues()).containsExactly(KeyValue.of("g1", 2L));
            in.pipe("a", "g2");
            d.runUntilIdle();
            assertThat(out.readKeyValues()).containsExactlyInAnyOrder(KeyValue.of("g1", 1L), KeyValue.of("g2", 1L));
            in.pipe("b", null);
            d.runUntilIdle();
            assertThat(out.readKeyValues()).containsExactly(KeyValue.of("g1", null));
            // an insert adds, an update subtracts and adds, a delete subtracts: 2 + 2 + 1 records
            var records = d.internalTopicValues("test-app-by-v-repartition");
            assertThat(records).hasSize(5);
            assertThat(records.stream().map(r -> r[0]).toList())
                    .containsExactlyInAnyOrder((byte) 0, (byte) 0, (byte) 1, (byte) 0, (byte) 1);
        }
    }

    @Test
    void groupByOfAJoinedTableIsRefusedWithTheWayOut() {
        assertThatThrownBy(() -> TestDriver.builder().pipeline(p -> {
            Table<String, String> a = p.table("a", STRINGS, Named.as("a"));
            Table<String, String> b = p.table("b", STRINGS, Named.as("b"));
            a.join(b, (x, y) -> x + y).groupBy((k, v) -> KeyValue.of(v, k), Grouped.with(Serdes.string(), Serdes.string()),
                    Named.as("g")).count(Named.as("c")).toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs()));
        }).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot tell a row's previous value").hasMessageContaining("toStream().toTable(");
    }

    @Test
    void windowedTablesCannotBeRegroupedOrTransformed() {
        assertThatThrownBy(() -> TestDriver.builder().pipeline(p -> p.kafka("in", STRINGS)
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                .window(io.eddy.dsl.TumblingWindows.of(java.time.Duration.ofSeconds(1))).count(Named.as("c"))
                .mapValues(n -> n + 1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windowed");
    }

    @Test
    void describeNamesTheRegroupingsStoresAndTopics() {
        try (TestDriver d = TestDriver.builder().pipeline(p -> p.table("t", STRINGS, Named.as("t"))
                .groupBy((k, v) -> KeyValue.of(v, k), Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-v"))
                .count(Named.as("n")).toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))
                .build()) {
            String text = d.describe().toString();
            assertThat(text).contains("test-app-by-v-repartition").contains("store n");
            assertThat(Arrays.asList(text.split("\n"))).anyMatch(l -> l.contains("by-v-select"));
        }
    }
}
