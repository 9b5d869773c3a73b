package io.eddy.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Tracks this JVM's peak heap use exactly: heap use only grows between collections, so its peak is
 * the largest "used before GC" any collection reports, or the use now. Also tracks the largest
 * heap left after a collection, which bounds the live data from above (a young collection leaves
 * old garbage in place).
 *
 * <p>Listens to the JVM's garbage-collection notifications; thread-safe.
 */
final class HeapWatch {
    private final Set<String> heapPools = new HashSet<>();
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();

    private HeapWatch() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
    }

    /** Starts watching this JVM's collections. */
    static HeapWatch install() {
        HeapWatch watch = new HeapWatch();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        GarbageCollectionNotificationInfo info =
                                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                        watch.collected(info.getGcInfo().getMemoryUsageBeforeGc(),
                                info.getGcInfo().getMemoryUsageAfterGc());
                    }
                }, null, null);
            }
        }
        return watch;
    }

    private void collected(Map<String, MemoryUsage> before, Map<String, MemoryUsage> after) {
        peakUsed.accumulateAndGet(heapUsed(before), Math::max);
        maxAfterGc.accumulateAndGet(heapUsed(after), Math::max);
        collections.incrementAndGet();
    }

    private long heapUsed(Map<String, MemoryUsage> usage) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> e : usage.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                sum += e.getValue().getUsed();
            }
        }
        return sum;
    }

    /** The most heap in use at any moment so far, in bytes. */
    long peakUsedBytes() {
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return Math.max(peakUsed.get(), now);
    }

    /** The most heap left in use after any collection so far, in bytes; 0 before the first. */
    long maxAfterGcBytes() {
        return maxAfterGc.get();
    }

    /** Collections so far. */
    long collections() {
        return collections.get();
    }
}
