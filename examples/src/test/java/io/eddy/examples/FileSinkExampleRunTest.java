package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the file sink example's program against its own embedded broker. */
class FileSinkExampleRunTest {

    @TempDir
    Path out;

    @Test
    void everyOrderIsListedOnceInTheManifestPartitionedByHourAndRegion() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(printed, true, StandardCharsets.UTF_8);
        FileSinkExample.Summary summary = FileSinkExample.run(new FileSinkExample.Options(null, out, 3_000, print));

        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertThat(summary.correct()).as(text).isTrue();
        assertThat(summary.listed()).isEqualTo(3_000);
        assertThat(text).contains("exactly once: yes").containsPattern("date=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/region=");
    }

    @Test
    void optionsComeFromFlagsAndEnvironment() {
        FileSinkExample.Options o = FileSinkExample.Options.parse(new String[] {"--out", "/tmp/x", "--records", "5"}, "h:1");
        assertThat(o.bootstrapServers()).isEqualTo("h:1");
        assertThat(o.out()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.records()).isEqualTo(5);
        assertThatThrownBy(() -> FileSinkExample.Options.parse(new String[] {"--records", "0"}, null))
                .hasMessageContaining("--records");
    }
}
