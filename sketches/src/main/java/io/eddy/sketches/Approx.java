package io.eddy.sketches;

import io.eddy.dsl.GroupedStream;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.Table;
import io.eddy.dsl.WindowedStream;
import io.eddy.processor.StateTimeout;
import io.eddy.serde.Serde;
import io.eddy.state.Windowed;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Approximate operators on Eddy's streams, built on the core's aggregations and keyed state: a
 * sketch is an aggregate whose serde stores its compact bytes, so it is changelogged, restored and
 * committed exactly once like any other aggregate, and windowed sketches are emitted with
 * {@code UPDATE}, {@code FINAL} or {@code COMPLETE} through {@link Table#emit}.
 *
 * <pre>{@code
 * Approx.aggregate(lines.groupBy((k, l) -> "all", grouped).window(TumblingWindows.of(Duration.ofMinutes(1))),
 *                  Sketches.distinctCount(WebLogLine::client), Named.as("unique-clients"))
 *       .emit(OutputMode.FINAL)
 *       .toKafka("unique-clients", Produced.with(WindowedSerde.of(Serdes.string()), DistinctCount.serde()));
 * }</pre>
 *
 * <p><b>Cost.</b> The store keeps serialized values, so each record reads and writes its key's
 * whole sketch: a few KiB for the defaults of HLL, KLL and frequent items, more for large count-min
 * sketches and Bloom filters. Size those for the per-key (per-window) volume, not the topic's.
 *
 * <p>All methods are called while a pipeline is defined; none blocks.
 */
public final class Approx {

    private Approx() {
    }

    /**
     * Keeps a sketch per key in the store {@code name} (and its changelog); the table emits a key's
     * sketch when it changes, at each commit.
     */
    public static <K, V, A> Table<K, A> aggregate(GroupedStream<K, V> grouped, SketchAggregation<? super V, A> sketch,
                                                  Named name) {
        Objects.requireNonNull(sketch, "sketch");
        return grouped.aggregate(sketch.initializer(), sketch.aggregator(), sketch.serde(), name);
    }

    /**
     * Keeps a sketch per key and window in the window store {@code name}; session windows merge
     * their sketches when a record joins two sessions. Choose what the table emits with
     * {@link Table#emit}: {@code FINAL} writes each window's sketch once, when it closes. Hopping
     * windows keep a sketch per pane ({@code gcd(size, advance)}) and merge a window's panes when
     * it is emitted ({@link WindowedStream#mergePanes()}): a record updates one sketch, not
     * {@code size / advance}. A merged HLL uses the union's estimator, so its estimate (within the
     * same bound) may differ slightly from one sketch fed every record.
     */
    public static <K, V, A> Table<Windowed<K>, A> aggregate(WindowedStream<K, V> windowed,
                                                            SketchAggregation<? super V, A> sketch, Named name) {
        Objects.requireNonNull(sketch, "sketch");
        return windowed.mergePanes().aggregate(sketch.initializer(), sketch.aggregator(), sketch.merger(), sketch.serde(),
                name);
    }

    /**
     * Keeps the records whose item was probably seen before under the same key, by a Bloom filter
     * per key in the store {@code name} (sized for {@code expectedItems} at {@code fpp}); every
     * record's item is then added. A record passes if its item was added before (always) or by a
     * false positive (with probability about {@code fpp}). Records whose item is null never pass.
     *
     * @throws IllegalArgumentException unless {@code expectedItems} is positive and {@code fpp} in (0, 1)
     */
    public static <K, V> RecordStream<K, V> filterSeen(GroupedStream<K, V> grouped, Function<? super V, ?> item,
                                                       long expectedItems, double fpp, Named name) {
        return membershipFilter(grouped, item, expectedItems, fpp, true, name);
    }

    /**
     * Keeps the records whose item was certainly not seen before under the same key (approximate
     * de-duplication), by a Bloom filter per key in the store {@code name}: a new item is dropped
     * only by a false positive (probability about {@code fpp}); a repeated item is always dropped.
     * Records whose item is null always pass and are not remembered.
     *
     * @throws IllegalArgumentException unless {@code expectedItems} is positive and {@code fpp} in (0, 1)
     */
    public static <K, V> RecordStream<K, V> filterNotSeen(GroupedStream<K, V> grouped, Function<? super V, ?> item,
                                                          long expectedItems, double fpp, Named name) {
        return membershipFilter(grouped, item, expectedItems, fpp, false, name);
    }

    /**
     * Like {@link #filterSeen(GroupedStream, Function, long, double, Named)}, with a filter that
     * forgets: an item is remembered for at least {@code rememberFor} and less than twice that
     * after its last sighting, by record time (event time where the stream has it). The key keeps
     * two Bloom filters, one per generation of {@code rememberFor}, rotated as record time moves
     * on; size {@code expectedItems} for the distinct items of one generation per key. A lookup
     * tests both, so the false-positive rate is up to about {@code 2 × fpp}.
     *
     * @throws IllegalArgumentException unless {@code expectedItems} is positive, {@code fpp} in (0, 1)
     *         and {@code rememberFor} at least one millisecond
     */
    public static <K, V> RecordStream<K, V> filterSeen(GroupedStream<K, V> grouped, Function<? super V, ?> item,
                                                       long expectedItems, double fpp, Duration rememberFor,
                                                       Named name) {
        return rotatingFilter(grouped, item, expectedItems, fpp, rememberFor, true, name);
    }

    /**
     * Like {@link #filterNotSeen(GroupedStream, Function, long, double, Named)} (approximate
     * de-duplication), with a filter that forgets: a repeat within {@code rememberFor} of the
     * item's last sighting is always dropped, one {@code 2 × rememberFor} or more after it always
     * passes (unless a false positive drops it), one in between may go either way. Two Bloom
     * filters per key, one per generation of {@code rememberFor} of record time, rotated as record
     * time moves on; size {@code expectedItems} for one generation's distinct items per key. A new
     * item is dropped by a false positive with probability up to about {@code 2 × fpp}.
     *
     * @throws IllegalArgumentException unless {@code expectedItems} is positive, {@code fpp} in (0, 1)
     *         and {@code rememberFor} at least one millisecond
     */
    public static <K, V> RecordStream<K, V> filterNotSeen(GroupedStream<K, V> grouped, Function<? super V, ?> item,
                                                          long expectedItems, double fpp, Duration rememberFor,
                                                          Named name) {
        return rotatingFilter(grouped, item, expectedItems, fpp, rememberFor, false, name);
    }

    private static <K, V> RecordStream<K, V> rotatingFilter(GroupedStream<K, V> grouped, Function<? super V, ?> item,
                                                            long expectedItems, double fpp, Duration rememberFor,
                                                            boolean keepSeen, Named name) {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(rememberFor, "rememberFor");
        MembershipFilter.create(expectedItems, fpp);   // validates now
        long rememberMs = rememberFor.toMillis();
        if (rememberMs < 1) {
            throw new IllegalArgumentException("rememberFor must be at least 1 ms, not " + rememberFor);
        }
        return grouped.flatMapWithState((key, value, state) -> {
            long t = state.timestamp();
            RotatingMembership filter = state.exists() ? state.get()
                    : RotatingMembership.create(expectedItems, fpp, Math.floorDiv(t, rememberMs) * rememberMs);
            Object it = item.apply(value);
            if (it == null) {
                return keepSeen ? List.of() : List.of(value);
            }
            boolean seen = filter.addAndCheck(it, t, rememberMs);
            state.update(filter);
            return seen == keepSeen ? List.of(value) : List.of();
        }, RotatingMembership.serde(), StateTimeout.NONE, name);
    }

    private static <K, V> RecordStream<K, V> membershipFilter(GroupedStream<K, V> grouped, Function<? super V, ?> item,
                                                              long expectedItems, double fpp, boolean keepSeen,
                                                              Named name) {
        Objects.requireNonNull(item, "item");
        MembershipFilter.create(expectedItems, fpp);   // validates now
        return grouped.flatMapWithState((key, value, state) -> {
            MembershipFilter filter = state.exists() ? state.get() : MembershipFilter.create(expectedItems, fpp);
            Object it = item.apply(value);
            boolean seen = filter.addAndCheck(it);
            if (it != null) {
                state.update(filter);
            }
            return seen == keepSeen ? List.of(value) : List.of();
        }, MembershipFilter.serde(), StateTimeout.NONE, name);
    }

    /**
     * Merges sketches across keys and partitions: every sketch of {@code sketches} is sent, through
     * the repartition topic {@code <application id>-<name>-merge-repartition}, to the task of its
     * coarse key ({@code coarseKey}, e.g. a constant for one global answer) and merged there with
     * {@code kind}'s combiner into the table {@code name}.
     *
     * <p><b>Which streams.</b> Each sketch must reach the merge once: use the {@code FINAL} output of
     * a windowed sketch (then key the merge by the window too), or a stream that emits each sketch
     * once. HLL distinct counts and Bloom filters are idempotent under union, so for them any output
     * (even {@code UPDATE}, which re-emits a growing sketch) merges correctly; the others would count
     * a re-emitted sketch twice.
     *
     * <p><b>Bound.</b> A merged HLL, KLL or frequent-items sketch has the error bound of one sketch
     * of the same parameters over all the items; a merged count-min sketch the bound of one sketch
     * over the summed total.
     */
    public static <K, A, K2> Table<K2, A> merge(RecordStream<K, A> sketches,
                                               BiFunction<? super K, ? super A, ? extends K2> coarseKey,
                                               Serde<K2> coarseKeySerde, SketchAggregation<?, A> kind, Named name) {
        Objects.requireNonNull(kind, "kind");
        return sketches.groupBy(coarseKey, Grouped.with(coarseKeySerde, kind.serde()), Named.as(name.name() + "-merge"))
                .reduce(kind.combiner(), name);
    }
}
