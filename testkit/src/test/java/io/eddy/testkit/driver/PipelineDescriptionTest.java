package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.EddyApp;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.Table;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@code describe()}: a readable, stable text of the topology, the same from the driver and the app. */
class PipelineDescriptionTest {

    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());

    /** Orders with a region, filtered, joined with the regions table, counted per region and minute. */
    private static final Consumer<Pipeline> ORDERS_PER_REGION = p -> {
        Table<String, String> regions = p.table("regions", STRINGS, Named.as("regions"));
        p.kafka("orders", STRINGS)
                .filter((customer, order) -> !order.isEmpty()).named("non-empty")
                .join(regions, (order, region) -> region, Named.as("with-region"))
                .groupBy((customer, region) -> region, Grouped.with(Serdes.string(), Serdes.string()),
                        Named.as("by-region"))
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .count(Named.as("orders-per-minute"))
                .emit(OutputMode.FINAL)
                .toKafka("orders-per-minute", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs()));
    };

    private static final String EXPECTED = """
            Pipeline shop
            Sources
              kafka-regions: topic regions, key StringSerde, value StringSerde
              kafka-orders: topic orders, key StringSerde, value StringSerde
              by-region-source: repartition topic shop-by-region-repartition, key StringSerde, value StringSerde
            Operators, in processing order
              kafka-regions: source -> regions
              regions: table, store regions
              kafka-orders: source -> non-empty
              non-empty: filter -> with-region
              with-region: join, with table regions -> selectKey-1
              selectKey-1: selectKey -> by-region-sink
              by-region-sink: repartition, to topic shop-by-region-repartition
              by-region-source: source -> orders-per-minute
              orders-per-minute: windowCount, store orders-per-minute, timers orders-per-minute-timers \
            -> emitFinal-1 (FINAL)
              emitFinal-1: emitFinal -> toKafka-1
              toKafka-1: toKafka, to topic orders-per-minute
            State stores
              regions: key-value store of table, changelog shop-regions-changelog
              orders-per-minute: window store of windowCount over TumblingWindows(size PT1M, grace PT0S) \
            (size 60000 ms, retention 60000 ms), changelog shop-orders-per-minute-changelog
              orders-per-minute-timers: key-value store of window timers, \
            changelog shop-orders-per-minute-timers-changelog
            Internal topics
              shop-by-region-repartition: repartition
              shop-regions-changelog: changelog of regions
              shop-orders-per-minute-changelog: changelog of orders-per-minute
              shop-orders-per-minute-timers-changelog: changelog of orders-per-minute-timers
            Sinks
              toKafka-1: topic orders-per-minute, key WindowedSerde, value LongSerde
            """;

    @Test
    void theDriverDescribesTheWholeTopology() {
        try (TestDriver d = TestDriver.builder().applicationId("shop").pipeline(ORDERS_PER_REGION).build()) {
            assertThat(d.describe().toString()).isEqualTo(EXPECTED);
            assertThat(d.describe().unnamedStatefulOperators()).isEmpty();
        }
    }

    @Test
    void theApplicationDescribesItTheSameWay() {
        EddyApp app = EddyApp.builder("shop").bootstrapServers("localhost:9092").pipeline(ORDERS_PER_REGION)
                .requireNamedState(true).build();
        try (TestDriver d = TestDriver.builder().applicationId("shop").pipeline(ORDERS_PER_REGION).build()) {
            assertThat(app.describe()).isEqualTo(d.describe());
        }
    }

    @Test
    void theDescriptionListsUnnamedStatefulOperators() {
        try (TestDriver d = TestDriver.builder().pipeline(p -> p.kafka("in", STRINGS)
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string())).count()
                .toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs()))).build()) {
            assertThat(d.describe().unnamedStatefulOperators()).containsExactly("count-1");
            assertThat(d.describe().toString()).endsWith("""
                    Unnamed stateful operators (name them with Named)
                      count-1: count
                    """);
        }
    }

    @Test
    void theDriverRefusesAnUnnamedStatefulOperatorWhenNamedStateIsRequired() {
        TestDriver.Builder builder = TestDriver.builder().requireNamedState(true).pipeline(p -> p.kafka("in", STRINGS)
                .dropDuplicates((k, v) -> v, Serdes.string()).toKafka("out", Produced.with(Serdes.string(),
                        Serdes.string())));
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dropDuplicates operator has no name")
                .hasMessageContaining("'dropDuplicates-1'");
    }

    @Test
    void theApplicationRefusesAnUnnamedStatefulOperatorWhenNamedStateIsRequired() {
        EddyApp.Builder builder = EddyApp.builder("shop").bootstrapServers("localhost:9092").requireNamedState(true)
                .pipeline(p -> p.table("regions", STRINGS).toStream().toKafka("out", Produced.with(Serdes.string(),
                        Serdes.string())));
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("table operator has no name")
                .hasMessageContaining("'table-regions'");
    }
}
