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
            state = new TaskState(id, plan, app.stateEnvironment(), app.stateDirectory().taskDir(id),
                    options.storeCacheBytes());
            try {
                restorer().discardStoresAheadOfChangelog(state);
            } catch (RuntimeException e) {
                state.close();
                throw e;
            }
        }
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
        task.close();
    }

    @Override
    public void close() {
        restoringIds.clear();
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
