/**
 * Approximate answers for Eddy pipelines: distinct counts (HyperLogLog), quantiles (KLL), frequent
 * items, count-min, Bloom-filter membership, reservoir and stratified samples, as keyed and windowed
 * aggregations whose state is the sketch's compact bytes. An optional module: the core does not
 * depend on it, nor on Apache DataSketches.
 *
 * <pre>{@code
 * module com.example.weblogs {
 *     requires io.eddy.sketches;
 * }
 * }</pre>
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // datasketches-java 6.2.0 has no module name of its own
module io.eddy.sketches {
    exports io.eddy.sketches;

    requires transitive io.eddy.framework;
    requires datasketches.java;
    requires org.apache.datasketches.memory;
}
