package io.eddy.bench;

/**
 * One engine run: an engine processing the whole input of one workload once, in a fresh JVM, with a
 * fresh consumer group and output topic.
 *
 * @param workload the workload
 * @param engine the engine
 * @param threads threads of the engine
 * @param repeat which repeat, from 1
 * @param inputRecords records in the input topic
 * @param expectedOutput output records the workload must write
 * @param actualOutput output records a read_committed consumer saw, -1 if not counted
 * @param millis from the engine JVM's start marker to the moment all input offsets were committed
 * @param peakHeapBytes the engine JVM's peak used heap, -1 if unknown
 * @param heapAfterGcBytes the most heap the engine JVM kept after a collection, -1 if unknown
 * @param peakRssBytes the engine process's peak resident set (VmHWM), -1 if unknown
 * @param engineCpuMillis CPU time the engine process used during the run, -1 if unknown
 * @param brokerCpuMillis CPU time the broker process used during the run, -1 if unknown
 * @param produceRequests produce requests the engine's producers sent, -1 if unknown
 * @param fetchRequests fetch requests the engine's consumers sent, -1 if unknown
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
        String error) {

    /** A run that could not finish. */
    static RunResult failed(Workload workload, Engine engine, int threads, int repeat, long inputRecords,
                            long expectedOutput, String error) {
        return new RunResult(workload, engine, threads, repeat, inputRecords, expectedOutput, -1, -1, -1, -1, -1,
                -1, -1, -1, -1, error);
    }

    /** Whether the run finished and wrote exactly the expected output. */
    boolean ok() {
        return error == null;
    }

    /** Input records per second of wall-clock time. */
    double recordsPerSecond() {
        return millis <= 0 ? 0 : inputRecords * 1000.0 / millis;
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
