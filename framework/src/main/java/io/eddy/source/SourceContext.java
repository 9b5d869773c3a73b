package io.eddy.source;

import java.time.Clock;
import java.util.Map;

/**
 * What a {@link StreamSource} is opened with: who it is and where the last committed batch left it.
 * An immutable value given to {@link StreamSource#open}.
 *
 * @param applicationId the application id
 * @param sourceName    the name given to {@link io.eddy.dsl.Pipeline#source}
 * @param committedPosition the position entries as committed by the last batch (empty at the first
 *                          start); unmodifiable; the runner's own entries (keys starting with
 *                          {@code "eddy."}) are left out
 * @param maxRecordsPerBatch the application's bound on records per batch, which a reader should
 *                           also respect
 * @param clock         the application's clock (wall time in production, a test's clock otherwise)
 */
public record SourceContext(String applicationId, String sourceName, Map<String, String> committedPosition,
                            int maxRecordsPerBatch, Clock clock) {

    /** Copies the position map. */
    public SourceContext {
        committedPosition = Map.copyOf(committedPosition);
    }
}
