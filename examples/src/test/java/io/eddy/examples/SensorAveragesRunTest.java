package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.OutputMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the sensor example's program against its own embedded broker, in both output modes. */
class SensorAveragesRunTest {

    @Test
    void shortFinalRunWritesClosedWindowsOnceMatchingARecomputation() {
        SensorAverages.Summary summary = run(OutputMode.FINAL);

        assertThat(summary.duplicates()).isZero();
        // 8 minutes of log; a window closes once the newest reading is 40 s past its end, so by
        // the end of the replay those starting up to about 2 min 20 s into the log have closed
        // (7 per sensor, 4 of them starting before the log)
        assertThat(summary.windows()).isBetween(3L * 5, 3L * 7);
    }

    @Test
    void shortUpdateRunEndsWithEveryWindowMatchingARecomputation() {
        SensorAverages.Summary summary = run(OutputMode.UPDATE);

        // every window of 8 minutes of log: 8 + 4 starts for each of 3 sensors
        assertThat(summary.windows()).isEqualTo(3L * 12);
        assertThat(summary.rows()).isGreaterThan(summary.windows());
    }

    @Test
    void optionsComeFromFlagsAndEnvironment() {
        SensorAverages.Options o = SensorAverages.Options.parse(
                new String[] {"--mode", "UPDATE", "--sensors", "2", "--minutes", "3"}, " ");
        assertThat(o.bootstrapServers()).isNull();
        assertThat(o.mode()).isEqualTo(OutputMode.UPDATE);
        assertThat(o.sensors()).isEqualTo(2);
        assertThat(o.minutes()).isEqualTo(3);
        assertThatThrownBy(() -> SensorAverages.Options.parse(new String[] {"--mode", "complete"}, null))
                .hasMessageContaining("--mode");
    }

    private static SensorAverages.Summary run(OutputMode mode) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        SensorAverages.Summary summary = SensorAverages.run(new SensorAverages.Options(null, 8, 60, 3, mode, out));

        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(summary.failure()).as(text).isNull();
        assertThat(summary.produced()).isEqualTo(8L * 60 * 3);
        assertThat(summary.lateReadings()).as(text).isZero();
        assertThat(summary.mismatches()).as(text).isZero();
        assertThat(summary.correct()).as(text).isTrue();
        assertThat(text).contains("every window matches a recomputation from the readings: yes");
        return summary;
    }
}
