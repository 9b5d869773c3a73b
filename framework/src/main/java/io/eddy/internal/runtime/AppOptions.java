package io.eddy.internal.runtime;

import io.eddy.ErrorHandler;
import io.eddy.Guarantee;
import io.eddy.ProgressListener;
import io.eddy.StateListener;
import io.eddy.Trigger;
import io.eddy.internal.plan.Plan;
import io.eddy.kafka.KafkaClientFactory;
import io.eddy.kafka.internal.SecretSettings;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The validated options of one application; built by {@code EddyApp.Builder#build()}.
 * {@link #toString()} hides the values of secret client settings.
 */
public record AppOptions(
        String applicationId,
        String bootstrapServers,
        int threads,
        Guarantee guarantee,
        Trigger trigger,
        int maxRecordsPerBatch,
        Duration commitTimeout,
        Duration startTimeout,
        String instanceId,
        ErrorHandler errorHandler,
        List<StateListener> stateListeners,
        List<ProgressListener> progressListeners,
        Map<String, Object> consumerOverrides,
        Map<String, Object> producerOverrides,
        Clock clock,
        PrintStream console,
        Plan plan,
        java.nio.file.Path stateDir,
        long stateMemoryBytes,
        long maxBatchStateBytes,
        long storeCacheBytes,
        List<io.eddy.RestoreListener> restoreListeners,
        Duration idleTimeout,
        Map<String, Object> clientOverrides,
        Map<String, Object> adminOverrides,
        KafkaClientFactory clientFactory,
        Duration repartitionPurgeInterval,
        io.eddy.FlowControl flowControl,
        String applicationServer,
        int standbyReplicas) {

    /** The options without flow control ({@link io.eddy.FlowControl#none()}). */
    public AppOptions(String applicationId, String bootstrapServers, int threads, Guarantee guarantee, Trigger trigger,
                      int maxRecordsPerBatch, Duration commitTimeout, Duration startTimeout, String instanceId,
                      ErrorHandler errorHandler, List<StateListener> stateListeners,
                      List<ProgressListener> progressListeners, Map<String, Object> consumerOverrides,
                      Map<String, Object> producerOverrides, Clock clock, PrintStream console, Plan plan,
                      java.nio.file.Path stateDir, long stateMemoryBytes, long maxBatchStateBytes, long storeCacheBytes,
                      List<io.eddy.RestoreListener> restoreListeners, Duration idleTimeout,
                      Map<String, Object> clientOverrides, Map<String, Object> adminOverrides,
                      KafkaClientFactory clientFactory, Duration repartitionPurgeInterval) {
        this(applicationId, bootstrapServers, threads, guarantee, trigger, maxRecordsPerBatch, commitTimeout,
                startTimeout, instanceId, errorHandler, stateListeners, progressListeners, consumerOverrides,
                producerOverrides, clock, console, plan, stateDir, stateMemoryBytes, maxBatchStateBytes, storeCacheBytes,
                restoreListeners, idleTimeout, clientOverrides, adminOverrides, clientFactory, repartitionPurgeInterval,
                io.eddy.FlowControl.none(), null, 0);
    }

    @Override
    public String toString() {
        return "AppOptions[applicationId=" + applicationId + ", bootstrapServers=" + bootstrapServers
                + ", threads=" + threads + ", guarantee=" + guarantee + ", trigger=" + trigger
                + ", maxRecordsPerBatch=" + maxRecordsPerBatch + ", commitTimeout=" + commitTimeout
                + ", startTimeout=" + startTimeout + ", instanceId=" + instanceId + ", errorHandler=" + errorHandler
                + ", stateListeners=" + stateListeners + ", progressListeners=" + progressListeners
                + ", consumerOverrides=" + SecretSettings.shown(consumerOverrides)
                + ", producerOverrides=" + SecretSettings.shown(producerOverrides)
                + ", clock=" + clock + ", console=" + console + ", plan=" + plan + ", stateDir=" + stateDir
                + ", stateMemoryBytes=" + stateMemoryBytes + ", maxBatchStateBytes=" + maxBatchStateBytes
                + ", storeCacheBytes=" + storeCacheBytes + ", restoreListeners=" + restoreListeners
                + ", idleTimeout=" + idleTimeout + ", clientOverrides=" + SecretSettings.shown(clientOverrides)
                + ", adminOverrides=" + SecretSettings.shown(adminOverrides) + ", clientFactory=" + clientFactory
                + ", repartitionPurgeInterval=" + repartitionPurgeInterval + ", flowControl=" + flowControl
                + ", applicationServer=" + applicationServer + ", standbyReplicas=" + standbyReplicas + "]";
    }
}
