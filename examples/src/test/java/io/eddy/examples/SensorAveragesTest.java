package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.KeyValue;
import io.eddy.dsl.OutputMode;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.TestOutputTopic;
import io.eddy.testkit.driver.TestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sensor pipeline on the in-memory driver, with expected figures worked out by hand. Readings
 * are on 2026-01-01 around 12:00 UTC. Windows are 5 minutes long and start every minute, so a
 * reading at 12:00:30 is in the windows starting 11:56, 11:57, 11:58, 11:59 and 12:00. With an
 * allowed delay of 10 s and a grace of 30 s, the window ending at {@code E} closes once the newest
 * reading seen is at {@code E + 40 s}. Values are multiples of 1/8, so the averages are exact. One
 * input partition: the watermark is per task, so all sensors here share one.
 */
class SensorAveragesTest {

    private static final SensorAverages.Topics TOPICS = SensorAverages.Topics.defaults();

    @Test
    void finalRowsOfOverlappingWindowsAreWrittenOnceEachAsTheyClose() {
        try (TestDriver driver = driver(OutputMode.FINAL)) {
            TestInputTopic<String, SensorReading> readings = input(driver);
            TestOutputTopic<String, SensorSummary> averages = output(driver);

            readings.pipe("s-1", reading("s-1", "12:00:30", 20.0));
            readings.pipe("s-1", reading("s-1", "12:01:30", 22.0));
            readings.pipe("s-2", reading("s-2", "12:00:45", 30.5));
            readings.pipe("s-1", reading("s-1", "12:02:30", 18.0));   // watermark 12:02:20 after this batch
            driver.runBatch();

            // [11:56, 12:01) closes at 12:01:30; [11:57, 12:02) would need 12:02:30
            assertThat(averages.readKeyValues()).containsExactly(
                    row("s-1", "11:56", 1, 20.0, 20.0, 20.0),
                    row("s-2", "11:56", 1, 30.5, 30.5, 30.5));

            readings.pipe("s-1", reading("s-1", "12:06:10", 21.0));   // watermark 12:06:00: closes ends up to 12:05:20
            driver.runBatch();

            assertThat(averages.readKeyValues()).containsExactly(
                    row("s-1", "11:57", 2, 21.0, 20.0, 22.0),              // 20, 22
                    row("s-2", "11:57", 1, 30.5, 30.5, 30.5),
                    row("s-1", "11:58", 3, 20.0, 18.0, 22.0),              // 20, 22, 18
                    row("s-2", "11:58", 1, 30.5, 30.5, 30.5),
                    row("s-1", "11:59", 3, 20.0, 18.0, 22.0),
                    row("s-2", "11:59", 1, 30.5, 30.5, 30.5),
                    row("s-1", "12:00", 3, 20.0, 18.0, 22.0),
                    row("s-2", "12:00", 1, 30.5, 30.5, 30.5));

            readings.pipe("s-2", reading("s-2", "12:00:50", 99.0));   // all five of its windows closed: late
            readings.pipe("s-1", reading("s-1", "12:01:40", 26.0));   // only [12:01, 12:06) is still open
            driver.runBatch();
            assertThat(averages.readRecords()).isEmpty();
            assertThat(driver.lateRecordsByOperator()).isEqualTo(Map.of("sensor-stats", 1L));

            driver.advanceTime(Duration.ofMinutes(10));                // the sensors go quiet
            driver.runBatch();

            assertThat(averages.readKeyValues()).containsExactly(
                    row("s-1", "12:01", 3, 22.0, 18.0, 26.0),              // 22, 18, and 26 that came after four of its windows closed
                    row("s-1", "12:02", 2, 19.5, 18.0, 21.0),              // 18, 21
                    row("s-1", "12:03", 1, 21.0, 21.0, 21.0),
                    row("s-1", "12:04", 1, 21.0, 21.0, 21.0),
                    row("s-1", "12:05", 1, 21.0, 21.0, 21.0),
                    row("s-1", "12:06", 1, 21.0, 21.0, 21.0));
        }
    }

    @Test
    void finalRowsCarryTheWindowsLastInstantAsTimestamp() {
        try (TestDriver driver = driver(OutputMode.FINAL)) {
            input(driver).pipe("s-1", reading("s-1", "12:00:00", 1.0));
            driver.runBatch();
            driver.advanceTime(Duration.ofMinutes(10));
            driver.runBatch();

            List<TestRecord<String, SensorSummary>> rows = output(driver).readRecords();

            assertThat(rows).extracting(TestRecord::key).containsOnly("s-1");
            assertThat(rows).extracting(r -> r.value().windowStart()).containsExactly(
                    at("11:56"), at("11:57"), at("11:58"), at("11:59"), at("12:00"));
            assertThat(rows).allSatisfy(r ->
                    assertThat(r.timestamp()).isEqualTo(r.value().windowEnd().toEpochMilli() - 1));
        }
    }

