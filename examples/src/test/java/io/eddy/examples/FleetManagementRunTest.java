package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs the fleet example's program against its own embedded broker: half an hour of 8 trucks at
 * 120 times real time, under exactly-once, read back with {@code read_committed}.
 */
class FleetManagementRunTest {

    @Test
    void shortRunWritesEveryDrivenTripOnceWithItsStatisticsAndAnomalies() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        FleetManagement.Summary summary = FleetManagement.run(new FleetManagement.Options(null, 30, 120, 8, out));

        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(summary.failure()).as(text).isNull();
        assertThat(summary.produced()).as(text).isPositive();
        assertThat(summary.expectedTrips()).as("8 trucks drive in half an hour").isGreaterThanOrEqualTo(8);
        assertThat(summary.trips()).as(text).isEqualTo(summary.expectedTrips());
        assertThat(summary.missingTrips()).as(text).isZero();
        assertThat(summary.unexpectedTrips()).as("no trip missing, changed or written twice: " + text).isZero();
        assertThat(summary.silentTrips()).as("some trucks go silent: " + text).isPositive();
        assertThat(summary.statsMismatches()).as(text).isZero();
        assertThat(summary.anomalies()).as(text).containsKeys(Anomaly.Kind.IMPLAUSIBLE, Anomaly.Kind.LATE);
        assertThat(summary.anomalyCount()).as(text).isEqualTo(summary.expectedAnomalies());
        assertThat(summary.correct()).isTrue();
        assertThat(text).contains("went silent: closed by the timeout", "anomaly: truck-",
                "every trip and statistic matches the simulation: yes");
    }

    @Test
    void optionsComeFromFlagsAndEnvironment() {
        FleetManagement.Options o = FleetManagement.Options.parse(
                new String[] {"--vehicles", "3", "--minutes", "25", "--speed", "10"}, "kafka:9092");
        assertThat(o.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(o.vehicles()).isEqualTo(3);
        assertThat(o.minutes()).isEqualTo(25);
        assertThat(o.speed()).isEqualTo(10);
        assertThat(FleetManagement.Options.parse(new String[0], " ")).isEqualTo(FleetManagement.Options.defaults());
        assertThatThrownBy(() -> FleetManagement.Options.parse(new String[] {"--minutes", "10"}, null))
                .hasMessageContaining("--minutes");
        assertThatThrownBy(() -> FleetManagement.Options.parse(new String[] {"--vehicles", "0"}, null))
                .hasMessageContaining("--vehicles");
    }
}
