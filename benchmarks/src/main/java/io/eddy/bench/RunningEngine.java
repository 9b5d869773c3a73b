package io.eddy.bench;

import java.time.Duration;
import java.util.Optional;

/** An engine processing a workload in the engine JVM. */
interface RunningEngine {

    /**
     * Starts the engine described by {@code spec} and returns while it processes in the background.
     *
     * @param restore told of every store restore (used by {@link Workload#W4})
     * @throws UnsupportedOperationException if the engine does not implement the workload
     */
    static RunningEngine start(EngineSpec spec, RestoreWatch restore) {
        if (!spec.workload().supports(spec.engine())) {
            throw new UnsupportedOperationException(spec.engine().label() + " does not implement " + spec.workload());
        }
        return switch (spec.engine()) {
            case EDDY -> EddyEngine.start(spec, restore);
            case KAFKA_STREAMS, KAFKA_STREAMS_TUNED -> StreamsEngine.start(spec, restore);
            case PLAIN_CLIENTS -> PlainClientsEngine.start(spec);
            case SPARK -> startSpark(spec);
        };
    }

    /**
     * Starts {@code SparkEngine}, which is compiled only under the Maven profile {@code spark}
     * (Spark's dependencies are large), so it is looked up by name.
     *
     * @throws UnsupportedOperationException if this build has no Spark engine
     */
    private static RunningEngine startSpark(EngineSpec spec) {
        Class<?> type;
        try {
            type = Class.forName("io.eddy.bench.SparkEngine");
        } catch (ClassNotFoundException e) {
            throw new UnsupportedOperationException("the Spark engine is not in this build: build the benchmarks with "
                    + "-Pspark (mvn -B -q -o -Pspark -pl benchmarks -am package ...)", e);
        }
        try {
            return (RunningEngine) type.getDeclaredMethod("start", EngineSpec.class).invoke(null, spec);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the Spark engine failed to start", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the Spark engine", e);
        }
    }

    /** Why the engine stopped processing on its own, if it did. Cheap; any thread. */
    Optional<Throwable> failure();

    /** Stops the engine, waiting at most {@code timeout}. */
    void close(Duration timeout);
}