    @Test
    void updateRowsShowEachChangedWindowOncePerBatchWithItsValueAtTheCommit() {
        try (TestDriver driver = driver(OutputMode.UPDATE)) {
            TestInputTopic<String, SensorReading> readings = input(driver);
            TestOutputTopic<String, SensorSummary> averages = output(driver);

            readings.pipe("s-1", reading("s-1", "12:00:30", 20.0));
            readings.pipe("s-1", reading("s-1", "12:01:30", 22.0));
            driver.runBatch();

            assertThat(averages.readValues()).containsExactlyInAnyOrder(
                    row("s-1", "11:56", 1, 20.0, 20.0, 20.0).value(),
                    row("s-1", "11:57", 2, 21.0, 20.0, 22.0).value(),
                    row("s-1", "11:58", 2, 21.0, 20.0, 22.0).value(),
                    row("s-1", "11:59", 2, 21.0, 20.0, 22.0).value(),
                    row("s-1", "12:00", 2, 21.0, 20.0, 22.0).value(),
                    row("s-1", "12:01", 1, 22.0, 22.0, 22.0).value());

            readings.pipe("s-1", reading("s-1", "12:02:30", 18.0));
            driver.runBatch();

            assertThat(averages.readValues()).as("only the windows the reading changed").containsExactlyInAnyOrder(
                    row("s-1", "11:58", 3, 20.0, 18.0, 22.0).value(),
                    row("s-1", "11:59", 3, 20.0, 18.0, 22.0).value(),
                    row("s-1", "12:00", 3, 20.0, 18.0, 22.0).value(),
                    row("s-1", "12:01", 2, 20.0, 18.0, 22.0).value(),
                    row("s-1", "12:02", 1, 18.0, 18.0, 18.0).value());

            readings.pipe("s-1", reading("s-1", "12:07:00", 24.0));   // watermark 12:06:50: closes ends up to 12:06:10
            driver.runBatch();
            assertThat(averages.readValues()).containsExactlyInAnyOrder(
                    row("s-1", "12:03", 1, 24.0, 24.0, 24.0).value(),
                    row("s-1", "12:04", 1, 24.0, 24.0, 24.0).value(),
                    row("s-1", "12:05", 1, 24.0, 24.0, 24.0).value(),
                    row("s-1", "12:06", 1, 24.0, 24.0, 24.0).value(),
                    row("s-1", "12:07", 1, 24.0, 24.0, 24.0).value());

            readings.pipe("s-1", reading("s-1", "12:01:59", 10.0));   // its windows [11:57..12:01] all closed: late
            readings.pipe("s-1", reading("s-1", "12:02:10", 26.0));   // only [12:02, 12:07) is still open
            driver.runBatch();
            assertThat(averages.readValues()).containsExactly(
                    row("s-1", "12:02", 2, 22.0, 18.0, 26.0).value());
            assertThat(driver.lateRecords()).isEqualTo(1);
        }
    }

    private static TestDriver driver(OutputMode mode) {
        return TestDriver.builder()
                .pipeline(p -> SensorAverages.pipeline(p, TOPICS, mode))
                .build();
    }

    private static TestInputTopic<String, SensorReading> input(TestDriver driver) {
        return driver.input(TOPICS.readings(), Serdes.string(), SensorReading.serde());
    }

    private static TestOutputTopic<String, SensorSummary> output(TestDriver driver) {
        return driver.output(TOPICS.averages(), Serdes.string(), SensorSummary.serde());
    }

    private static SensorReading reading(String sensor, String time, double value) {
        return new SensorReading(sensor, Instant.parse("2026-01-01T" + time + "Z").toEpochMilli(), value);
    }

    private static Instant at(String minute) {
        return Instant.parse("2026-01-01T" + minute + ":00Z");
    }

    /** The row of {@code sensor}'s window starting at {@code minute} (hh:mm), keyed by the sensor. */
    private static KeyValue<String, SensorSummary> row(String sensor, String minute, long count, double average,
                                                       double min, double max) {
        Instant start = at(minute);
        return KeyValue.of(sensor, new SensorSummary(sensor, start, start.plus(SensorAverages.WINDOW), count, average,
                min, max));
    }
}
