package io.eddy.internal.runtime;

import io.eddy.AppState;
import io.eddy.KeyLocation;
import io.eddy.QueryableStoreType;
import io.eddy.StoreUnavailableException;
import io.eddy.StoreUnavailableException.Reason;
import io.eddy.internal.plan.StoreSpec;
import io.eddy.serde.Serde;
import io.eddy.state.ReadOnlyKeyValueStore;
import io.eddy.state.ReadOnlySessionStore;
import io.eddy.state.ReadOnlyWindowStore;
import io.eddy.state.StoreIterator;
import io.eddy.state.Windowed;
import io.eddy.state.internal.Stores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.utils.Utils;

/**
 * Read-only access to the stores of the tasks this instance owns, for queries from any thread.
 *
 * <h2>Design</h2>
 * A store is single-threaded and holds the open batch's uncommitted writes in its dirty buffer, so
 * a query never touches it from the caller's thread. Instead each read is a small job handed to
 * the worker that owns the task ({@link Worker#submitQuery}); the worker runs its jobs between
 * turns of its loop when no batch is open, that is right after a commit or while idle, when every
 * store holds exactly its committed state (the dirty buffers are empty; committed changes waiting
 * to be written behind are read like any committed value). Range reads are materialised into a
 * list there, so the caller iterates a snapshot. A query waits at most about one trigger interval
 * for its worker.
 *
 * <p>Nothing is answered that could be stale or partial: a task being restored, a worker in a
 * rebalance, a key whose task another instance owns, an application not running, and a worker too
 * busy to answer within the wait each fail with a {@link StoreUnavailableException} naming the
 * reason. Keys are placed in tasks as Kafka's default partitioner places records: murmur2 of the key
 * serialized with the store's key serde, modulo the number of tasks; this is where Eddy's
 * repartitioning and the inputs' producers (with the default partitioner) put them.
 *
 * <p>Thread-safe.
 */
public final class InteractiveQueries {
    private final AppRuntime app;

    InteractiveQueries(AppRuntime app) {
        this.app = app;
    }

    /**
     * The read-only view of store {@code name}; see {@code EddyApp#store}.
     *
     * @throws IllegalArgumentException if there is no such store, or it is of another kind
     */
    @SuppressWarnings("unchecked")
    public <T> T store(String name, QueryableStoreType<T> type) {
        StoreSpec spec = spec(name);
        QueryableStoreType.Kind expected = switch (spec.kind()) {
            case KEY_VALUE -> QueryableStoreType.Kind.KEY_VALUE;
            case WINDOW -> QueryableStoreType.Kind.WINDOW;
            case SESSION -> QueryableStoreType.Kind.SESSION;
        };
        if (type.kind() != expected) {
            throw new IllegalArgumentException("store '" + name + "' is a " + expected + " store, not " + type.kind()
                    + ": query it with QueryableStores." + switch (expected) {
                        case KEY_VALUE -> "keyValue()";
                        case WINDOW -> "window()";
                        case SESSION -> "session()";
                    });
        }
        return (T) switch (spec.kind()) {
            case KEY_VALUE -> new KeyValueQuery<>(spec);
            case WINDOW -> new WindowQuery<>(spec);
            case SESSION -> new SessionQuery<>(spec);
        };
    }

    /**
     * Where {@code key} of {@code store} lives; see {@code EddyApp#metadataForKey}.
     *
     * @throws StoreUnavailableException ({@code NOT_RUNNING}) before the task count is known
     */
    public <K> KeyLocation locate(String store, K key, Serde<K> keySerde) {
        StoreSpec spec = spec(store);
        int task = taskOf(spec, keySerde.serialize(spec.changelogTopic(), key));
        boolean local = app.workers().stream().anyMatch(w -> w.ownedTasks().contains(task));
        String endpoint = app.assignment().activeEndpoints().get(task);
        if (local && endpoint == null) {
            endpoint = app.options().applicationServer();
        }
        return KeyLocation.of(store, task, endpoint, local);
    }

