package io.eddy.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The offset-metadata codec: what every committed input offset carries. */
class TaskCheckpointTest {

    private static final long NONE = TaskCheckpoint.NO_WATERMARK;

    // ---- compatibility: deployed applications have committed these strings

    @Test
    void decodesTheFormatDeployedApplicationsHaveCommitted() {
        assertThat(TaskCheckpoint.decode("eddy:batch=0")).contains(new TaskCheckpoint(0, NONE));
        assertThat(TaskCheckpoint.decode("eddy:batch=41")).contains(new TaskCheckpoint(41, NONE));
        assertThat(TaskCheckpoint.decode("eddy:batch=7;wm=1764000000000"))
                .contains(new TaskCheckpoint(7, 1_764_000_000_000L));
        assertThat(TaskCheckpoint.decode("eddy:batch=7;wm=1764000000000").orElseThrow().nextBatchId()).isEqualTo(8);
    }

    @Test
    void encodesExactlyTheFormatDeployedApplicationsRead() {
        // an older version must still read what this one commits: the layout is pinned
        assertThat(new TaskCheckpoint(0, NONE).encode()).isEqualTo("eddy:batch=0");
        assertThat(new TaskCheckpoint(7, 1_764_000_000_000L).encode()).isEqualTo("eddy:batch=7;wm=1764000000000");
        assertThat(new TaskCheckpoint(3, -250).encode()).isEqualTo("eddy:batch=3;wm=-250");
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        assertThat(TaskCheckpoint.decode("eddy:batch=3;wm=5;future=x")).contains(new TaskCheckpoint(3, 5));
        assertThat(TaskCheckpoint.decode("eddy:future=x;batch=3;wm=5")).contains(new TaskCheckpoint(3, 5));
        assertThat(TaskCheckpoint.decode("eddy:batch=3;future=a=b;;novalue")).contains(new TaskCheckpoint(3, NONE));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "hello", "eddy:", "eddy:batch=x", "eddy:batch=", "eddy:wm=5", "eddy:batch=3;wm=soon",
            "EDDY:batch=3", "batch=3", " eddy:batch=3", "{\"batch\":3}"})
    void foreignOrGarbageMetadataDecodesToEmpty(String metadata) {
        assertThat(TaskCheckpoint.decode(metadata)).isEmpty();
    }

    @Test
    void carriesThePartitionsOwnEventTimeAndOlderCheckpointsHaveNone() {
        TaskCheckpoint c = new TaskCheckpoint(7, 1_000, 5_000);
        assertThat(c.encode()).isEqualTo("eddy:batch=7;wm=1000;pt=5000");
        assertThat(TaskCheckpoint.decode(c.encode())).contains(c);
        assertThat(TaskCheckpoint.decode("eddy:batch=7;wm=1000")).contains(
                new TaskCheckpoint(7, 1_000, TaskCheckpoint.NO_WATERMARK));
        assertThat(new TaskCheckpoint(7, 1_000).partitionEventTime()).isEqualTo(TaskCheckpoint.NO_WATERMARK);
    }

    @Test
    void negativeWatermarksSurvive() {
        assertThat(TaskCheckpoint.decode("eddy:batch=2;wm=-7")).contains(new TaskCheckpoint(2, -7));
        TaskCheckpoint early = new TaskCheckpoint(2, Long.MIN_VALUE + 1);   // the lowest real watermark
        assertThat(TaskCheckpoint.decode(early.encode())).contains(early);
    }

    // ---- round trip

    @Property(tries = 500)
    void decodeReadsWhatEncodeWrote(@ForAll("batchIds") long batchId, @ForAll("watermarks") long watermark) {
        TaskCheckpoint checkpoint = new TaskCheckpoint(batchId, watermark);
        assertThat(TaskCheckpoint.decode(checkpoint.encode())).contains(checkpoint);
    }

    @Property(tries = 200)
    void anAppendedUnknownFieldChangesNothing(@ForAll("batchIds") long batchId, @ForAll("watermarks") long watermark,
                                              @ForAll("fieldNames") String name, @ForAll("fieldValues") String value) {
        TaskCheckpoint checkpoint = new TaskCheckpoint(batchId, watermark);
        assertThat(TaskCheckpoint.decode(checkpoint.encode() + ";" + name + "=" + value)).contains(checkpoint);
    }

    @Provide
    Arbitrary<Long> batchIds() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE - 1);
    }

    @Provide
    Arbitrary<Long> watermarks() {
        return Arbitraries.oneOf(Arbitraries.just(NONE), Arbitraries.longs(),
                Arbitraries.longs().between(-10_000, 10_000));
    }

    @Provide
    Arbitrary<String> fieldNames() {
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8)
                .filter(n -> !n.equals("batch") && !n.equals("wm"));
    }

    @Provide
    Arbitrary<String> fieldValues() {
        return Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12).filter(v -> !v.contains(";"));
    }

    // ---- latest

    @Test
    void latestTakesTheHighestBatchAndTheHighestWatermark() {
        // the partitions of one task may carry checkpoints of different batches
        assertThat(TaskCheckpoint.latest(List.of(new TaskCheckpoint(4, 100), new TaskCheckpoint(6, 90),
                new TaskCheckpoint(5, NONE)))).contains(new TaskCheckpoint(6, 100));
        assertThat(TaskCheckpoint.latest(List.of(new TaskCheckpoint(2, NONE), new TaskCheckpoint(1, -5))))
                .contains(new TaskCheckpoint(2, -5));
        assertThat(TaskCheckpoint.latest(List.of(new TaskCheckpoint(3, NONE)))).contains(new TaskCheckpoint(3, NONE));
        assertThat(TaskCheckpoint.latest(List.of())).isEmpty();
    }

    @Property(tries = 200)
    void latestIsTheMaximumOfEachField(@ForAll @Size(min = 1, max = 6) List<@From("checkpoints") TaskCheckpoint> list) {
        assertThat(TaskCheckpoint.latest(list)).contains(new TaskCheckpoint(
                list.stream().mapToLong(TaskCheckpoint::batchId).max().orElseThrow(),
                list.stream().mapToLong(TaskCheckpoint::watermark).max().orElseThrow()));
    }

    @Provide
    Arbitrary<TaskCheckpoint> checkpoints() {
        return Combinators.combine(batchIds(), watermarks()).as(TaskCheckpoint::new);
    }
}
