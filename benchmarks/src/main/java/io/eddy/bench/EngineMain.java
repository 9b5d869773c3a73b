package io.eddy.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The main class of an engine JVM: starts one engine on one workload ({@link EngineSpec} in the
 * program arguments) and runs it until SIGTERM.
 *
 * <p>Protocol with the harness, by lines on standard output:
 * <ul>
 *   <li>{@code EDDY-BENCH-START <epoch ms>} just before the engine is created: the run's clock
 *       starts here, after JVM start-up;</li>
 *   <li>for {@link Workload#W4}, once every changelog partition is restored:
 *       {@code EDDY-BENCH-RESTORED at=<epoch ms> firstStart=<epoch ms> records=<n>} (see
 *       {@link RestoreWatch});</li>
 *   <li>on SIGTERM (the harness saw all input committed): {@code EDDY-BENCH-STATS peakHeap=<bytes>
 *       heapAfterGc=<bytes> gcs=<n>} and the client totals of {@link ClientMetrics}, then the
 *       engine is closed;</li>
 *   <li>if the engine fails: the failure, and exit status 1.</li>
 * </ul>
 */
final class EngineMain {
    static final String START_MARKER = "EDDY-BENCH-START";
    static final String STATS_MARKER = "EDDY-BENCH-STATS";
    static final String RESTORED_MARKER = "EDDY-BENCH-RESTORED";
    /** Where the engine's CPU went, for the log only: per live thread, then JIT and process totals. */
    static final String THREADS_MARKER = "EDDY-BENCH-THREADS";

    private EngineMain() {
    }

    /**
     * CPU milliseconds of each live thread that used at least 50 ms (ids and generated suffixes
     * stripped from names, so the same role adds up), then the JIT's compile time and the
     * process's CPU: what no Java thread accounts for is GC, JIT and the JVM's own threads.
     */
    private static String threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            String name = info.getThreadName().replaceAll("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "")
                    .replaceAll("bench-[a-z0-9]+-[a-z-]+-t[0-9]+-(r[0-9]+|warmup)-[0-9a-f]+", "app");
            byName.merge(name, Math.max(0, nanos) / 1_000_000, Long::sum);
        }
        StringBuilder b = new StringBuilder();
        byName.entrySet().stream().filter(e -> e.getValue() >= 50)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> b.append('[').append(e.getKey()).append("]=").append(e.getValue()).append("ms "));
        long compileMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long processMs = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
        return b.append("jitCompileMs=").append(compileMs).append(" processCpuMs=").append(processMs).toString();
    }

    public static void main(String[] args) {
        EngineSpec spec = EngineSpec.fromArgs(args);
        HeapWatch heap = HeapWatch.install();
        System.out.println(START_MARKER + " " + System.currentTimeMillis());
        System.out.flush();
        RestoreWatch restore = new RestoreWatch(spec.restorePartitions());
        RunningEngine engine = RunningEngine.start(spec, restore);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(STATS_MARKER + " peakHeap=" + heap.peakUsedBytes() + " heapAfterGc="
                    + heap.maxAfterGcBytes() + " gcs=" + heap.collections() + " " + ClientMetrics.snapshot());
            System.out.println(THREADS_MARKER + " " + threadCpu());
            System.out.flush();
            engine.close(Duration.ofSeconds(20));
        }, "bench-engine-shutdown"));
        boolean restoreReported = false;
        while (true) {
            OptionalLong restored = restore.completedMillis();
            if (!restoreReported && restored.isPresent()) {
                System.out.println(RESTORED_MARKER + " at=" + restored.getAsLong() + " firstStart="
                        + restore.firstStartMillis() + " records=" + restore.restoredRecords());
                System.out.flush();
                restoreReported = true;
            }
            Optional<Throwable> failure = engine.failure();
            if (failure.isPresent()) {
                System.out.println("EDDY-BENCH-FAILED " + spec.engine().id());
                failure.get().printStackTrace(System.out);
                System.out.flush();
                System.exit(1);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
