package io.eddy;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the state of one key lives: its task, and the endpoint ({@code host:port}, as given to
 * {@link EddyApp.Builder#applicationServer(String)}) of the instance that owns that task, as of the
 * latest rebalance this instance took part in. The answer can be outdated by a rebalance under
 * way; the owner then answers with a retriable {@link StoreUnavailableException}.
 *
 * <p>An immutable value. Later versions may add accessors.
 */
public final class KeyLocation {
    private final String store;
    private final int task;
    private final String endpoint;
    private final boolean local;

    private KeyLocation(String store, int task, String endpoint, boolean local) {
        this.store = Objects.requireNonNull(store, "store");
        this.task = task;
        this.endpoint = endpoint;
        this.local = local;
    }

    /**
     * A location.
     *
     * @param store the store's name; not null
     * @param task the key's task (its partition)
     * @param endpoint the owner's {@code host:port}, or null if unknown (no owner, or an owner
     *                 without an application server)
     * @param local whether this instance owns the task
     */
    public static KeyLocation of(String store, int task, String endpoint, boolean local) {
        return new KeyLocation(store, task, endpoint, local);
    }

    /** The store's name. */
    public String store() {
        return store;
    }

    /** The task (partition number) whose state holds the key. */
    public int task() {
        return task;
    }

    /** The owning instance's {@code host:port}; empty if not known. */
    public Optional<String> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** Whether this instance owns the key's task. */
    public boolean isLocal() {
        return local;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyLocation k && task == k.task && local == k.local && store.equals(k.store)
                && Objects.equals(endpoint, k.endpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(store, task, endpoint, local);
    }

    @Override
    public String toString() {
        return "KeyLocation[store=" + store + ", task=" + task + ", endpoint=" + endpoint + ", local=" + local + "]";
    }
}
