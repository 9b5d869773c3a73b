package io.eddy.dsl;

import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Builds the branches of {@link RecordStream#split()}. Each record goes to the <em>first</em>
 * branch whose predicate accepts it, or to the default branch, or nowhere. Define all branches,
 * then end with {@link #defaultBranch(String)} or {@link #noDefaultBranch()}.
 *
 * <pre>{@code
 * Map<String, RecordStream<String, Order>> b = orders.split()
 *     .branch("big", (k, o) -> o.amount() > 1000)
 *     .branch("eu", (k, o) -> o.region().equals("eu"))
 *     .defaultBranch("other");
 * }</pre>
 */
public interface Branches<K, V> {

    /** Adds a branch named {@code name} (unique within this split) taking what {@code predicate} accepts. */
    Branches<K, V> branch(String name, BiPredicate<? super K, ? super V> predicate);

    /** Ends the split with a branch taking every record no other branch took. */
    Map<String, RecordStream<K, V>> defaultBranch(String name);

    /** Ends the split; records no branch takes are dropped (not counted as errors). */
    Map<String, RecordStream<K, V>> noDefaultBranch();
}
