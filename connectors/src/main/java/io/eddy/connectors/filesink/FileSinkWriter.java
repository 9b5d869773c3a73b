package io.eddy.connectors.filesink;

import io.eddy.connectors.filesink.FileSinkManifest.DataFile;
import io.eddy.connectors.filesink.FileSinkManifest.Entry;
import io.eddy.dsl.ForeachWriter;
import io.eddy.dsl.SinkRecord;
import io.eddy.dsl.TaskBatch;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's file writer: stages a batch's files, makes them durable before the Kafka commit and
 * publishes them after it.
 *
 * <h2>Layout under the sink directory</h2>
 * <pre>
 *   date=…/hour=…/part-t00003-b0000000017.jsonl           published data (committed batches only)
 *   _eddy_manifest/task-00003/batch-0000000017.json        one entry per committed (task, batch)
 *   _eddy_staging/task-00003/batch-0000000017.&lt;attempt&gt;/0.jsonl  the files of a batch being written, flat
 *                                                           (the marker lists them in order, with their final paths)
 *   _eddy_staging/task-00003/batch-0000000017.staged       written at prepare: the attempt, its files and counts
 * </pre>
 *
 * <h2>Protocol, per batch b of task t</h2>
 * <ol>
 *   <li><b>open</b>: a fresh attempt directory (a random name, so a zombie still writing the same
 *       batch cannot mix its files with ours); data files are created in it as records arrive, one
 *       per partition path.</li>
 *   <li><b>close(null)</b>, before the Kafka commit: finish, flush and fsync every file and the
 *       attempt directory, then write the {@code .staged} marker (temporary file, fsync,
 *       atomic rename, fsync of its directory). A failure here fails the batch.</li>
 *   <li><b>committed</b>, after the Kafka commit: move each staged file to its final place
 *       (atomic rename, replacing a file of the same name), fsync the target directories (and the
 *       parents of those it had to create), then
 *       rename the marker to the manifest entry (atomic; fsync), then delete the attempt
 *       directory. The manifest entry appearing is the publication.</li>
 * </ol>
 * A crash before the Kafka commit leaves a staged batch whose id the task will run again; a crash
 * after it leaves a marker whose batch id is below the task's next batch id. So on
 * {@link #taskStarted} the writer looks at the task's staging directory: a marker of batch
 * {@code < next} is published as in step 3 (files already moved are skipped; nothing is done if its
 * manifest entry already exists), and every other marker, attempt directory and temporary file is
 * deleted. A replayed batch thus starts from nothing and its files replace, never add to, those of
 * an earlier attempt; the manifest holds at most one entry per {@code (task, batch)}. At each open
 * the writer settles only its own last prepared batch (published if the task moved past it,
 * discarded if it is being replayed after a refused commit): a writer that has become a zombie
 * must not delete what its successor staged.
 *
 * <p>Known limit: a fenced zombie that still writes the marker of the batch its successor is
 * committing can replace the successor's marker; if the successor then crashes between its Kafka
 * commit and its publication, the recovery publishes the zombie's attempt (complete files of the
 * same batch id, but possibly ending at another offset). That needs a fencing, a crash and a race
 * within one batch interval.
 */
final class FileSinkWriter<K, V> implements ForeachWriter<K, V> {
    static final String STAGING_DIR = "_eddy_staging";
    private static final String STAGED_SUFFIX = ".staged";
    private static final Logger log = LoggerFactory.getLogger(FileSinkWriter.class);

    private final Path root;
    private final FileSinkFormat<K, V> format;
    private final Function<? super SinkRecord<K, V>, String> partitioner;

    private int task = -1;
    private long batchId;
    private String attempt;
    private final Map<String, OpenFile<K, V>> files = new LinkedHashMap<>();
    /** The batch closed with null and not yet heard to commit. */
    private Entry prepared;
    private String preparedAttempt;
    private boolean stagingSynced;
    private boolean recoveryPending;

    FileSinkWriter(Path root, FileSinkFormat<K, V> format, Function<? super SinkRecord<K, V>, String> partitioner) {
        this.root = root;
        this.format = format;
        this.partitioner = partitioner;
    }

    private static final class OpenFile<K, V> {
        final String path;   // relative to the sink root, final name
        final Path staged;
        final FileOutputStream stream;
        final BufferedOutputStream buffered;
        final FileSinkFormat.Encoder<K, V> encoder;
        long records;

        OpenFile(String path, Path staged, FileOutputStream stream, BufferedOutputStream buffered, FileSinkFormat.Encoder<K, V> encoder) {
            this.path = path;
            this.staged = staged;
            this.stream = stream;
            this.buffered = buffered;
            this.encoder = encoder;
        }
    }

    // ---- the ForeachWriter lifecycle

    @Override
    public void taskStarted(TaskBatch next) {
        task = next.task();
        recoveryPending = true;
        recover(next.batchId());
        recoveryPending = false;
    }

