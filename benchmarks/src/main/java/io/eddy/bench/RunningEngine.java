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
        };
    }

    /** Why the engine stopped processing on its own, if it did. Cheap; any thread. */
    Optional<Throwable> failure();

    /** Stops the engine, waiting at most {@code timeout}. */
    void close(Duration timeout);
}
