package io.eddy.connectors.file;

import io.eddy.source.SourceBatch;
import io.eddy.source.SourceContext;
import io.eddy.source.SourceReader;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link FileSource} for one owner. Keeps the position entries as committed plus what this
 * reader added since (a reader is discarded when a batch does not commit, so its view never runs
 * ahead of what will be committed by more than the batch being built).
 *
 * <p>Position entry per file: key {@code file:<name>}, value
 * {@code off=<bytes read, or records for Avro>;line=<lines read>;size=<bytes>;mtime=<ms>;done=<0|1>}.
 */
final class FileSourceReader<V> implements SourceReader<String, V> {
    private static final Logger log = LoggerFactory.getLogger(FileSourceReader.class);
    private static final String PREFIX = "file:";

    private final FileSource<V> source;
    private final SourceContext context;
    private final PathMatcher matcher;
    private final Map<String, FileEntry> files = new HashMap<>();
    /** Files finished by a batch, to delete or move once it committed: batch id to names. */
    private final Map<Long, List<FileEntry>> finishedBy = new HashMap<>();
    /** Entries of files deleted or moved, to remove from the position in the next batch. */
    private final List<String> cleaned = new ArrayList<>();

    /** One file's position. */
    record FileEntry(String name, long offset, long line, long size, long mtime, boolean done) {
        static FileEntry parse(String name, String value) {
            Map<String, String> f = new HashMap<>();
            for (String kv : value.split(";")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    f.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            return new FileEntry(name, Long.parseLong(f.getOrDefault("off", "0")), Long.parseLong(f.getOrDefault("line", "0")),
                    Long.parseLong(f.getOrDefault("size", "-1")), Long.parseLong(f.getOrDefault("mtime", "-1")),
                    "1".equals(f.get("done")));
        }

        String encode() {
            return "off=" + offset + ";line=" + line + ";size=" + size + ";mtime=" + mtime + ";done=" + (done ? 1 : 0);
        }
    }

    /** A file seen in the directory listing. */
    private record Listed(Path path, String name, long size, long mtime) {
    }