    @Override
    public boolean open(TaskBatch batch) {
        task = batch.task();
        if (recoveryPending) {   // the recovery at task start failed (it was logged): retry before writing anything
            recover(batch.batchId());
            recoveryPending = false;
        }
        settlePrepared(batch.batchId());
        batchId = batch.batchId();
        attempt = UUID.randomUUID().toString().substring(0, 8);
        files.clear();
        return true;
    }

    @Override
    public void process(SinkRecord<K, V> record) {
        String dir = partitionPath(record);
        OpenFile<K, V> file = files.get(dir);
        try {
            if (file == null) {
                file = start(dir);
                files.put(dir, file);
            }
            file.encoder.write(record);
            file.records++;
        } catch (IOException e) {
            throw FileSink.io("file sink cannot write " + file(dir) + " of task " + task + " batch " + batchId, e);
        }
    }

    @Override
    public void close(Throwable error) {
        if (error != null) {
            discardOpenFiles();
            return;
        }
        try {
            prepare();
        } catch (IOException | RuntimeException e) {
            discardOpenFiles();
            if (e instanceof IOException io) {
                throw FileSink.io("file sink cannot stage batch " + batchId + " of task " + task + " in " + root, io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public void committed(TaskBatch batch) {
        if (prepared == null || prepared.batchId() != batch.batchId()) {
            return;
        }
        publishPrepared();
    }

    /**
     * Before batch {@code next} opens: the batch this writer prepared last either committed (its id
     * is lower: the task moved on, but {@code committed} did not come through or its publication
     * failed) and is published now, or it is being replayed (same id: its commit was refused) and
     * this writer's attempt is discarded. Only this writer's own files are touched: files that
     * appeared since {@link #taskStarted} are a fenced zombie's, or a successor's if this writer
     * is the zombie, and must be left alone.
     */
    private void settlePrepared(long next) {
        if (prepared == null) {
            return;
        }
        if (prepared.batchId() < next) {
            publishPrepared();
            return;
        }
        Path marker = marker(prepared.batchId());
        try {
            if (Files.exists(marker) && preparedAttempt.equals(FileSinkManifest.attemptOf(marker))) {
                Files.deleteIfExists(marker);
            }
        } catch (IOException e) {
            throw FileSink.io("file sink cannot discard its staged batch " + prepared.batchId() + " of task " + task, e);
        }
        deleteTree(attemptDir(prepared.batchId(), preparedAttempt));
        prepared = null;
    }

    private void publishPrepared() {
        try {
            publish(prepared, attemptDir(prepared.batchId(), preparedAttempt), marker(prepared.batchId()));
            prepared = null;
        } catch (IOException e) {
            // the batch stays staged; the next open (or the task's next owner) publishes it
            throw FileSink.io("file sink committed batch " + prepared.batchId() + " of task " + task
                    + " but could not publish it yet (it will be at the task's next batch or restart)", e);
        }
    }

    // ---- the steps

    private String partitionPath(SinkRecord<K, V> record) {
        String p = partitioner.apply(record);
        if (p == null || p.isEmpty()) {
            return "";
        }
        String[] parts = p.split("/", -1);
        for (String part : parts) {
            if (part.isEmpty() || part.equals("..") || part.startsWith(".") || part.startsWith("_") || part.contains("\\")
                    || part.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("file sink partition path '" + p + "' of the record at "
                        + record.topic() + "-" + record.partition() + "@" + record.offset()
                        + " is not a relative path of plain names (no empty, '..', '.x', '_x' components)");
            }
        }
        return p;
    }

    private String file(String dir) {
        String name = String.format("part-t%05d-b%010d.%s", task, batchId, format.extension());
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private OpenFile<K, V> start(String dir) throws IOException {
        String path = file(dir);
        Path staged = stagedFile(attemptDir(batchId, attempt), files.size());
        Files.createDirectories(staged.getParent());
        FileOutputStream stream = new FileOutputStream(staged.toFile());
        BufferedOutputStream buffered = new BufferedOutputStream(stream, 64 * 1024);
        try {
            return new OpenFile<>(path, staged, stream, buffered, format.start(buffered));
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    private void prepare() throws IOException {
        List<DataFile> done = new ArrayList<>();
        Set<Path> dirs = new LinkedHashSet<>();
        for (OpenFile<K, V> f : files.values()) {
            f.encoder.finish();
            f.buffered.flush();
            f.stream.getChannel().force(false);
            f.stream.close();
            done.add(new DataFile(f.path, f.records, Files.size(f.staged)));
            dirs.add(f.staged.getParent());   // the attempt directory: staged files are flat
        }
        files.clear();
        for (Path d : dirs) {
            syncDirectory(d);
        }
        Entry entry = new Entry(task, batchId, done);
        writeAtomically(marker(batchId), FileSinkManifest.encode(entry, attempt));
        if (!stagingSynced) {   // the task's staging directory itself, created on first use
            syncDirectory(taskStaging().getParent());
            syncDirectory(root);
            stagingSynced = true;
        }
        prepared = entry;
        preparedAttempt = attempt;
    }

    private void discardOpenFiles() {
        for (OpenFile<K, V> f : files.values()) {
            try {
                f.stream.close();
            } catch (IOException ignored) {
                // deleted below
            }
        }
        files.clear();
        if (attempt != null) {
            deleteTree(attemptDir(batchId, attempt));
        }
    }

    /**
     * Finishes or discards what earlier attempts left in this task's staging directory: batches
     * below {@code next} committed, the others did not (see the class comment).
     */
    void recover(long next) {
        Path dir = taskStaging();
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        } catch (IOException e) {
            throw FileSink.io("file sink cannot list " + dir, e);
        }
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (!name.endsWith(STAGED_SUFFIX)) {
                continue;
            }
            long batch = batchOf(name);
            try {
                if (batch >= 0 && batch < next) {
                    Path entryFile = manifestEntry(batch);
                    if (Files.exists(entryFile)) {
                        Files.deleteIfExists(p);   // published already; a late zombie's marker
                    } else {
                        String markerAttempt = FileSinkManifest.attemptOf(p);
                        publish(FileSinkManifest.read(p), attemptDir(batch, markerAttempt), p);
                        log.info("file sink {}: published batch {} of task {}, which had committed but was not published yet",
                                root, batch, task);
                    }
                } else {
                    Files.deleteIfExists(p);
                    log.info("file sink {}: discarded staged batch {} of task {}, which did not commit", root, batch, task);
                }
            } catch (IOException e) {
                throw FileSink.io("file sink cannot recover staged batch " + batch + " of task " + task + " in " + dir, e);
            }
        }
        for (Path p : entries) {
            if (!p.getFileName().toString().endsWith(STAGED_SUFFIX)) {
                deleteTree(p);   // attempt directories (published ones are empty by now) and temporary files
            }
        }
    }

    /** Step 3: files into place, then the marker becomes the manifest entry, then cleanup. */
    private void publish(Entry entry, Path attemptDir, Path marker) throws IOException {
        Set<Path> targets = new LinkedHashSet<>();
        List<DataFile> files = entry.files();
        for (int i = 0; i < files.size(); i++) {
            DataFile f = files.get(i);
            Path source = stagedFile(attemptDir, i);
            Path target = root.resolve(f.path());
            if (Files.exists(source)) {
                createDirectories(target.getParent(), targets);
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else if (!Files.exists(target)) {
                throw new IOException("staged file " + source + " (" + f.path() + ") of committed batch "
                        + entry.batchId() + " is missing and was not published");
            }
            targets.add(target.getParent());
        }
        for (Path d : targets) {
            syncDirectory(d);
        }
        Path entryFile = manifestEntry(entry.batchId());
        Files.createDirectories(entryFile.getParent());
        Files.move(marker, entryFile, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(entryFile.getParent());
        syncDirectory(entryFile.getParent().getParent());
        syncDirectory(marker.getParent());
        deleteTree(attemptDir);
    }

    // ---- paths and file system helpers

    private Path taskStaging() {
        return root.resolve(STAGING_DIR).resolve(String.format("task-%05d", task));
    }

    /** The {@code index}-th file of an attempt: flat, so one directory fsync covers them all. */
    private Path stagedFile(Path attemptDir, int index) {
        return attemptDir.resolve(index + "." + format.extension());
    }

    /**
     * Creates {@code dir} and its missing parents under the root, adding to {@code toSync} the
     * parent of each directory created (whose entry must be made durable).
     */
    private void createDirectories(Path dir, Set<Path> toSync) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirectories(dir.getParent(), toSync);
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another task's writer created it
        }
        toSync.add(dir.getParent());
    }

    private Path attemptDir(long batch, String attemptId) {
        return taskStaging().resolve(String.format("batch-%010d.%s", batch, attemptId));
    }

    private Path marker(long batch) {
        return taskStaging().resolve(String.format("batch-%010d%s", batch, STAGED_SUFFIX));
    }

    private Path manifestEntry(long batch) {
        return root.resolve(FileSinkManifest.MANIFEST_DIR).resolve(String.format("task-%05d", task))
                .resolve(String.format("batch-%010d.json", batch));
    }

    private static long batchOf(String name) {
        int end = name.indexOf('.');
        try {
            return Long.parseLong(name.substring("batch-".length(), end));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Writes {@code bytes} to a temporary file beside {@code target}, fsyncs it, renames it over {@code target}. */
    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(".tmp-" + UUID.randomUUID() + "-" + target.getFileName());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(false);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    /** Makes a directory's entries (created, renamed, deleted files) durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException gone) {
            // nothing to make durable
        }
    }

    static void deleteTree(Path path) {
        try {
            if (!Files.exists(path)) {
                return;
            }
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (DirectoryNotEmptyException raced) {
                        // a zombie still writes there; a later recovery deletes it
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException raced) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("file sink cannot delete " + path + ": " + e, e);
        }
    }
}
