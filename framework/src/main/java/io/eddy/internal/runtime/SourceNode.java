package io.eddy.internal.runtime;

import io.eddy.serde.Serde;

/** The root of a source's operators in one task: the task deserializes, this node forwards. */
final class SourceNode extends Node {
    final Serde<?> keySerde;
    final Serde<?> valueSerde;
    /** Whether it reads a repartition topic (whose watermark reports it consumes). */
    boolean repartition;

    SourceNode(String name, Serde<?> keySerde, Serde<?> valueSerde) {
        super(name);
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    @Override
    void process(Object key, Object value) {
        forward(key, value);
    }
}
