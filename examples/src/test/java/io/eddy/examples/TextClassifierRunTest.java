package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the text-classifier program against its own embedded broker. */
class TextClassifierRunTest {

    @Test
    void labelsTheNewTextsWithTheModelPublishedOnTheTopic() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TextClassifier.Summary summary = TextClassifier.run(null, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(summary.failure()).as(text).isNull();
        assertThat(summary.correct()).as(text).isTrue();
    }
}
