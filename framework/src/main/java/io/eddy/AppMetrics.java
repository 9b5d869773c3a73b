package io.eddy;

/**
 * A snapshot of an application's counters since start.
 *
 * @param processedRecords records consumed in committed batches (skipped ones included)
 * @param skippedRecords records the error policy skipped in committed batches
 * @param committedBatches batches committed by all workers
 * @param abortedBatches batches aborted (rebalance, fencing, failure) and to be re-processed
 * @param retriedBatches batches aborted because of a temporary failure (a schema registry that
 *        cannot be reached) and retried after a backoff; a growing figure means an outage
 * @param lateRecords records that event-time operators dropped as late (behind the watermark or
 *        only in closed windows) in committed batches; late records routed to a side output are
 *        not counted
 * @param lateRecordsByOperator the same, per operator name (unmodifiable)
 */
public record AppMetrics(long processedRecords, long skippedRecords, long committedBatches, long abortedBatches,
                         long retriedBatches, long lateRecords, java.util.Map<String, Long> lateRecordsByOperator) {
}