    FileSourceReader(FileSource<V> source, SourceContext context, PathMatcher matcher) {
        this.source = source;
        this.context = context;
        this.matcher = matcher;
        context.committedPosition().forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                String name = k.substring(PREFIX.length());
                files.put(name, FileEntry.parse(name, v));
            }
        });
        if (cleansUp()) {
            // finished by a committed batch, but the process stopped before acting on them
            for (FileEntry e : files.values()) {
                if (e.done() && unchanged(source.directory.resolve(e.name()), e)) {
                    cleanUp(e);
                }
            }
        }
    }

    private boolean cleansUp() {
        return source.delete || source.moveTo != null;
    }

    @Override
    public void read(SourceBatch<String, V> batch) throws IOException {
        for (String name : cleaned) {
            files.remove(name);
            batch.removePosition(PREFIX + name);
        }
        cleaned.clear();
        int opened = 0;
        long bytes = 0;
        for (Listed f : list()) {
            if (opened >= source.maxFilesPerBatch || bytes >= source.maxBytesPerBatch
                    || batch.emitted() >= context.maxRecordsPerBatch()) {
                break;
            }
            FileEntry start = startOf(f);
            if (start == null) {
                continue;
            }
            opened++;
            FileEntry end = source.format.kind() == FileFormat.Kind.AVRO
                    ? readAvro(f, start, batch)
                    : readLines(f, start, batch, source.maxBytesPerBatch - bytes);
            bytes += source.format.kind() == FileFormat.Kind.AVRO ? f.size() : end.offset() - start.offset();
            files.put(f.name(), end);
            batch.putPosition(PREFIX + f.name(), end.encode());
            if (end.done() && cleansUp()) {
                finishedBy.computeIfAbsent(batch.batchId(), b -> new ArrayList<>()).add(end);
            }
        }
    }

    /** Where to start reading {@code f}, or null if it is done and unchanged (or changes are ignored). */
    private FileEntry startOf(Listed f) {
        FileEntry e = files.get(f.name());
        FileEntry fresh = new FileEntry(f.name(), 0, 0, f.size(), f.mtime(), false);
        if (e == null) {
            return fresh;
        }
        if (!e.done()) {
            return new FileEntry(f.name(), e.offset(), e.line(), f.size(), f.mtime(), false);
        }
        boolean changed = e.size() != f.size() || e.mtime() != f.mtime();
        if (!changed) {
            return null;
        }
        if (cleansUp()) {
            return fresh;   // a new file under a finished one's name (the old one was deleted or moved)
        }
        if (!source.includeModified) {
            return null;
        }
        if (f.size() >= e.offset() && source.format.kind() != FileFormat.Kind.AVRO) {
            return new FileEntry(f.name(), e.offset(), e.line(), f.size(), f.mtime(), false);   // appended to
        }
        return fresh;
    }

    /** The matching files, oldest first. */
    private List<Listed> list() throws IOException {
        List<Listed> listed = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(source.directory)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || !matcher.matches(p.getFileName())) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (a.isRegularFile()) {
                    listed.add(new Listed(p, name, a.size(), a.lastModifiedTime().toMillis()));
                }
            }
        } catch (AccessDeniedException e) {
            throw new IOException("cannot list the directory " + source.directory + ": permission denied", e);
        }
        listed.sort(Comparator.comparingLong(Listed::mtime).thenComparing(Listed::name));
        return listed;
    }

    private FileEntry readLines(Listed f, FileEntry start, SourceBatch<String, V> batch, long byteBudget)
            throws IOException {
        long offset = start.offset();
        long line = start.line();
        try (FileChannel channel = open(f.path())) {
            FileFormat.LineParser<V> parser;
            if (source.format.hasHeader()) {
                LineRead header = nextLineCounted(new BufferedInputStream(Channels.newInputStream(channel.position(0))));
                if (header == null) {
                    return new FileEntry(f.name(), 0, 0, f.size(), f.mtime(), true);   // empty: no header, no rows
                }
                try {
                    parser = source.format.parser(utf8(header.bytes), f.path().toString());
                } catch (IllegalArgumentException e) {
                    throw new IOException("file " + f.path() + ": cannot read the CSV header: " + e.getMessage(), e);
                }
                if (offset == 0) {
                    offset = header.length;
                    line = 1;
                }
            } else {
                parser = source.format.parser(null, f.path().toString());
            }
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel.position(offset)), 64 * 1024);
            long read = 0;
            while (read < byteBudget && batch.emitted() < context.maxRecordsPerBatch()) {
                LineRead next = nextLineCounted(in);
                if (next == null) {
                    return new FileEntry(f.name(), offset, line, f.size(), f.mtime(), true);
                }
                offset += next.length;
                read += next.length;
                line++;
                String text = utf8(next.bytes);
                if (source.format.skipsBlankLines() && text.isBlank()) {
                    continue;
                }
                V value;
                try {
                    value = parser.parse(text);
                } catch (Exception e) {
                    batch.malformed(f.path() + ":" + line, next.bytes, e);
                    continue;
                }
                batch.emit(null, value, -1);
            }
            boolean atEnd = in.read() < 0;
            return new FileEntry(f.name(), offset, line, f.size(), f.mtime(), atEnd);
        }
    }

    private FileEntry readAvro(Listed f, FileEntry start, SourceBatch<String, V> batch) throws IOException {
        long records = start.offset();
        open(f.path()).close();   // the permission check, with a clear message
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(f.path().toFile(),
                     new GenericDatumReader<>(null, source.format.avroSchema()))) {
            for (long i = 0; i < records && reader.hasNext(); i++) {
                reader.next();
            }
            while (reader.hasNext() && batch.emitted() < context.maxRecordsPerBatch()) {
                @SuppressWarnings("unchecked")
                V value = (V) reader.next();
                records++;
                batch.emit(null, value, -1);
            }
            return new FileEntry(f.name(), records, records, f.size(), f.mtime(), !reader.hasNext());
        } catch (IOException | org.apache.avro.AvroRuntimeException e) {
            throw new IOException("cannot read the Avro file " + f.path() + " (record " + (records + 1) + "): " + e, e);
        }
    }

    private static FileChannel open(Path path) throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot read " + path + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException("cannot read " + path + ": " + e, e);
        }
    }

    private record LineRead(byte[] bytes, int length) {
    }

    /** The next line without its break, and how many bytes it took with the break; null at the end. */
    private static LineRead nextLineCounted(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int length = 0;
        int b;
        while ((b = in.read()) >= 0) {
            length++;
            if (b == '\n') {
                break;
            }
            buf.write(b);
        }
        if (length == 0) {
            return null;
        }
        byte[] bytes = buf.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        }
        return new LineRead(bytes, length);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void committed(long batchId) {
        for (Iterator<Map.Entry<Long, List<FileEntry>>> it = finishedBy.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, List<FileEntry>> e = it.next();
            if (e.getKey() <= batchId) {
                e.getValue().forEach(this::cleanUp);
                it.remove();
            }
        }
    }

    /** Deletes or moves a finished file, then forgets its entry at the next batch. */
    private void cleanUp(FileEntry e) {
        Path file = source.directory.resolve(e.name());
        try {
            if (source.delete) {
                Files.deleteIfExists(file);
            } else {
                Files.move(file, source.moveTo.resolve(e.name()), StandardCopyOption.REPLACE_EXISTING);
            }
            cleaned.add(e.name());
        } catch (NoSuchFileException gone) {
            cleaned.add(e.name());
        } catch (IOException ex) {
            log.warn("{}: file source '{}': could not {} the processed file {}: {}", context.applicationId(),
                    context.sourceName(), source.delete ? "delete" : "move", file, ex.toString());
        }
    }

    private static boolean unchanged(Path file, FileEntry e) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() == e.size() && a.lastModifiedTime().toMillis() == e.mtime();
        } catch (IOException gone) {
            return false;
        }
    }

    @Override
    public void close() {
    }
}
