package io.eddy.processor;

import org.apache.kafka.common.header.Headers;

/**
 * What every processor can do: read the current record's metadata and emit records, to its main
 * output or to named side outputs. Emitted records go to the operators downstream at once, in
 * the order emitted, inside the current batch.
 *
 * <p>Outside a record (in a timer callback) there is no input record: {@link #offset()} is -1,
 * {@link #headers()} is empty, {@link #topic()} is null and {@link #timestamp()} is the timer's
 * time.
 *
 * <p>Valid only on the task's worker thread, during the callback that received it.
 *
 * @param <KO> key type of the main output
 * @param <VO> value type of the main output
 */
public interface OutputContext<KO, VO> {

    /** Emits a record with the current record's timestamp (in a timer callback, the timer's time). */
    void forward(KO key, VO value);

    /** Emits a record with the given timestamp (epoch milliseconds). */
    void forward(KO key, VO value, long timestamp);

    /**
     * Emits a record with the given timestamp and headers; the headers replace the current
     * record's on the output.
     */
    void forward(KO key, VO value, long timestamp, Headers headers);

    /**
     * Emits a record to a side output, with the current timestamp. A side output that no stream
     * reads ({@link ProcessedStream#sideOutput} was not called for it) discards what it gets.
     */
    <KS, VS> void forward(SideOutput<KS, VS> output, KS key, VS value);

    /** The current record's timestamp (its event time when the stream has event time). */
    long timestamp();

    /** The current record's headers (read-only use intended); empty in a timer callback. */
    Headers headers();

    /** The topic the current record was read from; null in a timer callback. */
    String topic();

    /** The partition of the current record (the task's partition). */
    int partition();

    /** The offset of the current record; -1 in a timer callback. */
    long offset();

    /** The wall clock (epoch milliseconds): the application's, or the test driver's manual clock. */
    long currentProcessingTime();

    /**
     * Reports a figure of this operator for the current batch (a gauge: a running accuracy, a
     * loss, a size). It appears in the batch's progress as
     * {@link io.eddy.BatchProgress#operatorMetrics()} under {@code <operator name>.<name>}, with the
     * last value reported in the batch; a batch in which it is not reported does not carry it. A
     * batch that aborts drops what it reported. Costs a map insert.
     *
     * @param name the metric's name within the operator, not null
     * @param value the value (NaN and infinities are written as JSON null)
     * @throws NullPointerException if {@code name} is null
     */
    void reportMetric(String name, double value);
}
