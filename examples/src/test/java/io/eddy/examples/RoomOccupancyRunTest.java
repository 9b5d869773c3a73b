package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the room-occupancy program against its own embedded broker, exactly-once. */
class RoomOccupancyRunTest {

    @Test
    void everyReadingIsPredictedOnceAndTheModelEndsAccurate() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        RoomOccupancy.Summary summary = RoomOccupancy.run(null, 1500, out);
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(summary.failure()).as(text).isNull();
        assertThat(summary.predictions()).as(text).isEqualTo(1500);
        assertThat(summary.finalAccuracy()).as(text).isGreaterThan(0.9);
        assertThat(summary.progressAccuracy()).as("the running accuracy in the app's progress events\n" + text)
                .isCloseTo(summary.finalAccuracy(), org.assertj.core.data.Offset.offset(0.0005));
        assertThat(summary.correct()).isTrue();
    }
}
