/**
 * JMH micro-benchmarks of Eddy's hot paths: the stores ({@link io.eddy.bench.jmh.StoreBenchmark}),
 * the Avro serdes against a warm registry cache ({@link io.eddy.bench.jmh.AvroSerdeBenchmark}) and
 * the per-record path of the batch loop ({@link io.eddy.bench.jmh.RecordPathBenchmark}).
 *
 * <p>Run them with {@code mvn -B -q -pl benchmarks exec:exec@jmh -Djmh.args="..."} after
 * {@code mvn -B -q install -DskipTests}; they are never part of the test phase. The classes are
 * public only because JMH's generated code needs them to be; nothing here is API.
 */
package io.eddy.bench.jmh;
