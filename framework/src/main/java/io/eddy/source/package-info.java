/**
 * The service-provider interface through which the runtime drives a source that is not a Kafka
 * topic (files, a rate generator, a socket). A pipeline reads such a source with
 * {@link io.eddy.dsl.Pipeline#source(String, StreamSource)}; implementations live in optional
 * modules (for example {@code io.eddy.connectors}).
 *
 * <p>How it runs: the application creates, per source {@code name}, a compacted single-partition
 * <em>coordination topic</em> {@code <application id>-source-<name>-position} and a <em>records
 * topic</em> {@code <application id>-source-<name>}. In every instance a source runner joins the
 * consumer group {@code <application id>-source-<name>} on the coordination topic; the one member
 * that owns its partition 0 reads the source. Each batch it asks the {@link SourceReader} for a
 * bounded slice, then writes in one Kafka transaction (transactional id
 * {@code <application id>-source-<name>}) the slice's records to the records topic and the
 * reader's changed position entries to the coordination topic. The pipeline consumes the records
 * topic like any input, so partitioning, parallelism and exactly-once downstream are Kafka's.
 * After a crash the next owner fences the old one (same transactional id), reads the committed
 * position entries back and resumes there: what a replayable source emitted is committed once.
 */
package io.eddy.source;
