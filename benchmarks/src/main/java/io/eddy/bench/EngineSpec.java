package io.eddy.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What one engine run processes and how; passed from the harness to the engine JVM as program
 * arguments.
 *
 * @param engine which engine
 * @param workload which workload
 * @param bootstrapServers the broker
 * @param applicationId the consumer group (and transactional-id prefix); fresh for every run
 * @param inputTopic the shared input topic, read from the earliest offset
 * @param outputTopic the run's own output topic, created empty by the harness
 * @param threads worker / stream / loop threads
 * @param commitMillis commit interval
 * @param stateDir a scratch directory the engine may use (Kafka Streams' state.dir)
 */
record EngineSpec(
        Engine engine,
        Workload workload,
        String bootstrapServers,
        String applicationId,
        String inputTopic,
        String outputTopic,
        int threads,
        int commitMillis,
        Path stateDir) {

    /** The spec as program arguments for {@link EngineMain}. */
    List<String> toArgs() {
        return List.of(engine.id(), workload.name(), bootstrapServers, applicationId, inputTopic, outputTopic,
                Integer.toString(threads), Integer.toString(commitMillis), stateDir.toString());
    }

    /** The inverse of {@link #toArgs()}. */
    static EngineSpec fromArgs(String[] args) {
        if (args.length != 9) {
            throw new IllegalArgumentException("usage: EngineMain engine workload bootstrap appId input output "
                    + "threads commitMs stateDir; got " + List.of(args));
        }
        return new EngineSpec(Engine.parse(args[0]), Workload.parse(args[1]), args[2], args[3], args[4], args[5],
                Integer.parseInt(args[6]), Integer.parseInt(args[7]), Path.of(args[8]));
    }
}
