package io.eddy.state.internal;

import io.eddy.state.CorruptStoreException;
import io.eddy.state.StateStoreException;
import io.eddy.state.StoreIterator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB {@link Backend}: one database per store directory.
 *
 * <h2>Design</h2>
 *
 * <p>Layout: the column family {@value #META_CF} holds the store's metadata (format tag, last
 * committed changelog offset, stream time); each data segment is its own column family named
 * {@code segment-<id>}. A key-value store has the single segment 0; window and session stores
 * create a segment per time interval on first write and drop it, column family and all, when it
 * expires, so retention costs one {@code DropColumnFamily} rather than a delete per key and the
 * database's size stays bounded. The default column family is unused.
 *
 * <p>Atomicity: {@link #write} puts every change of a batch and the metadata into one
 * {@code WriteBatch}. The database therefore always holds a committed prefix of the changelog
 * and the offset it corresponds to. Restores write without the WAL; {@code atomic_flush} makes
 * memtables of all column families flush together, and before the first write with the WAL that
 * follows writes without it (the first commit after a restore) every column family is flushed:
 * otherwise a crash would replay the later write, and its offset, from the WAL while losing the
 * restored data it depends on. So even then data and offset cannot diverge
 * after a crash.
 *
 * <p>Corruption: {@link #open} refuses a directory that is not a RocksDB database of the right
 * kind, or whose CURRENT/MANIFEST cannot be read, with a {@link CorruptStoreException}; a
 * directory that is merely locked (another instance) is a plain {@link StateStoreException}.
 * A corrupt data block is only found when read: the read writes {@value #CORRUPT_MARKER} into the
 * directory and throws {@link CorruptStoreException}, and the next open refuses the directory.
 *
 * <p>Native resources: the store owns its {@code DBOptions}, {@code ColumnFamilyOptions}, write
 * options, column family handles, the database and any open iterators (each with its
 * {@code ReadOptions} and bound slice). {@link #close()} releases them in reverse dependency
 * order: iterators, handles, database, options. Shared objects (block cache, write buffer
 * manager, statistics) belong to {@link RocksDbResources}. A dropped column family's handle is
 * closed only when no iterator is open, since an iterator may still read it.
 */
final class RocksDbBackend implements Backend {

    static final String META_CF = "eddy-meta";
    private static final String SEGMENT_PREFIX = "segment-";
    /** Written into the directory when a read finds corruption; the next open refuses the directory. */
    static final String CORRUPT_MARKER = "EDDY-CORRUPT";
    private static final String FORMAT_KEY = "format";

    private final String name;
    private final Path dir;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final WriteOptions walWrites = new WriteOptions();
    private final WriteOptions noWalWrites = new WriteOptions().setDisableWAL(true);
    /** Whether writes without the WAL may still be only in memtables. */
    private boolean unflushedWithoutWal;
    private final List<ColumnFamilyHandle> otherHandles = new ArrayList<>();
    private final TreeMap<Long, ColumnFamilyHandle> segmentHandles = new TreeMap<>();
    private final List<ColumnFamilyHandle> droppedHandles = new ArrayList<>();
    private final Set<RocksStoreIterator> openIterators = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private RocksDB db;
    private ColumnFamilyHandle metaHandle;
    private volatile boolean closed;

    private RocksDbBackend(String name, Path dir, RocksDbResources resources) {
        this.name = name;
        this.dir = dir;
        this.dbOptions = resources.newDbOptions();
        this.cfOptions = resources.newColumnFamilyOptions();
    }

    /**
     * Opens (creating if needed) the database in {@code dir}.
     *
     * @param format a tag naming the store kind; an existing database with another tag is refused
     * @throws CorruptStoreException if the directory is corrupt, unreadable or of another kind
     * @throws StateStoreException   for other failures (for example a lock held elsewhere)
     */
    static RocksDbBackend open(String name, Path dir, RocksDbResources resources, String format) {
        checkDirectory(name, dir);
        RocksDbBackend backend = new RocksDbBackend(name, dir, resources);
        try {
            backend.openDb(format);
            return backend;
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    private static void checkDirectory(String name, Path dir) {
        String where = "store '" + name + "' at " + dir;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CorruptStoreException(where + " is not a directory", null);
        }
        try {
            Files.createDirectories(dir);
            if (Files.exists(dir.resolve(CORRUPT_MARKER))) {
                throw new CorruptStoreException(where + " was found corrupt while in use: "
                        + Files.readString(dir.resolve(CORRUPT_MARKER)).strip(), null);
            }
            if (!Files.exists(dir.resolve("CURRENT"))) {
                try (Stream<Path> entries = Files.list(dir)) {
                    // A RocksDB directory always has CURRENT; anything else with files in it is foreign.
                    List<Path> foreign = entries.filter(p -> !p.getFileName().toString().equals("LOCK")
                            && !p.getFileName().toString().startsWith("LOG")).limit(1).toList();
                    if (!foreign.isEmpty()) {
                        throw new CorruptStoreException(where + " is not a RocksDB database (found "
                                + foreign.get(0).getFileName() + " but no CURRENT file)", null);
                    }
                }
            }
        } catch (IOException e) {
            throw new CorruptStoreException(where + " cannot be read: " + e, e);
        }
    }

    private void openDb(String format) {
        List<byte[]> existing = List.of();
        if (Files.exists(dir.resolve("CURRENT"))) {
            try (Options listOptions = new Options()) {
                existing = RocksDB.listColumnFamilies(listOptions, dir.toString());
            } catch (RocksDBException e) {
                throw classify("list column families of", e);
            }
        }
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        descriptors.add(new ColumnFamilyDescriptor(META_CF.getBytes(StandardCharsets.UTF_8), cfOptions));
        for (byte[] cf : existing) {
            String cfName = new String(cf, StandardCharsets.UTF_8);
            if (!cfName.equals(META_CF) && !java.util.Arrays.equals(cf, RocksDB.DEFAULT_COLUMN_FAMILY)) {
                descriptors.add(new ColumnFamilyDescriptor(cf, cfOptions));
            }
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            throw classify("open", e);
        }
        for (int i = 0; i < handles.size(); i++) {
            ColumnFamilyHandle h = handles.get(i);
            String cfName = new String(descriptors.get(i).getName(), StandardCharsets.UTF_8);
            if (cfName.equals(META_CF)) {
                metaHandle = h;
            } else if (cfName.startsWith(SEGMENT_PREFIX)) {
                try {
                    segmentHandles.put(Long.parseLong(cfName.substring(SEGMENT_PREFIX.length())), h);
                } catch (NumberFormatException e) {
                    otherHandles.add(h);
                }
            } else {
                otherHandles.add(h);
            }
        }
        checkFormat(format, existing.isEmpty());
    }

    private void checkFormat(String format, boolean created) {
        byte[] stored = meta(FORMAT_KEY);
        if (stored == null) {
            if (!created && (!segmentHandles.isEmpty() || otherHandles.size() > 1)) {
                throw new CorruptStoreException(describe() + " holds a RocksDB database that is not an Eddy "
                        + "store (no format tag)", null);
            }
            write(Map.of(), Map.of(FORMAT_KEY, format.getBytes(StandardCharsets.UTF_8)), false);
        } else if (!format.equals(new String(stored, StandardCharsets.UTF_8))) {
            throw new CorruptStoreException(describe() + " holds a store of format '"
                    + new String(stored, StandardCharsets.UTF_8) + "', expected '" + format + "'", null);
        }
    }

    private StateStoreException classify(String action, RocksDBException e) {
        Status status = e.getStatus();
        Status.Code code = status == null ? null : status.getCode();
        String message = "Cannot " + action + " " + describe() + ": " + e.getMessage();
        String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (text.contains("lock")) {
            return new StateStoreException(message, e);
        }
        if (code == Status.Code.Corruption || code == Status.Code.InvalidArgument
                || code == Status.Code.NotFound || code == Status.Code.IOError
                || code == Status.Code.NotSupported) {
            return new CorruptStoreException(message, e);
        }
        return new StateStoreException(message, e);
    }

    private StateStoreException failure(String action, RocksDBException e) {
        String message = "Cannot " + action + " " + describe() + ": " + e.getMessage();
        Status status = e.getStatus();
        if (status != null && status.getCode() == Status.Code.Corruption) {
            // Corruption inside a data block is only seen when the block is read. The marker makes
            // the next open refuse the directory, so the store is moved aside and restored.
            try {
                Files.writeString(dir.resolve(CORRUPT_MARKER), message + System.lineSeparator());
            } catch (IOException io) {
                e.addSuppressed(io);
            }
            return new CorruptStoreException(message + " (the store is marked corrupt: it will be moved aside "
                    + "and restored from its changelog when it is next opened)", e);
        }
        return new StateStoreException(message, e);
    }

    private void checkOpen() {
        if (closed) {
            throw new StateStoreException(describe() + " is closed");
        }
    }

    @Override
    public String describe() {
        return "RocksDB store '" + name + "' at " + dir;
    }

    @Override
    public NavigableSet<Long> segments() {
        return new TreeSet<>(segmentHandles.keySet());
    }

    @Override
    public byte[] get(long segment, byte[] key) {
        checkOpen();
        ColumnFamilyHandle h = segmentHandles.get(segment);
        if (h == null) {
            return null;
        }
        try {
            return db.get(h, key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    @Override
    public StoreIterator<Map.Entry<byte[], byte[]>> range(long segment, byte[] from, byte[] to) {
        checkOpen();
        ColumnFamilyHandle h = segmentHandles.get(segment);
        if (h == null || ByteArrays.emptyRange(from, to)) {
            return new AbstractStoreIterator<>() {
                @Override
                protected Map.Entry<byte[], byte[]> computeNext() {
                    return null;
                }
            };
        }
        RocksStoreIterator it = new RocksStoreIterator(h, from, to);
        openIterators.add(it);
        return it;
    }

    /** A RocksDB iterator bounded to a key range; owns its read options and upper-bound slice. */
    private final class RocksStoreIterator extends AbstractStoreIterator<Map.Entry<byte[], byte[]>> {
        private final ReadOptions readOptions = new ReadOptions();
        private final Slice upperBound;
        private final RocksIterator iterator;
        private final byte[] from;
        private boolean started;

        RocksStoreIterator(ColumnFamilyHandle handle, byte[] from, byte[] to) {
            this.from = from;
            this.upperBound = to == null ? null : new Slice(ByteArrays.successor(to));
            if (upperBound != null) {
                readOptions.setIterateUpperBound(upperBound);
            }
            this.iterator = db.newIterator(handle, readOptions);
        }

        @Override
        protected Map.Entry<byte[], byte[]> computeNext() {
            if (closed) {
                throw new StateStoreException(describe() + " was closed while an iterator was open");
            }
            if (!started) {
                started = true;
                if (from == null) {
                    iterator.seekToFirst();
                } else {
                    iterator.seek(from);
                }
            } else {
                iterator.next();
            }
            if (!iterator.isValid()) {
                try {
                    iterator.status();
                } catch (RocksDBException e) {
                    throw failure("iterate", e);
                }
                return null;
            }
            return ByteArrays.entry(iterator.key(), iterator.value());
        }

        @Override
        protected void release() {
            iterator.close();
            readOptions.close();
            if (upperBound != null) {
                upperBound.close();
            }
            openIterators.remove(this);
            if (openIterators.isEmpty()) {
                closeDroppedHandles();
            }
        }
    }

    @Override
    public long approximateCount(long segment) {
        checkOpen();
        ColumnFamilyHandle h = segmentHandles.get(segment);
        if (h == null) {
            return 0;
        }
        try {
            return db.getLongProperty(h, "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            throw failure("read a property of", e);
        }
    }

    @Override
    public byte[] meta(String key) {
        checkOpen();
        try {
            return db.get(metaHandle, key.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw failure("read metadata of", e);
        }
    }

    @Override
    public void write(Map<Long, ? extends Map<byte[], byte[]>> changes, Map<String, byte[]> meta,
                      boolean disableWal) {
        checkOpen();
        try (WriteBatch batch = new WriteBatch()) {
            for (Map.Entry<Long, ? extends Map<byte[], byte[]>> seg : changes.entrySet()) {
                ColumnFamilyHandle h = segmentHandle(seg.getKey());
                for (Map.Entry<byte[], byte[]> e : seg.getValue().entrySet()) {
                    if (e.getValue() == null) {
                        batch.delete(h, e.getKey());
                    } else {
                        batch.put(h, e.getKey(), e.getValue());
                    }
                }
            }
            for (Map.Entry<String, byte[]> e : meta.entrySet()) {
                batch.put(metaHandle, e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue());
            }
            if (!disableWal && unflushedWithoutWal) {
                flushAll();
            }
            db.write(disableWal ? noWalWrites : walWrites, batch);
            if (disableWal) {
                unflushedWithoutWal = true;
            }
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /** Flushes every column family's memtable to disk, atomically, and waits. */
    private void flushAll() throws RocksDBException {
        List<ColumnFamilyHandle> all = new ArrayList<>(otherHandles);
        if (metaHandle != null && !all.contains(metaHandle)) {
            all.add(metaHandle);
        }
        all.addAll(segmentHandles.values());
        try (org.rocksdb.FlushOptions options = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(options, all);
        }
        unflushedWithoutWal = false;
    }

    private ColumnFamilyHandle segmentHandle(long segment) throws RocksDBException {
        ColumnFamilyHandle h = segmentHandles.get(segment);
        if (h == null) {
            h = db.createColumnFamily(new ColumnFamilyDescriptor(
                    (SEGMENT_PREFIX + segment).getBytes(StandardCharsets.UTF_8), cfOptions));
            segmentHandles.put(segment, h);
        }
        return h;
    }

    @Override
    public void dropSegment(long segment) {
        checkOpen();
        ColumnFamilyHandle h = segmentHandles.remove(segment);
        if (h == null) {
            return;
        }
        try {
            db.dropColumnFamily(h);
        } catch (RocksDBException e) {
            throw failure("drop segment " + segment + " of", e);
        } finally {
            droppedHandles.add(h);
            if (openIterators.isEmpty()) {
                closeDroppedHandles();
            }
        }
    }

    private void closeDroppedHandles() {
        for (ColumnFamilyHandle h : droppedHandles) {
            h.close();
        }
        droppedHandles.clear();
    }

    @Override
    public synchronized void addMetrics(Map<String, Long> into) {
        if (closed || db == null) {
            return;
        }
        property(into, "rocksdb.memtable.usage.bytes", "rocksdb.cur-size-all-mem-tables");
        property(into, "rocksdb.table-readers.memory.bytes", "rocksdb.estimate-table-readers-mem");
        property(into, "rocksdb.sst.bytes", "rocksdb.total-sst-files-size");
        property(into, "rocksdb.estimated-keys", "rocksdb.estimate-num-keys");
        into.merge("rocksdb.column-families", (long) segmentHandles.size() + 2, Long::sum);
    }

    private void property(Map<String, Long> into, String metric, String property) {
        try {
            into.merge(metric, db.getAggregatedLongProperty(property), Long::sum);
        } catch (RocksDBException e) {
            // A property that cannot be read is left out of the figures.
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RocksStoreIterator it : new ArrayList<>(openIterators)) {
            it.close();
        }
        if (unflushedWithoutWal && db != null) {
            try {
                flushAll();   // a clean close keeps what a restore wrote
            } catch (RocksDBException e) {
                org.slf4j.LoggerFactory.getLogger(RocksDbBackend.class)
                        .warn("Flushing {} before close failed: {}", describe(), e.getMessage());
            }
        }
        closeDroppedHandles();
        for (ColumnFamilyHandle h : segmentHandles.values()) {
            h.close();
        }
        segmentHandles.clear();
        if (metaHandle != null) {
            metaHandle.close();
        }
        for (ColumnFamilyHandle h : otherHandles) {
            h.close();
        }
        otherHandles.clear();
        if (db != null) {
            try {
                db.closeE();
            } catch (RocksDBException e) {
                org.slf4j.LoggerFactory.getLogger(RocksDbBackend.class)
                        .warn("Closing {} failed: {}", describe(), e.getMessage());
            }
        }
        walWrites.close();
        noWalWrites.close();
        cfOptions.close();
        dbOptions.close();
    }
}
