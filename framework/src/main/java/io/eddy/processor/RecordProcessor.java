package io.eddy.processor;

/**
 * A stateless per-record transform that may change the key and read or set timestamps and
 * headers, run by {@link io.eddy.dsl.RecordStream#process}. Because the key may change, a
 * grouping after it repartitions; use {@link ValueProcessor} to keep the key. One instance per
 * task, called on its worker thread only.
 *
 * @param <K>  input key type
 * @param <V>  input value type
 * @param <KO> output key type
 * @param <VO> output value type
 */
@FunctionalInterface
public interface RecordProcessor<K, V, KO, VO> {

    /** Handles one record; emits zero or more records through {@code context}. */
    void process(K key, V value, OutputContext<KO, VO> context);
}
