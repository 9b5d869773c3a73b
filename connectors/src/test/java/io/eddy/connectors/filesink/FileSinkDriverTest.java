package io.eddy.connectors.filesink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.ForeachWriter;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.SinkRecord;
import io.eddy.dsl.TaskBatch;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file sink inside the real batch loop (the test driver): the runtime's hooks reach it
 * (taskStarted with the checkpoint's batch id after a restart, committed after each commit), a
 * crash between the commit and the publication is repaired by the restarted task, and a batch that
 * prepared but failed to commit is replaced by its replay.
 */
class FileSinkDriverTest {
    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());

    @TempDir
    Path dir;

    private FileSink<String, String> sink() {
        return FileSink.builder(dir, FileSinkFormat.<String, String>jsonLines(r -> r.value()))
                .partitionBy(PartitionPaths.byField("user", SinkRecord::key))
                .build();
    }

    private List<String> published() {
        List<String> values = new ArrayList<>();
        for (Path f : FileSinkManifest.committedFiles(dir)) {
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    values.add(line.substring(1, line.length() - 1));   // a JSON string
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return values;
    }

    /** The sink's writers, with {@code committed} dropped while {@code crashAfterCommit[0]} is set. */
    private static Supplier<ForeachWriter<String, String>> losingCommittedCalls(FileSink<String, String> sink, boolean[] crashAfterCommit) {
        return () -> {
            ForeachWriter<String, String> w = sink.get();
            return new ForeachWriter<>() {
                @Override
                public void taskStarted(TaskBatch next) {
                    w.taskStarted(next);
                }

                @Override
                public boolean open(TaskBatch batch) {
                    return w.open(batch);
                }

                @Override
                public void process(SinkRecord<String, String> record) {
                    w.process(record);
                }

                @Override
                public void close(Throwable error) {
                    w.close(error);
                }

                @Override
                public void committed(TaskBatch batch) {
                    if (!crashAfterCommit[0]) {
                        w.committed(batch);
                    }
                }
            };
        };
    }

    @Test
    void eachCommittedBatchOfEachTaskIsPublishedOncePartitionedByKey() {
        try (TestDriver d = TestDriver.builder().pipeline(p -> p.kafka("in", STRINGS).foreach(sink()))
                .partitions("in", 2).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe(0, "ann", "a0", Instant.EPOCH, new RecordHeaders());
            in.pipe(1, "bob", "b0", Instant.EPOCH, new RecordHeaders());
            in.pipe(0, "cy", "c0", Instant.EPOCH, new RecordHeaders());
            d.runBatch();
            in.pipe(1, "bob", "b1", Instant.EPOCH, new RecordHeaders());
            d.runBatch();
        }
        assertThat(FileSinkManifest.entries(dir)).extracting(e -> e.task() + "/" + e.batchId())
                .containsExactly("0/0", "1/0", "1/1");
        assertThat(FileSinkManifest.committedFiles(dir)).extracting(p -> dir.relativize(p).toString()).containsExactly(
                "user=ann/part-t00000-b0000000000.jsonl", "user=cy/part-t00000-b0000000000.jsonl",
                "user=bob/part-t00001-b0000000000.jsonl", "user=bob/part-t00001-b0000000001.jsonl");
        assertThat(published()).containsExactly("a0", "c0", "b0", "b1");
    }

    @Test
    void aCrashBetweenTheCommitAndThePublicationIsRepairedWhenTheTaskRestarts() {
        boolean[] crashAfterCommit = {false};
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).foreach(losingCommittedCalls(sink(), crashAfterCommit)))
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("ann", "v0");
            d.runBatch();
            crashAfterCommit[0] = true;
            in.pipe("ann", "v1");
            in.pipe("bob", "v2");
            d.runBatch();
            assertThat(published()).as("batch 1 committed in Kafka, not yet published").containsExactly("v0");

            crashAfterCommit[0] = false;
            d.restart();   // the new task starts at batch 2, so batch 1 committed: it is published
            assertThat(published()).containsExactlyInAnyOrder("v0", "v1", "v2");
            in.pipe("bob", "v3");
            d.runBatch();
        }
        assertThat(FileSinkManifest.entries(dir)).extracting(FileSinkManifest.Entry::batchId).containsExactly(0L, 1L, 2L);
        assertThat(published()).containsExactlyInAnyOrder("v0", "v1", "v2", "v3");
    }

    @Test
    void aBatchThatPreparedButFailedToCommitIsReplacedByItsReplay() {
        boolean[] failOnce = {true};
        ForeachWriter<String, String> failingSecondSink = new ForeachWriter<>() {
            @Override
            public void process(SinkRecord<String, String> record) {
            }

            @Override
            public void close(Throwable error) {
                if (error == null && failOnce[0]) {
                    failOnce[0] = false;
                    throw new IllegalStateException("the other sink cannot flush");
                }
            }
        };
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> {
                    var s = p.kafka("in", STRINGS);
                    s.foreach(sink());                 // prepares (stages and marks) first
                    s.foreach(() -> failingSecondSink); // then fails the batch
                })
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("ann", "v0");
            in.pipe("ann", "v1");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class);
            assertThat(published()).isEmpty();
            d.runBatch();
        }
        assertThat(FileSinkManifest.entries(dir)).hasSize(1);
        assertThat(published()).containsExactly("v0", "v1");
    }

    @Test
    void aTablesOutputGoesThroughItsStream() {
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", STRINGS).groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .count(Named.as("counts"))
                        .toStream()
                        .foreach(FileSink.builder(dir, FileSinkFormat.<String, Long>csv(List.of("user", "count"),
                                r -> List.of(r.key(), r.value()))).build()))
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("ann", "x");
            in.pipe("ann", "y");
            in.pipe("bob", "z");
            d.runBatch();
        }
        List<Path> files = FileSinkManifest.committedFiles(dir);
        assertThat(files).hasSize(1);
        try {
            assertThat(Files.readAllLines(files.get(0))).containsExactlyInAnyOrder("user,count", "ann,2", "bob,1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
