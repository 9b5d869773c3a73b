package io.eddy.connectors.filesink;

import io.eddy.dsl.ForeachWriter;
import io.eddy.dsl.SinkRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Writes a stream's records to files in a local directory, exactly once: files are staged per
 * {@code (task, batch)} and published through a manifest only once the batch has committed in
 * Kafka. Give it to {@link io.eddy.dsl.RecordStream#foreach} (a table's output through
 * {@code table.toStream().foreach(sink)}):
 *
 * <pre>{@code
 * FileSink<String, Order> sink = FileSink.builder(Path.of("/data/orders"),
 *                 FileSinkFormat.<String, Order>jsonLines(r -> r.value()))
 *         .partitionBy(PartitionPaths.hourly())           // date=2026-12-05/hour=07/
 *         .build();
 * pipeline.kafka("orders", Consumed.with(Serdes.string(), orderSerde)).foreach(sink);
 * // readers: FileSinkManifest.committedFiles(Path.of("/data/orders"))
 * }</pre>
 *
 * <p>Each task writes, per batch and per partition path, one file named
 * {@code <partition path>/part-t<task>-b<batch>.<ext>}. The layout and the protocol are described
 * in the README ("File sink") and atop the package-private writer; in short: data files are written
 * under {@code _eddy_staging/} and fsynced before the Kafka commit, then moved into place and
 * listed in {@code _eddy_manifest/} after it. Only {@link FileSinkManifest} tells which files are
 * committed output.
 *
 * <p>One sink per directory: two sinks (or two applications) writing to one directory would
 * overwrite each other's files. The directory must be on a local file system that supports
 * atomic renames (POSIX {@code rename}). The protocol is the same under
 * {@code Guarantee.AT_LEAST_ONCE} (the checkpoint is then committed with the offsets by
 * {@code commitSync}); the tests run it under exactly-once.
 *
 * <p>A {@code FileSink} is immutable and may be shared by threads; each task gets its own writer.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
public final class FileSink<K, V> implements Supplier<ForeachWriter<K, V>> {
    private final Path directory;
    private final FileSinkFormat<K, V> format;
    private final Function<? super SinkRecord<K, V>, String> partitioner;

    private FileSink(Builder<K, V> b) {
        this.directory = b.directory;
        this.format = b.format;
        this.partitioner = b.partitioner;
    }

    /**
     * Starts a sink writing {@code format} files under {@code directory} (created at
     * {@link Builder#build()} if missing).
     */
    public static <K, V> Builder<K, V> builder(Path directory, FileSinkFormat<K, V> format) {
        return new Builder<>(directory, format);
    }

    /** The sink's directory (absolute). */
    public Path directory() {
        return directory;
    }

    /** A new writer for one task; called by the runtime when a task is created. */
    @Override
    public ForeachWriter<K, V> get() {
        return new FileSinkWriter<>(directory, format, partitioner);
    }

    @Override
    public String toString() {
        return "FileSink[" + directory + ", " + format.extension() + "]";
    }

    /** Options of a {@link FileSink}; each may be set once. Not thread-safe. */
    public static final class Builder<K, V> {
        private final Path directory;
        private final FileSinkFormat<K, V> format;
        private Function<? super SinkRecord<K, V>, String> partitioner;

        private Builder(Path directory, FileSinkFormat<K, V> format) {
            this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
            this.format = Objects.requireNonNull(format, "format");
        }

        /**
         * Where each record goes: a relative directory path (with {@code /} separators) under the
         * sink directory, such as {@code date=2026-12-05/hour=07}; empty or null for the
         * directory itself. See {@link PartitionPaths} for ready-made ones. The function runs on
         * the task's thread for every record; a path that is absolute, climbs out with {@code ..},
         * or has a component starting with {@code .} or {@code _} fails the batch with an error
         * naming the record. Default: {@link PartitionPaths#none()}.
         *
         * @throws IllegalStateException if already set
         */
        public Builder<K, V> partitionBy(Function<? super SinkRecord<K, V>, String> partitioner) {
            if (this.partitioner != null) {
                throw new IllegalStateException("partitionBy is already set");
            }
            this.partitioner = Objects.requireNonNull(partitioner, "partitioner");
            return this;
        }

        /**
         * Creates the sink, and its directory if missing.
         *
         * @throws IllegalArgumentException if the directory cannot be created or is not a writable directory
         */
        public FileSink<K, V> build() {
            if (partitioner == null) {
                partitioner = r -> "";
            }
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new IllegalArgumentException("file sink directory " + directory + " cannot be created: " + e, e);
            }
            if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
                throw new IllegalArgumentException("file sink directory " + directory + " is not a writable directory");
            }
            return new FileSink<>(this);
        }
    }

    static UncheckedIOException io(String what, IOException e) {
        return new UncheckedIOException(what + ": " + e, e);
    }
}
