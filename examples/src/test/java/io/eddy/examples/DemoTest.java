package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the README's demo for a few seconds against its own embedded broker. */
class DemoTest {

    @Test
    void shortRunWritesEveryViewExceptHealthChecksExactlyOnce() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Demo.Options options = new Demo.Options(null, Duration.ofSeconds(3), 2_000, 2, Duration.ofMillis(200), out);

        Demo.Summary summary = Demo.run(options);

        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(summary.failure()).as(text).isNull();
        assertThat(summary.produced()).as(text).isPositive();
        assertThat(summary.healthChecks()).isPositive().isLessThan(summary.produced());
        assertThat(summary.processed()).as("input records in committed batches").isEqualTo(summary.produced());
        assertThat(summary.committedOutput()).as(text).isEqualTo(summary.produced() - summary.healthChecks());
        assertThat(summary.apiOutput()).isPositive();
        assertThat(summary.pagesOutput()).isPositive();
        assertThat(summary.duplicates()).isZero();
        assertThat(summary.batches()).isGreaterThanOrEqualTo(3);
        assertThat(summary.exactlyOnce()).isTrue();
        assertThat(text).contains("batch 0 [eddy-demo-", "exactly once: yes");
    }

    @Test
    void optionsComeFromFlagsAndEnvironment() {
        Demo.Options o = Demo.Options.parse(new String[] {"--seconds", "60", "--rate", "500"}, "kafka:9092");
        assertThat(o.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.recordsPerSecond()).isEqualTo(500);
        assertThat(o.threads()).isEqualTo(2);

        assertThat(Demo.Options.parse(new String[] {"--bootstrap", "b:1"}, "kafka:9092").bootstrapServers())
                .isEqualTo("b:1");
        assertThat(Demo.Options.parse(new String[0], " ").bootstrapServers()).isNull();
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--seconds", "0"}, null))
                .hasMessageContaining("--seconds");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--speed", "1"}, null))
                .hasMessageContaining("--speed");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--rate"}, null))
                .hasMessageContaining("--rate");
    }
}
