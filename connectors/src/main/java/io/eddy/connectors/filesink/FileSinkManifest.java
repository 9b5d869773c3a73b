package io.eddy.connectors.filesink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Reads what a {@link FileSink} has published: the manifest under {@code <dir>/_eddy_manifest/},
 * one small JSON file per committed {@code (task, batch)}, listing the data files of that batch.
 * A reader that takes its file list from here never sees a file of a batch that did not commit,
 * a partly written file, or a batch twice. Files in the sink directory that the manifest does not
 * list (while a publication is under way, or left by a crash) are not part of the output.
 *
 * <p>Safe to call from any thread and any process while the sink writes: each manifest file
 * appears by an atomic rename, complete.
 *
 * <pre>{@code
 * for (Path file : FileSinkManifest.committedFiles(Path.of("/data/orders"))) { … }
 * }</pre>
 */
public final class FileSinkManifest {
    static final String MANIFEST_DIR = "_eddy_manifest";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FileSinkManifest() {
    }

    /**
     * One committed batch of one task.
     *
     * @param task the task (input partition) number
     * @param batchId the task's batch id (see {@link io.eddy.dsl.TaskBatch})
     * @param files the batch's data files, at least one
     */
    public record Entry(int task, long batchId, List<DataFile> files) {
        /** Copies {@code files}. */
        public Entry {
            files = List.copyOf(files);
        }

        /** The number of records in the batch's files. */
        public long records() {
            return files.stream().mapToLong(DataFile::records).sum();
        }
    }

    /**
     * One published data file.
     *
     * @param path its path relative to the sink directory, with {@code /} separators
     * @param records how many records it holds
     * @param bytes its size
     */
    public record DataFile(String path, long records, long bytes) {
        /** Checks the path is present. */
        public DataFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * The data files of every committed batch, as paths under {@code dir}, ordered by task and
     * batch id.
     *
     * @param dir the sink's directory
     * @return the files; empty if nothing has been published (or {@code dir} does not exist)
     * @throws UncheckedIOException if the manifest cannot be read
     */
    public static List<Path> committedFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        for (Entry e : entries(dir)) {
            for (DataFile f : e.files()) {
                files.add(dir.resolve(f.path()));
            }
        }
        return files;
    }

    /**
     * Every committed batch, ordered by task and batch id.
     *
     * @throws UncheckedIOException if the manifest cannot be read
     */
    public static List<Entry> entries(Path dir) {
        Path manifest = dir.resolve(MANIFEST_DIR);
        if (!Files.isDirectory(manifest)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(manifest)) {
            for (Path taskDir : tasks.filter(p -> p.getFileName().toString().startsWith("task-")).toList()) {
                try (Stream<Path> batches = Files.list(taskDir)) {
                    for (Path f : batches.filter(FileSinkManifest::isEntryFile).toList()) {
                        entries.add(read(f));
                    }
                } catch (NoSuchFileException gone) {
                    // cannot happen with a live sink (it never deletes manifest directories)
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file sink manifest in " + manifest + ": " + e, e);
        }
        entries.sort(Comparator.comparingInt(Entry::task).thenComparingLong(Entry::batchId));
        return entries;
    }

    static boolean isEntryFile(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith("batch-") && name.endsWith(".json");
    }

    static Entry read(Path file) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        if (n == null || !n.has("task") || !n.has("batch") || !n.path("files").isArray()) {
            throw new IOException("not a file sink manifest entry: " + file);
        }
        List<DataFile> files = new ArrayList<>();
        for (JsonNode f : n.get("files")) {
            files.add(new DataFile(f.get("path").asText(), f.get("records").asLong(), f.get("bytes").asLong()));
        }
        return new Entry(n.get("task").asInt(), n.get("batch").asLong(), files);
    }

    static byte[] encode(Entry entry, String attempt) {
        ObjectNode n = JSON.createObjectNode();
        n.put("task", entry.task());
        n.put("batch", entry.batchId());
        n.put("attempt", attempt);
        ArrayNode files = n.putArray("files");
        for (DataFile f : entry.files()) {
            files.addObject().put("path", f.path()).put("records", f.records()).put("bytes", f.bytes());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String attemptOf(Path file) throws IOException {
        return JSON.readTree(file.toFile()).path("attempt").asText();
    }
}
