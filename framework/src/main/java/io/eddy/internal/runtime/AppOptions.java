package io.eddy.internal.runtime;

import io.eddy.ErrorHandler;
import io.eddy.Guarantee;
import io.eddy.ProgressListener;
import io.eddy.StateListener;
import io.eddy.Trigger;
import io.eddy.internal.plan.Plan;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The validated options of one application; built by {@code EddyApp.Builder#build()}. */
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
        Duration idleTimeout) {
}
