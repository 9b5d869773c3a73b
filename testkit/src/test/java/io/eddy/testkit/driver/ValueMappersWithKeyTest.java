package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.serde.Serdes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code mapValues} and {@code flatMapValues} with a mapper that sees the key. */
class ValueMappersWithKeyTest {

    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());
    private static final Produced<String, String> OUT = Produced.with(Serdes.string(), Serdes.string());

    @Test
    void mapValuesSeesTheKeyAndKeepsIt() {
        try (TestDriver d = TestDriver.builder().defaultPartitions(3).pipeline(p -> p.kafka("in", STRINGS)
                .mapValues((k, v) -> k + ":" + v)
                .toKafka("out", OUT)).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "1");
            in.pipe("b", "2");
            in.pipe(null, "3");
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readKeyValues()).containsExactlyInAnyOrder(
                    KeyValue.of("a", "a:1"), KeyValue.of("b", "b:2"), KeyValue.of(null, "null:3"));
        }
    }

    @Test
    void flatMapValuesSeesTheKeyAndKeepsIt() {
        try (TestDriver d = TestDriver.builder().pipeline(p -> p.kafka("in", STRINGS)
                .flatMapValues((k, v) -> v.isEmpty() ? null : List.of(k + v, v + k))
                .toKafka("out", OUT)).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "x");
            in.pipe("b", "");
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readKeyValues())
                    .containsExactly(KeyValue.of("a", "ax"), KeyValue.of("a", "xa"));
        }
    }

    @Test
    void lambdasOfBothAritiesResolveWithoutCasts() {
        try (TestDriver d = TestDriver.builder().pipeline(p -> {
            RecordStream<String, String> in = p.kafka("in", STRINGS);
            RecordStream<String, Integer> lengths = in.mapValues(v -> v.length());
            RecordStream<String, String> tagged = in.mapValues((k, v) -> k + "=" + v);
            RecordStream<String, Integer> byMethod = in.mapValues(String::length);
            RecordStream<String, String> words = in.flatMapValues(v -> List.of(v.split(" ")));
            RecordStream<String, String> keyed = in.flatMapValues((k, v) -> List.of(k, v));
            lengths.mapValues(n -> Integer.toString(n)).toKafka("lengths", OUT);
            byMethod.mapValues((k, n) -> k + n).toKafka("by-method", OUT);
            tagged.toKafka("tagged", OUT);
            words.toKafka("words", OUT);
            keyed.toKafka("keyed", OUT);
        }).build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("k", "a b");
            d.runBatch();
            assertThat(d.output("lengths", Serdes.string(), Serdes.string()).readValues()).containsExactly("3");
            assertThat(d.output("by-method", Serdes.string(), Serdes.string()).readValues()).containsExactly("k3");
            assertThat(d.output("tagged", Serdes.string(), Serdes.string()).readValues()).containsExactly("k=a b");
            assertThat(d.output("words", Serdes.string(), Serdes.string()).readValues()).containsExactly("a", "b");
            assertThat(d.output("keyed", Serdes.string(), Serdes.string()).readValues()).containsExactly("k", "a b");
        }
    }

    @Test
    void aKeyAwareValueMapperDoesNotRepartition() {
        try (TestDriver d = TestDriver.builder().defaultPartitions(2).pipeline(p -> p.kafka("in", STRINGS)
                .mapValues((k, v) -> k + v)
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                .count(Named.as("per-key"))
                .toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs()))).build()) {
            assertThat(d.describe().toString()).doesNotContain("repartition");
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "1");
            in.pipe("a", "2");
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.longs()).readKeyValues())
                    .containsExactly(KeyValue.of("a", 2L));
        }
    }
}
