package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The room-occupancy pipeline on the test driver. */
class RoomOccupancyTest {

    @Test
    void predictsEachReadingBeforeLearningItAndEndsAbove95PercentAccuracy() {
        try (TestDriver d = TestDriver.builder().pipeline(RoomOccupancy::pipeline).defaultPartitions(4).build()) {
            var in = d.input(RoomOccupancy.READINGS, Serdes.string(), Serdes.string());
            RoomOccupancy.Readings readings = new RoomOccupancy.Readings(7);
            for (int batch = 0; batch < 4; batch++) {
                for (int n = 0; n < 500; n++) {
                    in.pipe("room-" + n % 5, readings.next());
                }
                d.runBatch();
            }
            d.runUntilIdle();
            List<String> lines = d.output(RoomOccupancy.PREDICTIONS, Serdes.string(), Serdes.string()).readValues();
            assertThat(lines).hasSize(2000);
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("unknown"));   // the very first, untrained
            String last = lines.stream().filter(l -> l.contains("model=1999 ")).findFirst().orElseThrow();
            // the classes overlap little in light and CO2: Bayes-optimal is above 0.99
            assertThat(RoomOccupancy.accuracyOf(last)).isGreaterThan(0.95);
            assertThat(d.output(RoomOccupancy.OCCUPANCY.modelTopic(), Serdes.string(), Serdes.bytes()).readValues())
                    .isNotEmpty();
        }
    }

    @Test
    void parseNamesTheBadReading() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RoomOccupancy.parse("21.5,27,400"))
                .hasMessageContaining("21.5,27,400");
        assertThat(RoomOccupancy.parse("21.5, 27, 400, 700, 1").label()).isEqualTo("occupied");
    }
}
