package io.eddy.internal.runtime;

import io.eddy.internal.plan.Plan;
import io.eddy.kafka.internal.RecordSink;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks of a Kafka worker: stores on local disk, discarded when they are ahead of their
 * changelog, and restored from it in the background by a {@link StateRestorer} while the loop goes
 * on with the other tasks.
 */
final class KafkaTaskHost implements TaskHost {
    private final String name;
    private final AppRuntime app;
    private final AppOptions options;
    private final Plan plan;
    private StateRestorer restorer;
    /** The ids of the tasks restoring, readable from any thread (for describing the group). */
    private final Set<Integer> restoringIds = ConcurrentHashMap.newKeySet();
    /** The tasks created and not removed, whose stores this host keeps from the standby copies. */
    private final Set<Integer> createdIds = new java.util.HashSet<>();

    KafkaTaskHost(String name, AppRuntime app) {
        this.name = name;
        this.app = app;
        this.options = app.options();
        this.plan = options.plan();
    }

    @Override
    public Task create(int id, RecordSink sink) {
        TaskState state = null;
        if (plan.stateful()) {
            app.standbys().claim(id);   // a standby copy of this task here closes before the task opens its stores
            try {
                state = new TaskState(id, plan, app.stateEnvironment(), app.stateDirectory().taskDir(id),
                        options.storeCacheBytes());
            } catch (RuntimeException e) {
                app.standbys().unclaim(id);
                throw e;
            }
            try {
                restorer().discardStoresAheadOfChangelog(state);
            } catch (RuntimeException e) {
                state.close();
                app.standbys().unclaim(id);
                throw e;
            }
        }
        createdIds.add(id);
        return new Task(id, plan, sink, options.errorHandler(), options.console(), state, app.globalTables(),
                options.idleTimeout().toMillis(), options.clock()::millis);
    }

    @Override
    public boolean startRestore(Task task) {
        boolean restoring = restorer().add(task);
        if (restoring) {
            restoringIds.add(task.id());
        }
        return restoring;
    }

    @Override
    public boolean restoring() {
        return restorer != null && restorer.active();
    }

    @Override
    public boolean restoring(int id) {
        return restorer != null && restorer.isRestoring(id);
    }

    @Override
    public Collection<Integer> restoreStep() {
        Collection<Integer> done = restorer == null ? List.of() : restorer.restoreStep();
        restoringIds.removeAll(done);
        return done;
    }

    @Override
    public void remove(Task task) {
        restoringIds.remove(task.id());
        if (restorer != null) {
            restorer.remove(task.id());
        }
        try {
            task.close();
        } finally {
            if (plan.stateful() && createdIds.remove(task.id())) {
                app.standbys().unclaim(task.id());
            }
        }
    }

    @Override
    public void close() {
        restoringIds.clear();
        createdIds.forEach(id -> app.standbys().unclaim(id));   // the loop closed the tasks first
        createdIds.clear();
        if (restorer != null) {
            restorer.close();
            restorer = null;
        }
    }

    /** The tasks restoring now; callable from any thread. */
    Set<Integer> restoringTasks() {
        return Set.copyOf(restoringIds);
    }

    private StateRestorer restorer() {
        if (restorer == null) {
            restorer = new StateRestorer(name, options, app::restoreProgress);
        }
        return restorer;
    }
}
