/**
 * The processor API: per-record and per-key logic that the DSL's operators cannot express.
 *
 * <ul>
 *   <li>{@link io.eddy.processor.KeyedProcessor}, on a grouped stream
 *       ({@link io.eddy.dsl.GroupedStream#process}): named state variables per key
 *       ({@link io.eddy.processor.ValueState}, {@link io.eddy.processor.ListState},
 *       {@link io.eddy.processor.MapState}, each with an optional time to live), timers per key in
 *       event time and processing time, any number of outputs and named side outputs.</li>
 *   <li>{@link io.eddy.processor.RecordProcessor} and {@link io.eddy.processor.ValueProcessor}, on
 *       any stream: stateless per-record transforms that read and write timestamps and headers and
 *       may emit to side outputs; the value form keeps the key, so no repartition follows.</li>
 *   <li>{@link io.eddy.processor.GroupState} and {@link io.eddy.processor.StateTimeout}, for the
 *       convenience forms {@link io.eddy.dsl.GroupedStream#mapWithState} and
 *       {@link io.eddy.dsl.GroupedStream#flatMapWithState}.</li>
 * </ul>
 *
 * <p>State and timers live in changelogged stores written inside the batch's transaction: a
 * committed batch's state, timers and outputs become visible together, an aborted batch's not at
 * all, so a crash never fires a timer twice in committed output and never loses one.
 */
package io.eddy.processor;
