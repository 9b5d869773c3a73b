package io.eddy.it.badinput;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.RestoreProgress;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * An exactly-once count by key that the tests of this package run in a child JVM, so they can
 * bound its heap, limit its file sizes and read its memory figures: {@code in} (string keys and
 * values) → an optionally slowed {@code mapValues} → {@code groupByKey().count(Named.as("counts"))}
 * → {@code out} (string keys, long counts).
 *
 * <p>Arguments are {@code name=value} pairs: {@code bootstrap}, {@code app}, {@code in}, {@code
 * out}, {@code stateDir} (required); {@code stateMemory} and {@code maxBatchStateBytes} in bytes,
 * {@code triggerMs}, {@code sessionTimeoutMs} (the consumers' session timeout), {@code slowEvery}
 * (park 1 ms every that many records; 0, the default, for full speed), and {@code batchLines}
 * ({@code true} to print every committed batch).
 *
 * <p>Output, one line each, flushed:
 * <ul>
 *   <li>{@value #READY} after {@code start()} returned;</li>
 *   <li>{@code BATCH records=<n>} per committed batch, if asked for;</li>
 *   <li>{@code RESTORED store=<s> task=<t> from=<offset> records=<n>} per completed restore;</li>
 *   <li>{@code STATS heapAfterGc=<largest heap occupancy after a GC so far> heapUsed=<bytes> blockCacheUsage=<bytes>
 *       blockCacheCapacity=<bytes> memtables=<bytes> committedBatches=<n>} every 200 ms;</li>
 *   <li>{@value #FAILED} {@code state=<state> failure=<message>}, then the failure's cause chain
 *       as {@code CAUSE <class>: <message>} lines, when the application stops by itself; the JVM then
 *       exits with status 3;</li>
 *   <li>{@value #CLOSED} {@code stopped=<bool>} when a SIGTERM closed the application.</li>
 * </ul>
 */
final class CountAppMain {
    static final String READY = "READY";
    static final String FAILED = "FAILED";
    static final String CLOSED = "CLOSED";
    static final String STORE = "counts";

    private CountAppMain() {
    }

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int slowEvery = Integer.parseInt(a.getOrDefault("slowEvery", "0"));
        boolean batchLines = Boolean.parseBoolean(a.getOrDefault("batchLines", "false"));
        long[] seen = new long[1];
        EddyApp.Builder builder = EddyApp.builder(a.get("app"))
                .bootstrapServers(a.get("bootstrap"))
                .stateDir(Path.of(a.get("stateDir")))
                .trigger(Trigger.every(Duration.ofMillis(Long.parseLong(a.getOrDefault("triggerMs", "100")))))
                .addRestoreListener(r -> {
                    if (r.phase() == RestoreProgress.Phase.DONE) {
                        print("RESTORED store=" + r.store() + " task=" + r.task() + " from=" + r.startOffset()
                                + " records=" + r.restored());
                    }
                })
                .pipeline(p -> p.kafka(a.get("in"), Consumed.with(Serdes.string(), Serdes.string()))
                        .mapValues(v -> {
                            if (slowEvery > 0 && ++seen[0] % slowEvery == 0) {
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));   // a slow user function
                            }
                            return v;
                        })
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .count(Named.as(STORE))
                        .toStream()
                        .toKafka(a.get("out"), Produced.with(Serdes.string(), Serdes.longs())));
        if (a.containsKey("stateMemory")) {
            builder.stateMemory(Long.parseLong(a.get("stateMemory")));
        }
        if (a.containsKey("maxBatchStateBytes")) {
            builder.maxBatchStateBytes(Long.parseLong(a.get("maxBatchStateBytes")));
        }
        if (a.containsKey("sessionTimeoutMs")) {
            // a member that died without leaving (killed, or a dead worker) is evicted sooner
            builder.consumerOverride("session.timeout.ms", Integer.parseInt(a.get("sessionTimeoutMs")));
            builder.consumerOverride("heartbeat.interval.ms", Integer.parseInt(a.get("sessionTimeoutMs")) / 3);
        }
        if (batchLines) {
            builder.addProgressListener(b -> print("BATCH records=" + b.records()));
        }
        EddyApp app = builder.build();
        watchCollections();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!app.state().isTerminal()) {
                print(CLOSED + " stopped=" + app.close(Duration.ofSeconds(20)));
            }
        }));
        app.start();
        print(READY + " pid=" + ProcessHandle.current().pid());
        while (true) {
            if (app.awaitTermination(Duration.ofMillis(200)) || app.state() == AppState.ERROR) {
                if (app.state() == AppState.ERROR) {
                    StringBuilder report = new StringBuilder(FAILED + " state=" + app.state() + " failure="
                            + app.failure().map(Throwable::getMessage).orElse("none"));
                    for (Throwable t = app.failure().orElse(null); t != null; t = t.getCause()) {
                        report.append(System.lineSeparator()).append("CAUSE ").append(t);
                    }
                    print(report.toString());
                    Runtime.getRuntime().halt(3);
                }
                return;   // closed by the shutdown hook
            }
            stats(app);
        }
    }

    /** The largest heap occupancy right after a garbage collection, young or full, since start. */
    private static final AtomicLong PEAK_AFTER_GC = new AtomicLong();

    private static void watchCollections() {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    String type = notification.getType();
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(type)) {
                        GcInfo info = GarbageCollectionNotificationInfo
                                .from((CompositeData) notification.getUserData()).getGcInfo();
                        long used = info.getMemoryUsageAfterGc().entrySet().stream()
                                .filter(e -> heapPools.contains(e.getKey()))
                                .mapToLong(e -> e.getValue().getUsed()).sum();
                        PEAK_AFTER_GC.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }
    }

    private static void stats(EddyApp app) {
        Map<String, Long> state = app.stateMetrics();
        print("STATS heapAfterGc=" + PEAK_AFTER_GC.get()
                + " heapUsed=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                + " blockCacheUsage=" + state.getOrDefault("rocksdb.block-cache.usage.bytes", -1L)
                + " blockCacheCapacity=" + state.getOrDefault("rocksdb.block-cache.capacity.bytes", -1L)
                + " memtables=" + state.getOrDefault("rocksdb.memtable.usage.bytes", -1L)
                + " committedBatches=" + app.metrics().committedBatches());
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
