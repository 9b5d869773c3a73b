package io.eddy.state.internal;

import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBufferManager;

/**
 * The native RocksDB objects shared by every store of one application instance: one LRU block
 * cache, a write buffer manager that charges memtables to that cache (so block cache plus
 * memtables stay within one budget), one bloom filter policy and one statistics object. Each
 * store gets its own {@link DBOptions} and {@link ColumnFamilyOptions} that point at them; the
 * store closes its options, this class closes the shared objects, after every store.
 */
final class RocksDbResources implements AutoCloseable {

    private static final long MIB = 1024 * 1024;

    static {
        RocksDB.loadLibrary();
    }

    private final long memoryBytes;
    private final LRUCache cache;
    private final WriteBufferManager writeBufferManager;
    private final BloomFilter bloomFilter;
    private final Statistics statistics;
    private final RocksLogger logger;
    private final long writeBufferSize;

    RocksDbResources(long memoryBytes) {
        if (memoryBytes < 8 * MIB) {
            throw new IllegalArgumentException("RocksDB memory must be at least 8 MiB, was " + memoryBytes);
        }
        this.memoryBytes = memoryBytes;
        // Memtables may use half of the budget; they are charged to the cache, whose capacity is
        // the whole budget, so data blocks get what the memtables leave.
        this.cache = new LRUCache(memoryBytes, -1, false, 0.1);
        this.writeBufferManager = new WriteBufferManager(memoryBytes / 2, cache);
        this.bloomFilter = new BloomFilter(10, false);
        this.statistics = new Statistics();
        this.logger = new RocksLogger();
        this.writeBufferSize = Math.max(MIB, Math.min(64 * MIB, memoryBytes / 8));
    }

    /** Options for one database; the caller closes them. */
    DBOptions newDbOptions() {
        DBOptions o = new DBOptions();
        o.setCreateIfMissing(true);
        o.setCreateMissingColumnFamilies(true);
        // Restore writes without WAL; atomic flush keeps data and the offset in the metadata
        // column family consistent across a crash.
        o.setAtomicFlush(true);
        o.setWriteBufferManager(writeBufferManager);
        o.setStatistics(statistics);
        o.setMaxBackgroundJobs(2);
        // RocksDB's own LOG file grows with every column family created (an options dump per
        // segment) and is not rolled; warnings and errors go to our log instead, nothing to disk
        o.setLogger(logger);
        o.setInfoLogLevel(InfoLogLevel.WARN_LEVEL);
        return o;
    }

    /** Options for every column family of one database; the caller closes them. */
    ColumnFamilyOptions newColumnFamilyOptions() {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloomFilter)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true);
        ColumnFamilyOptions o = new ColumnFamilyOptions();
        o.setTableFormatConfig(table);
        o.setWriteBufferSize(writeBufferSize);
        o.setCompressionType(CompressionType.LZ4_COMPRESSION);
        return o;
    }

    /** Adds instance-wide figures: cache usage and selected statistics tickers. */
    void addMetrics(Map<String, Long> into) {
        into.put("rocksdb.memory.budget.bytes", memoryBytes);
        into.put("rocksdb.block-cache.capacity.bytes", memoryBytes);
        into.put("rocksdb.block-cache.usage.bytes", cache.getUsage());
        into.put("rocksdb.block-cache.pinned-usage.bytes", cache.getPinnedUsage());
        ticker(into, "rocksdb.bytes.read", TickerType.BYTES_READ);
        ticker(into, "rocksdb.bytes.written", TickerType.BYTES_WRITTEN);
        ticker(into, "rocksdb.block-cache.hits", TickerType.BLOCK_CACHE_HIT);
        ticker(into, "rocksdb.block-cache.misses", TickerType.BLOCK_CACHE_MISS);
        ticker(into, "rocksdb.bloom-filter.useful", TickerType.BLOOM_FILTER_USEFUL);
        ticker(into, "rocksdb.compaction.bytes.read", TickerType.COMPACT_READ_BYTES);
        ticker(into, "rocksdb.compaction.bytes.written", TickerType.COMPACT_WRITE_BYTES);
        ticker(into, "rocksdb.flush.bytes.written", TickerType.FLUSH_WRITE_BYTES);
        ticker(into, "rocksdb.keys.written", TickerType.NUMBER_KEYS_WRITTEN);
        ticker(into, "rocksdb.keys.read", TickerType.NUMBER_KEYS_READ);
        ticker(into, "rocksdb.stall.micros", TickerType.STALL_MICROS);
    }

    private void ticker(Map<String, Long> into, String name, TickerType type) {
        into.put(name, statistics.getTickerCount(type));
    }

    /** Forwards RocksDB's warnings and errors to slf4j; drops the rest, header dumps included. */
    private static final class RocksLogger extends org.rocksdb.Logger {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.eddy.state.rocksdb");

        RocksLogger() {
            super(InfoLogLevel.WARN_LEVEL);
        }

        @Override
        protected void log(InfoLogLevel level, String message) {
            switch (level) {
                case WARN_LEVEL -> LOG.warn("{}", message);
                case ERROR_LEVEL, FATAL_LEVEL -> LOG.error("{}", message);
                default -> {
                    // header and informational lines: not kept
                }
            }
        }
    }

    @Override
    public void close() {
        logger.close();
        statistics.close();
        bloomFilter.close();
        writeBufferManager.close();
        cache.close();
    }
}
