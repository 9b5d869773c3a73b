package io.eddy.processor;

/**
 * The context of a {@link KeyedProcessor}: the current key, its state variables and timers, the
 * watermark, and the outputs.
 *
 * <p>State handles are cheap views: get them once in {@code init} and keep them, or ask for them
 * per call. Every read and write goes to the current key. Reads see the batch's own writes; other
 * readers see them only once the batch commits.
 *
 * @param <K>  key type of the grouped stream
 * @param <KO> key type of the main output
 * @param <VO> value type of the main output
 */
public interface KeyedContext<K, KO, VO> extends OutputContext<KO, VO> {

    /** The key being processed (the record's, or the fired timer's); null in {@code init}. */
    K key();

    /**
     * The value state {@code spec} of the current key.
     *
     * @throws IllegalArgumentException if {@code spec} was not declared to the operator
     */
    <T> ValueState<T> state(ValueStateSpec<T> spec);

    /**
     * The list state {@code spec} of the current key.
     *
     * @throws IllegalArgumentException if {@code spec} was not declared to the operator
     */
    <T> ListState<T> state(ListStateSpec<T> spec);

    /**
     * The map state {@code spec} of the current key.
     *
     * @throws IllegalArgumentException if {@code spec} was not declared to the operator
     */
    <MK, MV> MapState<MK, MV> state(MapStateSpec<MK, MV> spec);

    /** The timers of the current key. */
    TimerService timers();

    /**
     * The task's watermark: while records are processed, the one the batch started with; in a
     * timer callback, the one the batch commits. {@link Long#MIN_VALUE} before any.
     */
    long watermark();
}
