package io.eddy.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * The settings of {@link Engine#KAFKA_STREAMS_TUNED}: what an engineer who knows Kafka Streams
 * would set for these workloads, so the comparison is with the peer at its best and not only with
 * its defaults. Each setting brings Kafka Streams to what Eddy does by default, or is Kafka
 * Streams' own documented advice for throughput; none changes the semantics (guarantee, commit
 * interval, threads and topology are the same as {@link Engine#KAFKA_STREAMS}'s).
 *
 * <ul>
 *   <li><b>Producer batching</b> as Eddy's worker producer: {@code batch.size} 256 KiB (default
 *       16 KiB) and {@code linger.ms} 5 (Kafka Streams overrides the producer's default to 100 ms;
 *       a commit flushes whatever lingers, so this matters less than the size). A commit sends every
 *       changed key's update and changelog record in a burst; small batches multiply produce
 *       requests and broker CPU.</li>
 *   <li><b>{@code retry.backoff.ms} 10</b> on the producer, as Eddy's transactional producer: the
 *       first sends after a commit can meet {@code CONCURRENT_TRANSACTIONS} while the previous
 *       markers are written; the default 100 ms backoff adds to that stall.</li>
 *   <li><b>Record cache</b> ({@code statestore.cache.max.bytes}) {@value #CACHE_BYTES} bytes instead
 *       of 10 MiB: W2's 100,000 keys take about 15 MB in the cache (key, value and about 100 bytes
 *       of overhead each), so the whole working set fits; every update of a key within a commit
 *       interval collapses into one downstream record and one changelog record, and reads hit
 *       the cache instead of RocksDB. Eddy's nearest equivalent is its dirty buffer (unbounded
 *       within a batch) plus its 2 MiB read cache per store and task.</li>
 *   <li><b>RocksDB memory</b> bounded like Eddy's default {@code stateMemory} (64 MiB per
 *       instance): one LRU block cache of {@value #STATE_MEMORY_BYTES} bytes shared by every store
 *       of the JVM, a write buffer manager charging memtables to it (at most half), index and
 *       filter blocks in the cache at high priority, top-level index pinned, and 8 MiB memtables
 *       (Eddy's size for this budget; Kafka Streams' default gives each store its own 50 MiB
 *       block cache and up to three 16 MiB memtables, not bounded across stores). This is the
 *       bounded-memory setter of Kafka Streams' memory
 *       management guide ({@link BoundedMemory}).</li>
 *   <li><b>Restore fetch sizes</b> as Eddy's restore consumer: {@code max.poll.records} 10,000,
 *       {@code fetch.max.bytes} 64 MiB, {@code max.partition.fetch.bytes} 16 MiB on the restore
 *       consumer (W4).</li>
 *   <li><b>Main consumer fetch sizes</b> as Eddy's worker consumer: {@code max.partition.fetch.bytes}
 *       {@value #PARTITION_FETCH_BYTES} (default 1 MiB) and {@code fetch.max.bytes}
 *       {@value #FETCH_BYTES} (default 50 MiB). Longer runs of each partition per poll mean fewer
 *       waits for the next fetch and, for a count, more updates of a key within one commit. Not
 *       for W9 (see {@link #settings(Workload)}).</li>
 *   <li><b>{@code topology.optimization=all}</b>: a table read from a topic uses that topic as its
 *       changelog instead of copying it into a new one (W9's table), and repartition topics are
 *       merged where possible. No effect on W1 to W6.</li>
 * </ul>
 * Left at Kafka Streams' defaults on purpose: compression (none, cheaper on CPU than Eddy's LZ4
 * for data that fits in memory), the main consumer's {@code max.poll.records} (Kafka Streams
 * already raises it to 1,000; Eddy's worker keeps the client's 500), and
 * {@code num.stream.threads}, which is the run's thread count for both Kafka Streams engines.
 */
final class StreamsTuning {
    /** Eddy's default {@code stateMemory}: RocksDB's block cache and memtables for one instance. */
    static final long STATE_MEMORY_BYTES = 64L << 20;
    /** The record cache of the whole instance, shared by its threads. */
    static final long CACHE_BYTES = 32L << 20;
    /** Eddy's worker consumer's {@code max.partition.fetch.bytes}. */
    static final int PARTITION_FETCH_BYTES = 8 << 20;
    /** Eddy's worker consumer's {@code fetch.max.bytes}. */
    static final int FETCH_BYTES = 16 << 20;
    /** Eddy's worker producer's {@code batch.size}. */
    static final int PRODUCER_BATCH_BYTES = 256 * 1024;
    /** Eddy's worker producer's {@code linger.ms}. */
    static final int PRODUCER_LINGER_MS = 5;

    private StreamsTuning() {
    }

    /**
     * The tuned settings for {@code workload}, as Kafka Streams configuration entries (prefixed
     * where they go to one client). W9 keeps the main consumer's default fetch sizes: with Eddy's,
     * the tuned peer dropped records of W9 as late (two runs of 5M orders, 2026-12-05: 456 and 288
     * of 1,056 windows with wrong totals), since its tasks read each partition in longer runs and
     * stream time ran further ahead of the slower partitions than the 5-minute grace.
     */
    static Map<String, Object> settings(Workload workload) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        s.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), PRODUCER_LINGER_MS);
        s.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        s.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, CACHE_BYTES);
        s.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemory.class);
        if (workload.kind() != Workload.Kind.PIPELINE) {
            s.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), PARTITION_FETCH_BYTES);
            s.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), FETCH_BYTES);
        }
        s.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 10_000);
        s.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 64 << 20);
        s.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 16 << 20);
        s.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        return s;
    }

    /**
     * Bounds RocksDB's memory for every store of the JVM together, as Eddy does: one shared LRU
     * block cache of {@link #STATE_MEMORY_BYTES}, memtables charged to it through a write buffer
     * manager (at most half), index and filter blocks cached with high priority. The shared objects
     * live as long as the JVM (one engine per JVM here), so {@link #close} leaves them open.
     */
    public static final class BoundedMemory implements RocksDBConfigSetter {
        private static final Cache CACHE = new LRUCache(STATE_MEMORY_BYTES, -1, false, 0.1);
        private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(STATE_MEMORY_BYTES / 2, CACHE);
        private static final long MEMTABLE_BYTES = Math.max(1L << 20, Math.min(64L << 20, STATE_MEMORY_BYTES / 8));

        /** Kafka Streams instantiates the setter by reflection. */
        public BoundedMemory() {
        }

        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
            table.setBlockCache(CACHE);
            table.setCacheIndexAndFilterBlocks(true);
            table.setCacheIndexAndFilterBlocksWithHighPriority(true);
            table.setPinTopLevelIndexAndFilter(true);
            options.setTableFormatConfig(table);
            options.setWriteBufferManager(WRITE_BUFFERS);
            options.setWriteBufferSize(MEMTABLE_BYTES);
        }

        @Override
        public void close(String storeName, Options options) {
            // the cache and write buffer manager are shared by every store: never closed here
        }
    }
}
