package io.eddy.processor;

import io.eddy.dsl.RecordStream;

/**
 * The main output of a processor, as a stream, from which its side outputs can be read too.
 *
 * @param <K> key type of the main output
 * @param <V> value type of the main output
 */
public interface ProcessedStream<K, V> extends RecordStream<K, V> {

    /**
     * The records the processor emits to {@code output}, as a stream. Calling it twice for the
     * same output returns streams over the same records.
     */
    <KS, VS> RecordStream<KS, VS> sideOutput(SideOutput<KS, VS> output);
}