    /** The key serde of {@code store}. @throws IllegalArgumentException if there is no such store */
    public Serde<?> keySerde(String store) {
        return spec(store).keySerde();
    }

    private StoreSpec spec(String name) {
        for (StoreSpec s : app.options().plan().stores()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        List<String> names = app.options().plan().stores().stream().map(StoreSpec::name).toList();
        throw new IllegalArgumentException("no store named '" + name + "'; the pipeline's stores are " + names);
    }

    private int taskOf(StoreSpec spec, byte[] key) {
        int tasks = app.taskCount();
        if (tasks <= 0) {
            throw new StoreUnavailableException(spec.name(), Reason.NOT_RUNNING, "the application has not started");
        }
        return Utils.toPositive(Utils.murmur2(key)) % tasks;
    }

    private void checkRunning(StoreSpec spec) {
        AppState state = app.state();
        if (state == AppState.CREATED || state.isTerminal()) {
            throw new StoreUnavailableException(spec.name(), Reason.NOT_RUNNING, "the application is " + state);
        }
    }

    /** Runs {@code read} on the worker owning {@code task}, against that task's stores. */
    private <R> R onTask(StoreSpec spec, int task, Function<TaskState, R> read) {
        checkRunning(spec);
        Worker owner = null;
        for (Worker w : app.workers()) {
            if (w.ownedTasks().contains(task)) {
                owner = w;
            }
        }
        if (owner == null) {
            if (app.workers().stream().anyMatch(w -> w.rebalancing)) {
                throw new StoreUnavailableException(spec.name(), Reason.REBALANCING, "task " + task
                        + " has no owner here while the group rebalances");
            }
            String endpoint = app.assignment().activeEndpoints().get(task);
            throw new StoreUnavailableException(spec.name(), Reason.NOT_HOSTED_HERE, "task " + task
                    + " is owned by " + (endpoint == null ? "another instance" : endpoint));
        }
        return await(spec, owner.submitQuery(spec.name(), task, read));
    }

    /** Runs {@code read} on every task of this instance (none may be restoring), in task order. */
    private <R> List<R> onAllTasks(StoreSpec spec, Function<TaskState, R> read) {
        checkRunning(spec);
        List<CompletableFuture<List<R>>> parts = new ArrayList<>();
        for (Worker w : app.workers()) {
            parts.add(w.submitQueryOfAllTasks(spec.name(), read));
        }
        List<R> all = new ArrayList<>();
        for (CompletableFuture<List<R>> part : parts) {
            all.addAll(await(spec, part));
        }
        return all;
    }

    private <R> R await(StoreSpec spec, CompletableFuture<R> answer) {
        long waitMs = Math.max(5_000, 20 * app.options().trigger().interval().toMillis());
        try {
            return answer.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            answer.cancel(false);
            throw new StoreUnavailableException(spec.name(), Reason.BUSY, "the owning worker did not answer within "
                    + Duration.ofMillis(waitMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(spec.name(), Reason.BUSY, "interrupted while waiting");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Serde<T> serde(Serde<?> s) {
        return (Serde<T>) s;
    }

    private static <T> List<T> drain(StoreIterator<T> it) {
        try (it) {
            List<T> out = new ArrayList<>();
            it.forEachRemaining(out::add);
            return out;
        }
    }

    private static <T> StoreIterator<T> iterator(List<T> list) {
        java.util.Iterator<T> it = list.iterator();
        return new StoreIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }

    private final class KeyValueQuery<K, V> implements ReadOnlyKeyValueStore<K, V> {
        private final StoreSpec spec;
        private final Serde<K> keySerde;
        private final Serde<V> valueSerde;

        KeyValueQuery(StoreSpec spec) {
            this.spec = spec;
            this.keySerde = serde(spec.keySerde());
            this.valueSerde = serde(spec.valueSerde());
        }

        private io.eddy.state.KeyValueStore<K, V> view(TaskState s) {
            return Stores.keyValue(s.bytesStore(spec.name()), keySerde, valueSerde);
        }

        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public V get(K key) {
            int task = taskOf(spec, keySerde.serialize(spec.changelogTopic(), key));
            return onTask(spec, task, s -> view(s).get(key));
        }

        @Override
        public StoreIterator<Map.Entry<K, V>> range(K fromInclusive, K toInclusive) {
            return sorted(onAllTasks(spec, s -> drain(view(s).range(fromInclusive, toInclusive))));
        }

        @Override
        public StoreIterator<Map.Entry<K, V>> all() {
            return sorted(onAllTasks(spec, s -> drain(view(s).all())));
        }

        private StoreIterator<Map.Entry<K, V>> sorted(List<List<Map.Entry<K, V>>> perTask) {
            List<Map.Entry<K, V>> all = new ArrayList<>();
            perTask.forEach(all::addAll);
            Comparator<Map.Entry<K, V>> bySerializedKey = (a, b) -> Arrays.compareUnsigned(
                    keySerde.serialize(spec.changelogTopic(), a.getKey()),
                    keySerde.serialize(spec.changelogTopic(), b.getKey()));
            all.sort(bySerializedKey);
            return iterator(all);
        }

        @Override
        public long approximateCount() {
            return onAllTasks(spec, s -> view(s).approximateCount()).stream().mapToLong(Long::longValue).sum();
        }
    }

    private final class WindowQuery<K, V> implements ReadOnlyWindowStore<K, V> {
        private final StoreSpec spec;
        private final Serde<K> keySerde;
        private final Serde<V> valueSerde;

        WindowQuery(StoreSpec spec) {
            this.spec = spec;
            this.keySerde = serde(spec.keySerde());
            this.valueSerde = serde(spec.valueSerde());
        }

        private io.eddy.state.WindowStore<K, V> view(TaskState s) {
            return Stores.window(s.bytesStore(spec.name()), keySerde, valueSerde, spec.windowSizeMs(),
                    spec.retentionMs());
        }

        private int task(K key) {
            return taskOf(spec, keySerde.serialize(spec.changelogTopic(), key));
        }

        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public long windowSize() {
            return spec.windowSizeMs();
        }

        @Override
        public V fetch(K key, long windowStart) {
            return onTask(spec, task(key), s -> view(s).fetch(key, windowStart));
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> fetch(K key, long fromStart, long toStart) {
            return iterator(onTask(spec, task(key), s -> drain(view(s).fetch(key, fromStart, toStart))));
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> fetchAll(long fromStart, long toStart) {
            List<Map.Entry<Windowed<K>, V>> all = new ArrayList<>();
            onAllTasks(spec, s -> drain(view(s).fetchAll(fromStart, toStart))).forEach(all::addAll);
            return iterator(all);
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> all() {
            List<Map.Entry<Windowed<K>, V>> all = new ArrayList<>();
            onAllTasks(spec, s -> drain(view(s).all())).forEach(all::addAll);
            return iterator(all);
        }
    }

    private final class SessionQuery<K, V> implements ReadOnlySessionStore<K, V> {
        private final StoreSpec spec;
        private final Serde<K> keySerde;
        private final Serde<V> valueSerde;

        SessionQuery(StoreSpec spec) {
            this.spec = spec;
            this.keySerde = serde(spec.keySerde());
            this.valueSerde = serde(spec.valueSerde());
        }

        private io.eddy.state.SessionStore<K, V> view(TaskState s) {
            return Stores.session(s.bytesStore(spec.name()), keySerde, valueSerde, spec.retentionMs());
        }

        private int task(K key) {
            return taskOf(spec, keySerde.serialize(spec.changelogTopic(), key));
        }

        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public V fetchSession(K key, long start, long end) {
            return onTask(spec, task(key), s -> view(s).fetchSession(key, start, end));
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> findSessions(K key, long earliestSessionEnd,
                                                                     long latestSessionStart) {
            return iterator(onTask(spec, task(key),
                    s -> drain(view(s).findSessions(key, earliestSessionEnd, latestSessionStart))));
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> all() {
            List<Map.Entry<Windowed<K>, V>> all = new ArrayList<>();
            onAllTasks(spec, s -> drain(view(s).all())).forEach(all::addAll);
            return iterator(all);
        }
    }
}
