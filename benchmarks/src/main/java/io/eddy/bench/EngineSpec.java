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
 * @param stateDir an empty scratch directory for the engine's state (state.dir, stateDir)
 * @param restorePartitions for {@link Workload#W4}: how many changelog partitions hold entries, so
 *     the engine knows when its restore is complete; 0 for other workloads
 * @param allowedDelayMillis for {@link Workload#W3}: the input's bounded disorder, which every engine
 *     allows for (Eddy's allowed delay, Kafka Streams' grace, the plain clients' watermark delay; see
 *     {@link EventTimeInput}); 0 for other workloads
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
        Path stateDir,
        int restorePartitions,
        long allowedDelayMillis) {

    /** The spec as program arguments for {@link EngineMain}. */
    List<String> toArgs() {
        return List.of(engine.id(), workload.name(), bootstrapServers, applicationId, inputTopic, outputTopic,
                Integer.toString(threads), Integer.toString(commitMillis), stateDir.toString(),
                Integer.toString(restorePartitions), Long.toString(allowedDelayMillis));
    }

    /** The inverse of {@link #toArgs()}. */
    static EngineSpec fromArgs(String[] args) {
        if (args.length != 11) {
            throw new IllegalArgumentException("usage: EngineMain engine workload bootstrap appId input output "
                    + "threads commitMs stateDir restorePartitions allowedDelayMs; got " + List.of(args));
        }
        return new EngineSpec(Engine.parse(args[0]), Workload.parse(args[1]), args[2], args[3], args[4], args[5],
                Integer.parseInt(args[6]), Integer.parseInt(args[7]), Path.of(args[8]), Integer.parseInt(args[9]),
                Long.parseLong(args[10]));
    }
}
