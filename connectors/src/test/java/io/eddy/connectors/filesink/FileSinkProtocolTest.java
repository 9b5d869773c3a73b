package io.eddy.connectors.filesink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.SinkRecord;
import io.eddy.dsl.TaskBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest protocol, one writer call at a time: each test plays what the runtime does around
 * a crash (a writer that is simply abandoned is a SIGKILLed process) and checks what a reader of
 * the manifest sees and what is left on disk.
 */
class FileSinkProtocolTest {
    private static final int TASK = 3;

    @TempDir
    Path dir;

    private FileSinkWriter<String, String> writer() {
        return new FileSinkWriter<>(dir, FileSinkFormat.jsonLines(r -> r.value()), r -> "key=" + r.key());
    }

    private static SinkRecord<String, String> rec(String key, String value, long offset) {
        return new SinkRecord<>(key, value, "in", TASK, offset, 0L);
    }

    /** Opens batch {@code batch}, writes {@code values} (key a for even offsets, b for odd), prepares it. */
    private static void stage(FileSinkWriter<String, String> w, long batch, long firstOffset, String... values) {
        assertThat(w.open(new TaskBatch(TASK, batch))).isTrue();
        for (int i = 0; i < values.length; i++) {
            long offset = firstOffset + i;
            w.process(rec(offset % 2 == 0 ? "a" : "b", values[i], offset));
        }
        w.close(null);
    }

