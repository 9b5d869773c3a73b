package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Runs the README's source examples, each against its own embedded broker. */
class SourcesExampleRunTest {

    @Test
    void theFileSourceExampleReadsEveryRowAndEmptiesItsDirectory() {
        assertThat(SourcesExample.run(SourcesExample.Options.parse(new String[] {"file"}, null))).isTrue();
    }

    @Test
    void theRateAndSocketExamplesPrintWhatTheyExpect() {
        assertThat(SourcesExample.run(SourcesExample.Options.parse(new String[] {"rate"}, null))).isTrue();
        assertThat(SourcesExample.run(SourcesExample.Options.parse(new String[] {"socket"}, null))).isTrue();
    }

    @Test
    void optionsNameTheBadArgument() {
        assertThat(SourcesExample.Options.parse(new String[] {"socket", "--bootstrap", "k:9092"}, null))
                .isEqualTo(new SourcesExample.Options("socket", "k:9092"));
        assertThatThrownBy(() -> SourcesExample.Options.parse(new String[] {"kafka"}, null)).hasMessageContaining("kafka");
    }
}
