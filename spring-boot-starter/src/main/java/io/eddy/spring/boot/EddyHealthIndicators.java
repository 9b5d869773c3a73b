package io.eddy.spring.boot;

import io.eddy.AppState;
import io.eddy.AppStatus;
import io.eddy.EddyApp;
import io.eddy.RestoreProgress;
import java.util.HashSet;
import java.util.Set;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The two Actuator health indicators of the starter's application.
 *
 * <ul>
 *   <li>{@code eddy} (readiness): UP when the application is RUNNING and no store of this instance
 *       restores (or at most {@code eddy.health.ready-restore-backlog} records are left to restore);
 *       OUT_OF_SERVICE while it starts, rebalances or restores, or after it stopped; DOWN when it failed.
 *       Details: state, restoring, restoreBacklog, tasks.</li>
 *   <li>{@code eddyLiveness}: DOWN only when the application failed (a restart may help), UP otherwise,
 *       so a long restore never gets the process killed.</li>
 * </ul>
 * The starter puts them in Actuator's {@code readiness} and {@code liveness} groups
 * ({@code /actuator/health/readiness}, {@code /actuator/health/liveness}). Both read
 * {@link EddyApp#status()}: cheap, thread-safe.
 */
final class EddyHealthIndicators {

    private EddyHealthIndicators() {
    }

    /** The readiness indicator, contributor name {@code eddy}. */
    static HealthIndicator readiness(EddyApp app, long readyRestoreBacklog) {
        return () -> {
            AppStatus status = app.status();
            long backlog = restoreBacklog(status);
            boolean restoring = status.restoring();
            boolean ready = status.state() == AppState.RUNNING
                    && (!restoring || (readyRestoreBacklog > 0 && backlog <= readyRestoreBacklog));
            Health.Builder h = status.state() == AppState.ERROR ? Health.down() : ready ? Health.up() : Health.outOfService();
            h.withDetail("state", status.state().name())
                    .withDetail("restoring", restoring)
                    .withDetail("restoreBacklog", backlog)
                    .withDetail("tasks", status.workers().stream().mapToInt(w -> w.tasks().size()).sum());
            status.failure().ifPresent(f -> h.withDetail("failure", f));
            return h.build();
        };
    }

    /** The liveness indicator, contributor name {@code eddyLiveness}. */
    static HealthIndicator liveness(EddyApp app) {
        return () -> {
            AppState state = app.state();
            Health.Builder h = state == AppState.ERROR ? Health.down() : Health.up();
            h.withDetail("state", state.name());
            app.failure().ifPresent(f -> h.withDetail("failure", String.valueOf(f.getMessage())));
            return h.build();
        };
    }

    /** Changelog records still to restore by the tasks restoring now, as their last reports tell. */
    static long restoreBacklog(AppStatus status) {
        Set<Integer> restoring = new HashSet<>();
        status.workers().forEach(w -> restoring.addAll(w.restoringTasks()));
        return status.restores().stream()
                .filter(r -> r.phase() != RestoreProgress.Phase.DONE && restoring.contains(r.task()))
                .mapToLong(r -> Math.max(0, r.total() - r.restored())).sum();
    }
}
