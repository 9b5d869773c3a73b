package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SparkOffsetsTest {

    @Test
    void readsTheOffsetsOfEveryPartition() {
        assertThat(SparkOffsets.parse("{\"bench-input\":{\"2\":12500,\"0\":0,\"7\":99}}")).isEqualTo(Map.of(
                new TopicPartition("bench-input", 2), 12_500L,
                new TopicPartition("bench-input", 0), 0L,
                new TopicPartition("bench-input", 7), 99L));
        assertThat(SparkOffsets.parse(null)).isEmpty();
        assertThat(SparkOffsets.parse("{}")).isEmpty();
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : new String[] {"[1]", "{\"t\":3}", "{\"t\":{\"x\":1}}", "{\"t\":{\"0\":\"a\"}}", "{"}) {
            assertThatThrownBy(() -> SparkOffsets.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not Spark's Kafka offsets");
        }
    }
}
