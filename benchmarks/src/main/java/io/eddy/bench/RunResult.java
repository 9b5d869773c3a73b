package io.eddy.bench;

/**
 * One engine run: an engine processing one workload once, in a fresh JVM, with a fresh consumer
 * group, output topic and state directory.
 *
 * <p>What the counts and the time mean depends on the workload's {@link Workload.Kind}:
 * <ul>
 *   <li>THROUGHPUT: the input records; the output records W1 keeps and those seen.</li>
 *   <li>COUNT: the input records; the keys whose final count was checked, and the output records
 *       seen (one per changed key per commit, so it depends on batching).</li>
 *   <li>WINDOW_COUNT: W3's input records; the windows that must be closed at the end of the
 *       input, and the output records seen (every window emitted, closed or not).</li>
 *   <li>SESSION_TOTALS: W10's input records; the totals whose timers must have fired by the end
 *       of the input, and the output records seen (every total emitted).</li>
 *   <li>RESTORE: the changelog entries; the same as expected, and the records the engine says it
 *       restored; {@code millis} runs from the engine's start marker to the end of the restore.</li>
 *   <li>LATENCY: the input records produced in the measured period, which is {@code millis} long;
 *       the output records due for all input produced, and those seen.</li>
 * </ul>
 *
 * @param workload the workload
 * @param engine the engine
 * @param threads threads of the engine
 * @param repeat which repeat, from 1
 * @param inputRecords records processed: input records, or changelog entries for RESTORE
 * @param expectedOutput output records (or keys, or entries) the workload must produce
 * @param actualOutput output records (or restored entries) seen, -1 if not counted
 * @param millis from the engine JVM's start marker to the moment all input offsets were committed
 *     (or the restore completed; or the measured period of LATENCY)
 * @param peakHeapBytes the engine JVM's peak used heap, -1 if unknown
 * @param heapAfterGcBytes the most heap the engine JVM kept after a collection, -1 if unknown
 * @param peakRssBytes the engine process's peak resident set (VmHWM), -1 if unknown
 * @param engineCpuMillis CPU time the engine process used during the run, -1 if unknown
 * @param brokerCpuMillis CPU time the broker process used during the run, -1 if unknown
 * @param produceRequests produce requests the engine's producers sent, -1 if unknown
 * @param fetchRequests fetch requests the engine's consumers sent, -1 if unknown
 * @param restoreWindowMillis RESTORE only: from the first store's restore start to the last's end, -1 otherwise
 * @param latency LATENCY only: end-to-end latencies, {@link LatencyHistogram.Summary#NONE} otherwise
 * @param error why the run failed, or null if it succeeded
 */
record RunResult(
        Workload workload,
        Engine engine,
        int threads,
        int repeat,
        long inputRecords,
        long expectedOutput,
        long actualOutput,
        long millis,
        long peakHeapBytes,
        long heapAfterGcBytes,
        long peakRssBytes,
        long engineCpuMillis,
        long brokerCpuMillis,
        long produceRequests,
        long fetchRequests,
        long restoreWindowMillis,
        LatencyHistogram.Summary latency,
        String error) {

    /** A run that could not finish. */
    static RunResult failed(Workload workload, Engine engine, int threads, int repeat, long inputRecords,
                            long expectedOutput, String error) {
        return new RunResult(workload, engine, threads, repeat, inputRecords, expectedOutput, -1, -1, -1, -1, -1,
                -1, -1, -1, -1, -1, LatencyHistogram.Summary.NONE, error);
    }

    /** Whether the run finished and its output (or restore) checked out. */
    boolean ok() {
        return error == null;
    }

    /** Input records per second of wall-clock time. */
    double recordsPerSecond() {
        return millis <= 0 ? 0 : inputRecords * 1000.0 / millis;
    }

    /** RESTORE only: changelog entries per second of the restore window itself, -1 otherwise. */
    double restoreWindowRecordsPerSecond() {
        return restoreWindowMillis <= 0 ? -1 : inputRecords * 1000.0 / restoreWindowMillis;
    }

    /** Engine CPU microseconds per input record, -1 if unknown. */
    double engineCpuMicrosPerRecord() {
        return engineCpuMillis < 0 ? -1 : engineCpuMillis * 1000.0 / inputRecords;
    }

    /** Broker CPU microseconds per input record, -1 if unknown. */
    double brokerCpuMicrosPerRecord() {
        return brokerCpuMillis < 0 ? -1 : brokerCpuMillis * 1000.0 / inputRecords;
    }
}
