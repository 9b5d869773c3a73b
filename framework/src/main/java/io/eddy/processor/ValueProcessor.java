package io.eddy.processor;

/**
 * A stateless per-record transform that keeps the key (Kafka Streams' {@code FixedKeyProcessor}),
 * run by {@link io.eddy.dsl.RecordStream#processValues}: the records it emits on its main output
 * carry the input record's key, so a {@code groupByKey} after it needs no repartition. Side
 * outputs may use any key. One instance per task, called on its worker thread only.
 *
 * @param <K>  key type
 * @param <V>  input value type
 * @param <VO> output value type
 */
@FunctionalInterface
public interface ValueProcessor<K, V, VO> {

    /** Handles one record; emits zero or more values under its key through {@code context}. */
    void process(K key, V value, ValueContext<VO> context);

    /**
     * The context of a {@link ValueProcessor}: like {@link OutputContext}, but the main output
     * takes values only; their key is the input record's.
     */
    interface ValueContext<VO> {
        /** Emits a value under the input record's key, with its timestamp. */
        void forward(VO value);

        /** Emits a value under the input record's key, with the given timestamp. */
        void forward(VO value, long timestamp);

        /** Emits a value under the input record's key, with the given timestamp and headers. */
        void forward(VO value, long timestamp, org.apache.kafka.common.header.Headers headers);

        /** Emits a record to a side output; see {@link OutputContext#forward(SideOutput, Object, Object)}. */
        <KS, VS> void forward(SideOutput<KS, VS> output, KS key, VS value);

        /** The current record's timestamp. */
        long timestamp();

        /** The current record's headers. */
        org.apache.kafka.common.header.Headers headers();

        /** The topic the current record was read from. */
        String topic();

        /** The partition of the current record. */
        int partition();

        /** The offset of the current record. */
        long offset();
    }
}
