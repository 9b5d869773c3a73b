package io.eddy.connectors.file;

import io.eddy.InvalidConfigException;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.source.SourceContext;
import io.eddy.source.SourceReader;
import io.eddy.source.StreamSource;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads the files of a local directory as they appear: JSON lines, CSV, plain text or Avro
 * container files ({@link FileFormat}). Give it to {@code Pipeline.source(name, source)}.
 *
 * <p><b>What it reads.</b> The regular files directly in the directory (not in sub-directories)
 * whose name matches the glob (default {@code *}), except hidden ones (a name starting with
 * {@code .}), oldest first (by modification time, then name), picking up new files at every
 * batch. A file must appear whole: write it elsewhere (or under a hidden name) and move it in, as
 * a file is done once its end is reached. With {@link Builder#includeModified(boolean)} a file
 * whose size or modification time changed after it was read is read again: from where it ended
 * if it grew (an appended log), from its start if it shrank.
 *
 * <p><b>Batches.</b> At most {@link Builder#maxFilesPerBatch(int)} files (opened or continued)
 * and about {@link Builder#maxBytesPerBatch(long)} bytes per batch, and at most the application's
 * {@code maxRecordsPerBatch} records; a file larger than a batch continues in the next.
 *
 * <p><b>Exactly once.</b> The position (per file: bytes or records read, line number, size,
 * modification time, done or not) is committed in the batch's transaction, so after a crash the
 * next owner continues after the last committed batch: every line of every file is in the
 * committed output once. Optional {@link Builder#deleteAfterProcessing()} or
 * {@link Builder#moveAfterProcessing(Path)} act on a file only after the batch that finished it
 * committed (after a crash in between, when the source is opened again).
 *
 * <p><b>Errors.</b> A malformed line (JSON or CSV) goes to the application's error handler with
 * its location {@code <file>:<line>} in {@link io.eddy.ErrorContext#location()}; a file that
 * cannot be read (permissions, a corrupt Avro file, a CSV header without a declared column) stops
 * the application with an error naming the file.
 *
 * <p>Keys are null (records spread round-robin over the records topic's partitions); re-key with
 * {@code selectKey} or {@code groupBy}. Immutable and thread-safe.
 *
 * <pre>{@code
 * p.source("orders", FileSource.builder(Path.of("/data/in"), FileFormat.csv(orders))
 *                 .glob("*.csv").maxFilesPerBatch(10).moveAfterProcessing(Path.of("/data/done")).build())
 *  .toKafka("orders", Produced.with(Serdes.string(), ordersSerde));
 * }</pre>
 *
 * @param <V> the record value type
 */
public final class FileSource<V> implements StreamSource<String, V> {
    final Path directory;
    final FileFormat<V> format;
    final String glob;
    final int maxFilesPerBatch;
    final long maxBytesPerBatch;
    final boolean includeModified;
    final boolean delete;
    final Path moveTo;
    private final int partitions;

    private FileSource(Builder<V> b) {
        this.directory = b.directory;
        this.format = b.format;
        this.glob = b.glob;
        this.maxFilesPerBatch = b.maxFilesPerBatch;
        this.maxBytesPerBatch = b.maxBytesPerBatch;
        this.includeModified = b.includeModified;
        this.delete = b.delete;
        this.moveTo = b.moveTo;
        this.partitions = b.partitions;
    }

    /** A builder for the files of {@code directory} read in {@code format}. */
    public static <V> Builder<V> builder(Path directory, FileFormat<V> format) {
        return new Builder<>(directory, format);
    }

    @Override
    public Serde<String> keySerde() {
        return Serdes.string();
    }

    @Override
    public Serde<V> valueSerde() {
        return format.serde();
    }

    @Override
    public int partitions() {
        return partitions;
    }

    @Override
    public SourceReader<String, V> open(SourceContext context) throws java.io.IOException {
        return new FileSourceReader<>(this, context, FileSystems.getDefault().getPathMatcher("glob:" + glob));
    }

    @Override
    public String toString() {
        return "FileSource[" + directory + ", " + glob + ", " + format + "]";
    }

    /**
     * Sets the options of a {@link FileSource}, each at most once; {@link #build()} checks them.
     * Not thread-safe.
     *
     * @param <V> the record value type
     */
    public static final class Builder<V> {
        private final Path directory;
        private final FileFormat<V> format;
        private String glob = "*";
        private int maxFilesPerBatch = 100;
        private long maxBytesPerBatch = 16L << 20;
        private boolean includeModified;
        private boolean delete;
        private Path moveTo;
        private int partitions;

        private Builder(Path directory, FileFormat<V> format) {
            this.directory = directory;
            this.format = format;
        }

        /** Only files whose name matches this glob ({@link java.nio.file.FileSystem#getPathMatcher} syntax), e.g. {@code "*.csv"}; default {@code "*"}. */
        public Builder<V> glob(String glob) {
            this.glob = glob;
            return this;
        }

        /** At most this many files opened or continued per batch; default 100. */
        public Builder<V> maxFilesPerBatch(int maxFiles) {
            this.maxFilesPerBatch = maxFiles;
            return this;
        }

        /** About this many bytes read per batch (a batch ends at the first line past it); default 16 MiB. */
        public Builder<V> maxBytesPerBatch(long maxBytes) {
            this.maxBytesPerBatch = maxBytes;
            return this;
        }

        /** Whether a file whose size or modification time changed after it was read is read again (see the class comment); default false. */
        public Builder<V> includeModified(boolean includeModified) {
            this.includeModified = includeModified;
            return this;
        }

        /** Deletes each file once the batch that finished it committed. */
        public Builder<V> deleteAfterProcessing() {
            this.delete = true;
            return this;
        }

        /** Moves each file into {@code directory} (replacing a file of the same name) once the batch that finished it committed. */
        public Builder<V> moveAfterProcessing(Path directory) {
            this.moveTo = directory;
            return this;
        }

        /** The partition count of the records topic when it is created (see {@link StreamSource#partitions()}); default 0. */
        public Builder<V> partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /**
         * The source.
         *
         * @throws InvalidConfigException naming the option and its value: a directory that does not
         *         exist, a bad glob, bounds below 1, both delete and move, or includeModified with
         *         delete or move (a processed file is gone, so it cannot change)
         */
        public FileSource<V> build() {
            if (directory == null || !Files.isDirectory(directory)) {
                throw new InvalidConfigException("FileSource.directory", directory, "must be an existing directory");
            }
            Objects.requireNonNull(format, "format");
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + Objects.requireNonNull(glob, "glob"));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("FileSource.glob", glob, "not a valid glob: " + e.getMessage());
            }
            if (maxFilesPerBatch < 1) {
                throw new InvalidConfigException("FileSource.maxFilesPerBatch", maxFilesPerBatch, "must be at least 1");
            }
            if (maxBytesPerBatch < 1) {
                throw new InvalidConfigException("FileSource.maxBytesPerBatch", maxBytesPerBatch, "must be at least 1");
            }
            if (partitions < 0) {
                throw new InvalidConfigException("FileSource.partitions", partitions, "must not be negative");
            }
            if (delete && moveTo != null) {
                throw new InvalidConfigException("FileSource.moveAfterProcessing", moveTo,
                        "choose either deleteAfterProcessing() or moveAfterProcessing(...)");
            }
            if (moveTo != null && !Files.isDirectory(moveTo)) {
                throw new InvalidConfigException("FileSource.moveAfterProcessing", moveTo, "must be an existing directory");
            }
            if (includeModified && (delete || moveTo != null)) {
                throw new InvalidConfigException("FileSource.includeModified", true,
                        "cannot watch files for changes that are deleted or moved after processing");
            }
            return new FileSource<>(this);
        }
    }
}
