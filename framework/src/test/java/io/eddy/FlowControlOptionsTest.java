package io.eddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlowControlOptionsTest {

    static EddyApp.Builder app(FlowControl flow) {
        return EddyApp.builder("flow").bootstrapServers("localhost:9092").flowControl(flow)
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.string())));
    }

    static void refused(FlowControl flow, String option, Object value) {
        assertThatThrownBy(() -> app(flow).build()).isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> {
                    InvalidConfigException ice = (InvalidConfigException) e;
                    assertThat(ice.option()).isEqualTo(option);
                    assertThat(ice.value()).isEqualTo(value);
                    assertThat(ice.getMessage()).contains(option).contains(String.valueOf(value));
                });
    }

    @Test
    void defaultsAreOff() {
        FlowControl none = FlowControl.none();
        assertThat(none.isActive()).isFalse();
        assertThat(none.backpressure().enabled()).isFalse();
        assertThat(none.adaptiveInterval()).isNull();
        FlowControl.Backpressure pid = FlowControl.Backpressure.pid();
        assertThat(pid.enabled()).isTrue();
        assertThat(pid.proportional()).isEqualTo(1.0);
        assertThat(pid.integral()).isEqualTo(0.2);
        assertThat(pid.derivative()).isEqualTo(0.0);
        assertThat(pid.minRate()).isEqualTo(10.0);
        assertThat(app(none).build()).isNotNull();
    }

    @Test
    void withReturnsCopies() {
        FlowControl base = FlowControl.none();
        FlowControl limited = base.withMaxRecordsPerSecond(5);
        assertThat(base.maxRecordsPerSecond()).isZero();
        assertThat(limited.maxRecordsPerSecond()).isEqualTo(5);
        assertThat(limited).isEqualTo(FlowControl.none().withMaxRecordsPerSecond(5)).isNotEqualTo(base);
        assertThat(limited.isActive()).isTrue();
    }

    @Test
    void badValuesAreRefusedNamingTheOptionAndValue() {
        refused(FlowControl.none().withMaxRecordsPerSecond(-1), "flowControl.maxRecordsPerSecond", -1L);
        refused(FlowControl.none().withMaxBytesPerSecond(-5), "flowControl.maxBytesPerSecond", -5L);
        refused(FlowControl.none().withMaxRecordsPerSecondPerPartition(-2),
                "flowControl.maxRecordsPerSecondPerPartition", -2L);
        refused(FlowControl.none().withMaxBytesPerSecondPerPartition(-3), "flowControl.maxBytesPerSecondPerPartition", -3L);
        refused(FlowControl.none().withBackpressure(null), "flowControl.backpressure", null);
        refused(FlowControl.none().withBackpressure(FlowControl.Backpressure.pid().withGains(-1, 0.2, 0)),
                "flowControl.backpressure.proportional", -1.0);
        refused(FlowControl.none().withBackpressure(FlowControl.Backpressure.pid().withGains(1, Double.NaN, 0)),
                "flowControl.backpressure.integral", Double.NaN);
        refused(FlowControl.none().withBackpressure(FlowControl.Backpressure.pid().withMinRate(0)),
                "flowControl.backpressure.minRate", 0.0);
        refused(FlowControl.none().withAdaptiveInterval(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                "flowControl.adaptiveInterval.floor", Duration.ZERO);
        refused(FlowControl.none().withAdaptiveInterval(Duration.ofMillis(100), Duration.ofMillis(50),
                Duration.ofSeconds(1)), "flowControl.adaptiveInterval.ceiling", Duration.ofMillis(50));
        refused(FlowControl.none().withAdaptiveInterval(Duration.ofMillis(10), Duration.ofMillis(50), null),
                "flowControl.adaptiveInterval.targetLatency", null);
        assertThatThrownBy(() -> app(null).build()).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("flowControl");
    }

    @Test
    void theAdaptiveIntervalIsRefusedWithAvailableNow() {
        FlowControl adaptive = FlowControl.none().withAdaptiveInterval(Duration.ofMillis(10), Duration.ofSeconds(1),
                Duration.ofMillis(200));
        assertThatThrownBy(() -> app(adaptive).trigger(Trigger.availableNow()).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("flowControl.adaptiveInterval");
    }

    @Test
    void flowControlIsRefusedWithTheLowLatencyTrigger() {
        FlowControl limited = FlowControl.none().withMaxRecordsPerSecond(1_000);
        assertThatThrownBy(() -> app(limited).guarantee(Guarantee.AT_LEAST_ONCE)
                .trigger(Trigger.lowLatency(Duration.ofSeconds(1))).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("flowControl")
                .hasMessageContaining("Trigger.lowLatency");
        app(FlowControl.none()).guarantee(Guarantee.AT_LEAST_ONCE).trigger(Trigger.lowLatency(Duration.ofSeconds(1)))
                .build();
    }

    @Test
    void progressCarriesTheIntervalDelayAndBoundIntoJsonAndCopies() {
        BatchProgress p = BatchProgress.builder().worker("w").duration(Duration.ofMillis(5))
                .committedAt(java.time.Instant.EPOCH).triggerInterval(Duration.ofMillis(200))
                .triggerDelay(Duration.ofMillis(50)).rateBound(900).build();
        assertThat(p.toJson()).contains("\"triggerIntervalMs\":200,\"triggerDelayMs\":50,\"rateBound\":900");
        assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(p.toBuilder().rateBound(Double.NaN).build()).isNotEqualTo(p);
        BatchProgress none = BatchProgress.builder().worker("w").duration(Duration.ofMillis(5))
                .committedAt(java.time.Instant.EPOCH).build();
        assertThat(none.triggerInterval()).isEmpty();
        assertThat(none.triggerDelay()).isEmpty();
        assertThat(none.rateBound()).isNaN();
        assertThat(none.toJson()).contains("\"triggerIntervalMs\":null,\"triggerDelayMs\":null,\"rateBound\":null");
    }
}
