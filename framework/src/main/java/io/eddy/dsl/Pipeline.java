package io.eddy.dsl;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * The entry point of the DSL, given to {@link io.eddy.EddyApp.Builder#pipeline}: declares the
 * Kafka sources of an application. Each topic may be consumed by one source only. All input
 * topics must have the same number of partitions (task {@code p} reads partition {@code p} of
 * each); {@link io.eddy.EddyApp#start()} refuses them otherwise.
 *
 * <p>Not thread-safe; used only while the pipeline is being defined.
 */
public interface Pipeline {

    /** Reads one topic. */
    <K, V> RecordStream<K, V> kafka(String topic, Consumed<K, V> consumed);

    /** Reads several topics as one stream. */
    <K, V> RecordStream<K, V> kafka(Collection<String> topics, Consumed<K, V> consumed);

    /**
     * Reads every topic whose whole name matches {@code pattern}, including topics created later
     * (they must have the application's partition count).
     */
    <K, V> RecordStream<K, V> kafka(Pattern pattern, Consumed<K, V> consumed);

    /**
     * Reads a compacted topic as a table: the latest value per key, a null value deleting the key.
     * The topic is an input like any other (co-partitioned with the others); the table is stored
     * under the derived name {@code table-<topic>}, logged as unnamed when the pipeline is built;
     * prefer {@link #table(String, Consumed, Named)}.
     */
    <K, V> Table<K, V> table(String topic, Consumed<K, V> consumed);

    /** Like {@link #table(String, Consumed)}, stored under {@code name} (see {@link Named}). */
    <K, V> Table<K, V> table(String topic, Consumed<K, V> consumed, Named name);

    /**
     * Reads every partition of {@code topic} into a table that each instance holds in full; see
     * {@link GlobalTable}. The topic need not be co-partitioned with the inputs.
     */
    <K, V> GlobalTable<K, V> globalTable(String topic, Consumed<K, V> consumed);

    /**
     * Reads a source outside Kafka (files, a rate generator, a socket: see the
     * {@code io.eddy.connectors} module). One instance of the application at a time reads it, in
     * bounded batches whose position is committed in the same Kafka transaction as their records;
     * the records go through the records topic {@code <application id>-source-<name>}, which the
     * pipeline then consumes like any input (see {@link io.eddy.source} for the design).
     *
     * <pre>{@code
     * p.source("orders-files", FileSource.builder(Path.of("/in")).format(FileFormat.text()).build())
     *  .toKafka("lines", Produced.with(Serdes.string(), Serdes.string()));
     * }</pre>
     *
     * @param name a stable name (letters, digits, '.', '_' and '-'): it names the records and
     *             coordination topics and the consumer group, so renaming it starts the source
     *             from scratch
     * @throws IllegalArgumentException if the name is invalid or used by another source
     */
    <K, V> RecordStream<K, V> source(String name, io.eddy.source.StreamSource<K, V> source);
}
