package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensorStatsTest {

    @Test
    void foldsCountSumMinAndMax() {
        SensorStats stats = SensorStats.empty().add(20.0).add(22.5).add(18.0);

        assertThat(stats).isEqualTo(new SensorStats(3, 60.5, 18.0, 22.5));
        assertThat(stats.average()).isEqualTo(60.5 / 3);
        assertThat(SensorStats.empty().average()).isNaN();
        assertThat(SensorStats.empty().add(-3.0)).isEqualTo(new SensorStats(1, -3.0, -3.0, -3.0));
    }

    @Test
    void roundTripsThroughJson() {
        SensorStats stats = new SensorStats(2, 41.25, 20.0, 21.25);
        assertThat(SensorStats.serde().deserialize("t", SensorStats.serde().serialize("t", stats))).isEqualTo(stats);

        SensorReading reading = new SensorReading("s-1", 1_767_268_800_000L, 21.5);
        assertThat(new String(SensorReading.serde().serialize("t", reading), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"sensor\":\"s-1\",\"timestamp\":1767268800000,\"value\":21.5}");
        assertThat(SensorReading.serde().deserialize("t", SensorReading.serde().serialize("t", reading))).isEqualTo(reading);

        SensorSummary summary = new SensorSummary("s-1", Instant.parse("2026-01-01T12:00:00Z"),
                Instant.parse("2026-01-01T12:05:00Z"), 2, 20.625, 20.0, 21.25);
        assertThat(new String(SensorSummary.serde().serialize("t", summary), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"sensor\":\"s-1\",\"windowStart\":\"2026-01-01T12:00:00Z\",\"windowEnd\":"
                        + "\"2026-01-01T12:05:00Z\",\"count\":2,\"average\":20.625,\"min\":20.0,\"max\":21.25}");
        assertThat(SensorSummary.serde().deserialize("t", SensorSummary.serde().serialize("t", summary)))
                .isEqualTo(summary);
    }

    @Test
    void recomputesAWindowFromReadingsWithTheEndExclusive() {
        long noon = Instant.parse("2026-01-01T12:00:00Z").toEpochMilli();
        List<SensorReading> readings = List.of(
                new SensorReading("s-1", noon, 1.0),
                new SensorReading("s-1", noon + 299_999, 2.0),
                new SensorReading("s-1", noon + 300_000, 4.0),
                new SensorReading("s-2", noon + 1, 8.0));

        SensorStats stats = SensorAverages.recompute(readings, "s-1", Instant.ofEpochMilli(noon),
                Instant.ofEpochMilli(noon + 300_000));

        assertThat(stats).isEqualTo(new SensorStats(2, 3.0, 1.0, 2.0));
    }
}
