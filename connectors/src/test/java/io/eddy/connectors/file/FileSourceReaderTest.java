package io.eddy.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.source.SourceBatch;
import io.eddy.source.SourceContext;
import io.eddy.source.SourceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file source's reader without a broker: batches are "committed" by keeping their position
 * entries, or "aborted" by dropping them and opening a fresh reader at the committed position, as
 * the runner does. Whatever the bounds and wherever a batch aborts, the committed records are
 * every line once.
 */
class FileSourceReaderTest {

    @TempDir
    Path dir;

    /** A batch that collects what a reader adds. */
    private static final class Collected implements SourceBatch<String, String> {
        final long id;
        final List<String> records = new ArrayList<>();
        final Map<String, String> position = new HashMap<>();
        final List<String> malformed = new ArrayList<>();

        Collected(long id) {
            this.id = id;
        }

        @Override
        public long batchId() {
            return id;
        }

        @Override
        public void emit(String key, String value, long timestamp) {
            records.add(value);
        }

        @Override
        public int emitted() {
            return records.size();
        }

        @Override
        public void putPosition(String key, String value) {
            position.put(key, value);
        }

        @Override
        public void removePosition(String key) {
            position.put(key, null);
        }

        @Override
        public void malformed(String location, byte[] raw, Throwable error) {
            malformed.add(location);
        }
    }

    /** The runner's part: committed position, batch ids, fresh readers after an abort. */
    private static final class Harness {
        final FileSource<String> source;
        final int maxRecords;
        final Map<String, String> committed = new HashMap<>();
        final List<String> output = new ArrayList<>();
        SourceReader<String, String> reader;
        long batchId = 1;

        Harness(FileSource<String> source, int maxRecords) throws Exception {
            this.source = source;
            this.maxRecords = maxRecords;
            reopen();
        }

        void reopen() throws Exception {
            if (reader != null) {
                reader.close();
            }
            reader = source.open(new SourceContext("app", "files", committed, maxRecords, Clock.systemUTC()));
        }

        Collected commitOne() throws Exception {
            Collected b = new Collected(batchId);
            reader.read(b);
            b.position.forEach((k, v) -> {
                if (v == null) {
                    committed.remove(k);
                } else {
                    committed.put(k, v);
                }
            });
            output.addAll(b.records);
            reader.committed(batchId++);
            return b;
        }

        void abortOne() throws Exception {
            reader.read(new Collected(batchId));
            reopen();
        }
    }

    private void write(String name, int lines, long mtime) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            text.append(name).append('-').append(i).append('\n');
        }
        Files.writeString(dir.resolve(name), text);
        Files.setLastModifiedTime(dir.resolve(name), FileTime.fromMillis(mtime));
    }

    private List<String> expected(String name, int from, int to) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i < to; i++) {
            lines.add(name + "-" + i);
        }
        return lines;
    }

    @Test
    void abortedBatchesAreReadAgainAndCommittedOnesNever() throws Exception {
        write("a", 25, 1000);
        write("b", 7, 2000);
        Harness h = new Harness(FileSource.builder(dir, FileFormat.text()).maxBytesPerBatch(40).build(), 1000);
        for (int round = 0; round < 40; round++) {
            if (round % 3 == 1) {
                h.abortOne();
            } else {
                h.commitOne();
            }
        }
        List<String> all = new ArrayList<>(expected("a", 0, 25));
        all.addAll(expected("b", 0, 7));
        assertThat(h.output).isEqualTo(all);
    }

    @Test
    void theRecordBoundSplitsAFileAndLineNumbersContinue() throws Exception {
        Files.writeString(dir.resolve("j"), "{\"a\":1}\nnot json\n{\"a\":2}\n{\"a\":3}\n{oops\n");
        FileSource<String> source = FileSource.builder(dir, FileFormat.jsonLines(new io.eddy.serde.Serde<String>() {
            @Override
            public byte[] serialize(String topic, String value) {
                return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public String deserialize(String topic, byte[] bytes) {
                String s = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
                if (!s.startsWith("{\"")) {
                    throw new IllegalArgumentException("not an object: " + s);
                }
                return s;
            }
        })).build();
        Harness h = new Harness(source, 1);
        Collected first = h.commitOne();
        Collected second = h.commitOne();
        Collected third = h.commitOne();
        Collected fourth = h.commitOne();
        assertThat(first.records).containsExactly("{\"a\":1}");
        assertThat(second.malformed).containsExactly(dir.resolve("j") + ":2");
        assertThat(second.records).containsExactly("{\"a\":2}");
        assertThat(third.records).containsExactly("{\"a\":3}");
        assertThat(fourth.malformed).containsExactly(dir.resolve("j") + ":5");
        assertThat(fourth.records).isEmpty();
        assertThat(h.committed.get("file:j")).contains("line=5").contains("done=1");
    }

    @Test
    void aGrownFileIsReadFromWhereItEndedWhenModifiedFilesAreIncluded() throws Exception {
        write("log", 3, 1000);
        Harness h = new Harness(FileSource.builder(dir, FileFormat.text()).includeModified(true).build(), 100);
        h.commitOne();
        Files.writeString(dir.resolve("log"), "log-3\nlog-4\n", StandardOpenOption.APPEND);
        Files.setLastModifiedTime(dir.resolve("log"), FileTime.fromMillis(5000));
        h.reopen();   // as after a restart: from the committed position only
        h.commitOne();
        h.commitOne();
        assertThat(h.output).isEqualTo(expected("log", 0, 5));
    }

    @Test
    void aFinishedFileIsIgnoredWhenModifiedFilesAreNot() throws Exception {
        write("log", 2, 1000);
        Harness h = new Harness(FileSource.builder(dir, FileFormat.text()).build(), 100);
        h.commitOne();
        Files.writeString(dir.resolve("log"), "log-2\n", StandardOpenOption.APPEND);
        Files.setLastModifiedTime(dir.resolve("log"), FileTime.fromMillis(5000));
        h.commitOne();
        assertThat(h.output).isEqualTo(expected("log", 0, 2));
    }

    @Test
    void aMovedFileLeavesOnlyAfterItsBatchCommittedAndItsEntryIsThenRemoved() throws Exception {
        Path done = Files.createDirectory(dir.resolve("done"));
        Path in = Files.createDirectory(dir.resolve("in"));
        Files.writeString(in.resolve("x"), "x-0\n");
        FileSource<String> source = FileSource.builder(in, FileFormat.text()).moveAfterProcessing(done).build();
        Harness h = new Harness(source, 100);
        Collected b = new Collected(1);
        h.reader.read(b);
        assertThat(in.resolve("x")).exists();            // read, not committed: stays
        h.reopen();                                       // the batch aborted
        h.commitOne();
        assertThat(in.resolve("x")).doesNotExist();
        assertThat(done.resolve("x")).hasContent("x-0");
        assertThat(h.committed).containsKey("file:x");
        h.commitOne();
        assertThat(h.committed).doesNotContainKey("file:x");
        assertThat(h.output).containsExactly("x-0");
    }
}