    private List<String> publishedLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path f : FileSinkManifest.committedFiles(dir)) {
            lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        }
        return lines;
    }

    private List<Path> leftovers(String sub) throws IOException {
        Path p = dir.resolve(sub);
        if (!Files.exists(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aCommittedBatchIsListedInTheManifestWithItsFilesAndCounts() throws IOException {
        FileSinkWriter<String, String> w = writer();
        w.taskStarted(new TaskBatch(TASK, 0));
        stage(w, 0, 0, "x0", "x1", "x2");
        assertThat(FileSinkManifest.entries(dir)).as("nothing is published before the commit").isEmpty();
        w.committed(new TaskBatch(TASK, 0));

        List<FileSinkManifest.Entry> entries = FileSinkManifest.entries(dir);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).task()).isEqualTo(TASK);
        assertThat(entries.get(0).batchId()).isZero();
        assertThat(entries.get(0).records()).isEqualTo(3);
        assertThat(entries.get(0).files()).extracting(FileSinkManifest.DataFile::path).containsExactly(
                "key=a/part-t00003-b0000000000.jsonl", "key=b/part-t00003-b0000000000.jsonl");
        assertThat(publishedLines()).containsExactly("\"x0\"", "\"x2\"", "\"x1\"");
        assertThat(leftovers(FileSinkWriter.STAGING_DIR)).isEmpty();
    }

    @Test
    void aStagedBatchThatNeverCommittedIsDeletedByTheNextOwner() throws IOException {
        FileSinkWriter<String, String> crashed = writer();
        crashed.taskStarted(new TaskBatch(TASK, 0));
        stage(crashed, 0, 0, "x0", "x1");
        // SIGKILL before the Kafka commit: the task's checkpoint still says batch 0 is next

        FileSinkWriter<String, String> next = writer();
        next.taskStarted(new TaskBatch(TASK, 0));
        assertThat(leftovers(FileSinkWriter.STAGING_DIR)).isEmpty();
        assertThat(FileSinkManifest.entries(dir)).isEmpty();
        assertThat(Files.exists(dir.resolve("key=a"))).as("nothing reached the data directories").isFalse();
    }

    @Test
    void aCommittedButUnpublishedBatchIsPublishedByTheNextOwner() throws IOException {
        FileSinkWriter<String, String> crashed = writer();
        crashed.taskStarted(new TaskBatch(TASK, 0));
        stage(crashed, 0, 0, "x0", "x1", "x2");
        // SIGKILL after the Kafka commit, before committed(): the checkpoint says batch 1 is next

        FileSinkWriter<String, String> next = writer();
        next.taskStarted(new TaskBatch(TASK, 1));
        assertThat(FileSinkManifest.entries(dir)).extracting(FileSinkManifest.Entry::batchId).containsExactly(0L);
        assertThat(publishedLines()).containsExactlyInAnyOrder("\"x0\"", "\"x1\"", "\"x2\"");
        assertThat(leftovers(FileSinkWriter.STAGING_DIR)).isEmpty();

        next.taskStarted(new TaskBatch(TASK, 1));   // a second recovery changes nothing
        assertThat(publishedLines()).hasSize(3);
    }

    @Test
    void aPublicationCutShortAfterMovingSomeFilesIsFinished() throws IOException {
        FileSinkWriter<String, String> crashed = writer();
        crashed.taskStarted(new TaskBatch(TASK, 0));
        stage(crashed, 0, 0, "x0", "x1", "x2", "x3");
        // the crash came after the first file was moved into place
        Path staged;
        try (Stream<Path> s = Files.walk(dir.resolve(FileSinkWriter.STAGING_DIR))) {
            staged = s.filter(p -> p.getFileName().toString().equals("0.jsonl")).findFirst().orElseThrow();   // key=a's
        }
        Path target = dir.resolve("key=a/part-t00003-b0000000000.jsonl");
        Files.createDirectories(target.getParent());
        Files.move(staged, target);

        writer().taskStarted(new TaskBatch(TASK, 1));
        assertThat(publishedLines()).containsExactlyInAnyOrder("\"x0\"", "\"x1\"", "\"x2\"", "\"x3\"");
        assertThat(leftovers(FileSinkWriter.STAGING_DIR)).isEmpty();
    }

    @Test
    void aReplayedBatchOverwritesItsEarlierAttemptAndIsListedOnce() throws IOException {
        FileSinkWriter<String, String> crashed = writer();
        crashed.taskStarted(new TaskBatch(TASK, 0));
        stage(crashed, 0, 0, "x0", "x1", "x2", "x3");

        // the next owner replays batch 0 from the same offset; this time the batch ends earlier
        FileSinkWriter<String, String> next = writer();
        next.taskStarted(new TaskBatch(TASK, 0));
        stage(next, 0, 0, "x0", "x1");
        next.committed(new TaskBatch(TASK, 0));
        stage(next, 1, 2, "x2", "x3");
        next.committed(new TaskBatch(TASK, 1));

        assertThat(FileSinkManifest.entries(dir)).extracting(FileSinkManifest.Entry::batchId).containsExactly(0L, 1L);
        assertThat(publishedLines()).containsExactly("\"x0\"", "\"x1\"", "\"x2\"", "\"x3\"");
    }

    @Test
    void aBatchPreparedByThisWriterThatFailedToCommitIsReplacedWhenReplayed() throws IOException {
        FileSinkWriter<String, String> w = writer();
        w.taskStarted(new TaskBatch(TASK, 0));
        stage(w, 0, 0, "x0", "x1", "x2");
        // the commit was refused: the runtime aborts without another writer call and replays batch 0
        stage(w, 0, 0, "x0");
        w.committed(new TaskBatch(TASK, 0));
        assertThat(publishedLines()).containsExactly("\"x0\"");
        assertThat(leftovers(FileSinkWriter.STAGING_DIR)).isEmpty();
    }

    @Test
    void aZombieOpeningABatchLeavesItsSuccessorsStagedFilesAlone() throws IOException {
        FileSinkWriter<String, String> zombie = writer();
        zombie.taskStarted(new TaskBatch(TASK, 0));
        stage(zombie, 0, 0, "x0");
        zombie.committed(new TaskBatch(TASK, 0));
        // the zombie stalls before batch 1; the task moves on to a successor, which prepares batch 1
        FileSinkWriter<String, String> successor = writer();
        successor.taskStarted(new TaskBatch(TASK, 1));
        stage(successor, 1, 1, "x1", "x2");
        // the zombie wakes up and opens batch 1 itself (it will be fenced at its commit)
        zombie.open(new TaskBatch(TASK, 1));
        zombie.process(rec("a", "z1", 1));
        successor.committed(new TaskBatch(TASK, 1));
        zombie.close(new IllegalStateException("fenced"));

        assertThat(publishedLines()).containsExactly("\"x0\"", "\"x1\"", "\"x2\"");
        assertThat(leftovers(FileSinkWriter.STAGING_DIR)).isEmpty();
    }

    @Test
    void anAbortedBatchLeavesNothing() throws IOException {
        FileSinkWriter<String, String> w = writer();
        w.taskStarted(new TaskBatch(TASK, 0));
        w.open(new TaskBatch(TASK, 0));
        w.process(rec("a", "x0", 0));
        w.close(new IllegalStateException("a later operator failed"));
        assertThat(leftovers(FileSinkWriter.STAGING_DIR)).isEmpty();
        assertThat(FileSinkManifest.entries(dir)).isEmpty();
    }

    @Test
    void aLateMarkerOfAnAlreadyPublishedBatchIsNotPublishedAgain() throws IOException {
        FileSinkWriter<String, String> w = writer();
        w.taskStarted(new TaskBatch(TASK, 0));
        stage(w, 0, 0, "x0", "x1");
        w.committed(new TaskBatch(TASK, 0));
        // a fenced zombie of the same task prepares batch 0 again, later
        FileSinkWriter<String, String> zombie = writer();
        stage(zombie, 0, 0, "z0", "z1", "z2");

        writer().taskStarted(new TaskBatch(TASK, 1));
        assertThat(publishedLines()).containsExactly("\"x0\"", "\"x1\"");
        assertThat(leftovers(FileSinkWriter.STAGING_DIR)).isEmpty();
    }

    @Test
    void aCommittedBatchWhosePublicationFailedIsPublishedAtTheNextOpen() throws IOException {
        FileSinkWriter<String, String> w = writer();
        w.taskStarted(new TaskBatch(TASK, 0));
        stage(w, 0, 0, "x0");
        // committed() never came through (say the disk was full); the task runs on
        stage(w, 1, 1, "x1");
        w.committed(new TaskBatch(TASK, 1));
        assertThat(FileSinkManifest.entries(dir)).extracting(FileSinkManifest.Entry::batchId).containsExactly(0L, 1L);
        assertThat(publishedLines()).containsExactly("\"x0\"", "\"x1\"");
    }

    @Test
    void aPartitionPathThatLeavesTheDirectoryFailsNamingTheRecord() {
        FileSinkWriter<String, String> w = new FileSinkWriter<>(dir, FileSinkFormat.jsonLines(r -> r.value()), r -> r.key());
        w.taskStarted(new TaskBatch(TASK, 0));
        w.open(new TaskBatch(TASK, 0));
        for (String bad : List.of("../escape", "/abs", "a//b", ".hidden", "_eddy_manifest", "a/../../b")) {
            assertThatThrownBy(() -> w.process(new SinkRecord<>(bad, "v", "in", TASK, 42, 0L)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("in-3@42");
        }
    }

    @Test
    void theManifestOfAnEmptyOrMissingDirectoryIsEmpty() {
        assertThat(FileSinkManifest.committedFiles(dir.resolve("nothing-here"))).isEmpty();
        assertThat(FileSinkManifest.committedFiles(dir)).isEmpty();
    }
}
