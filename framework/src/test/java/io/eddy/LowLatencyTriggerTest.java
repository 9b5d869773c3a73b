package io.eddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What {@link Trigger#lowLatency(Duration)} accepts and refuses at build time. */
class LowLatencyTriggerTest {

    private static EddyApp.Builder lowLatency(Consumer<Pipeline> pipeline) {
        return EddyApp.builder("ll")
                .bootstrapServers("localhost:9092")
                .guarantee(Guarantee.AT_LEAST_ONCE)
                .trigger(Trigger.lowLatency(Duration.ofMillis(100)))
                .pipeline(pipeline::accept);
    }

    private static RecordStream<String, String> in(Pipeline p) {
        return p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()));
    }

    @Test
    void acceptsStatelessOperatorsAndKeyedAggregationsToATable() {
        EddyApp app = lowLatency(p -> {
            RecordStream<String, String> s = in(p).filter((k, v) -> !v.isEmpty()).mapValues(v -> v + "!")
                    .flatMapValues(v -> java.util.List.of(v, v));
            java.util.Map<String, RecordStream<String, String>> branches = s.split()
                    .branch("a", (k, v) -> v.startsWith("a")).defaultBranch("rest");
            branches.get("a").toKafka("a", Produced.with(Serdes.string(), Serdes.string()));
            branches.get("rest").toKafka("rest", Produced.with(Serdes.string(), Serdes.string()));
            s.groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-value"))
                    .count(Named.as("counts")).toStream()
                    .toKafka("counts", Produced.with(Serdes.string(), Serdes.longs()));
            s.groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                    .reduce((a, b) -> a + b, Named.as("joined")).toStream()
                    .toKafka("reduced", Produced.with(Serdes.string(), Serdes.string()));
        }).build();
        assertThat(app).isNotNull();
    }

    @Test
    void refusesExactlyOnceNamingTheGuarantee() {
        assertThatThrownBy(() -> lowLatency(p -> in(p).toKafka("out", Produced.with(Serdes.string(), Serdes.string())))
                .guarantee(Guarantee.EXACTLY_ONCE).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'guarantee'").hasMessageContaining("EXACTLY_ONCE")
                .hasMessageContaining("AT_LEAST_ONCE");
    }

    @Test
    void refusesWindowsWithFinalOutputNamingTheOperator() {
        assertThatThrownBy(() -> lowLatency(p -> in(p)
                .withEventTime(Duration.ofSeconds(1))
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .count(Named.as("per-minute"))
                .emit(OutputMode.FINAL)
                .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs()))).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'trigger'")
                .hasMessageContaining("'per-minute'")
                .hasMessageContaining("Trigger.every");
    }

    @Test
    void refusesJoinsNamingTheOperator() {
        assertThatThrownBy(() -> lowLatency(p -> in(p)
                .join(p.table("prices", Consumed.with(Serdes.string(), Serdes.string()), Named.as("prices")),
                        (v, price) -> v + price, Named.as("with-price"))
                .toKafka("out", Produced.with(Serdes.string(), Serdes.string()))).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'with-price'")
                .hasMessageContaining("joins are not supported");
    }

    @Test
    void refusesCompleteOutputNamingTheAggregation() {
        assertThatThrownBy(() -> lowLatency(p -> in(p)
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                .boundedKeys(10)
                .count(Named.as("all-counts"))
                .emit(OutputMode.COMPLETE)
                .toKafka("out", Produced.with(Serdes.string(), Serdes.longs()))).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'all-counts'")
                .hasMessageContaining("COMPLETE");
    }

    @Test
    void describesItself() {
        assertThat(Trigger.lowLatency(Duration.ofMillis(50))).hasToString("Trigger.lowLatency(PT0.05S)")
                .isNotEqualTo(Trigger.every(Duration.ofMillis(50)));
        assertThat(Trigger.lowLatency(Duration.ofMillis(50)).isLowLatency()).isTrue();
        assertThat(Trigger.every(Duration.ofMillis(50)).isLowLatency()).isFalse();
    }
}
