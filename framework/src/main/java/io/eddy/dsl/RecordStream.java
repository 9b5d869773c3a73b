package io.eddy.dsl;

import io.eddy.processor.ProcessedStream;
import io.eddy.processor.RecordProcessor;
import io.eddy.processor.ValueProcessor;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An unbounded stream of key-value records, the result of a source or of an operator. Operators
 * return new streams; a stream can feed several operators (each gets every record).
 *
 * <p>Functions given to operators run on worker threads, one task's records at a time and in
 * offset order per input partition. They must not block for long. An exception they throw is
 * attributed to the operator (see {@link #named}) and handled by the application's
 * {@link io.eddy.ErrorHandler}. Each operator gets a default name, {@code <kind>-<n>}. Name a
 * stateless operator with {@link #named}; a stateful one (it owns a store or an internal topic)
 * with the {@link Named} last argument of the method that creates it, see {@link Named}.
 *
 * <p>Timestamps and headers of the input record travel with everything derived from it, and are
 * written to Kafka sinks.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface RecordStream<K, V> {

    /**
     * Names the stateless operator that produced this stream; names are unique within a pipeline.
     *
     * @throws IllegalArgumentException if {@code name} is null or blank, or if the operator is
     *         stateful (an aggregation, table, join or deduplication), which is named by its
     *         {@link Named} argument instead
     */
    RecordStream<K, V> named(String name);

    /** Replaces each record by the key-value pair {@code mapper} returns. */
    <K2, V2> RecordStream<K2, V2> map(BiFunction<? super K, ? super V, KeyValue<K2, V2>> mapper);

    /** Replaces each value by what {@code mapper} returns; the key is unchanged. */
    <V2> RecordStream<K, V2> mapValues(Function<? super V, ? extends V2> mapper);

    /**
     * Replaces each value by what {@code mapper(key, value)} returns. The mapper sees the key
     * but cannot change it, so a stream keyed as its input stays so (no repartition is needed
     * to group or join it). The key passed may be null if the record has none.
     *
     * <pre>{@code
     * orders.mapValues((customer, order) -> order.withCustomer(customer))
     * }</pre>
     *
     * <p>A lambda picks its overload by its number of parameters. A method reference to an
     * overloaded method that fits both shapes (such as {@code String::toUpperCase}, which also has
     * a one-argument form) is ambiguous; write a lambda instead ({@code v -> v.toUpperCase()}).
     */
    <V2> RecordStream<K, V2> mapValues(BiFunction<? super K, ? super V, ? extends V2> mapper);

    /** Replaces each record by zero or more key-value pairs. */
    <K2, V2> RecordStream<K2, V2> flatMap(
            BiFunction<? super K, ? super V, ? extends Iterable<KeyValue<K2, V2>>> mapper);

    /** Replaces each value by zero or more values under the same key. */
    <V2> RecordStream<K, V2> flatMapValues(Function<? super V, ? extends Iterable<? extends V2>> mapper);

    /**
     * Replaces each value by the zero or more values {@code mapper(key, value)} returns (null: none),
     * under the same key; as {@link #mapValues(BiFunction)}, the key is seen but not changed.
     */
    <V2> RecordStream<K, V2> flatMapValues(BiFunction<? super K, ? super V, ? extends Iterable<? extends V2>> mapper);

    /**
     * Runs a per-record processor that may change the key and emit any number of records, with
     * their timestamps and headers, to its main output and to side outputs (see
     * {@link RecordProcessor}). A grouping after it repartitions.
     */
    <KO, VO> ProcessedStream<KO, VO> process(Supplier<? extends RecordProcessor<K, V, KO, VO>> processor, Named name);

    /**
     * Runs a per-record processor that keeps the key (see {@link ValueProcessor}); a
     * {@code groupByKey} after it needs no repartition unless the key changed upstream.
     */
    <VO> ProcessedStream<K, VO> processValues(Supplier<? extends ValueProcessor<K, V, VO>> processor, Named name);

    /** Keeps the records {@code predicate} accepts. */
    RecordStream<K, V> filter(BiPredicate<? super K, ? super V> predicate);

    /** Replaces each key by what {@code keySelector} returns; the value is unchanged. */
    <K2> RecordStream<K2, V> selectKey(BiFunction<? super K, ? super V, ? extends K2> keySelector);

    /** Calls {@code action} for each record and passes the record on unchanged. */
    RecordStream<K, V> peek(BiConsumer<? super K, ? super V> action);

    /** Splits this stream into named branches; see {@link Branches}. */
    Branches<K, V> split();

    /** A stream with the records of this stream and of {@code other}, in arrival order per task. */
    RecordStream<K, V> merge(RecordStream<K, V> other);

    /**
     * Groups the records by their current key for an aggregation. If an operator upstream may have
     * changed the key ({@code map}, {@code selectKey}, {@code flatMap}), the records first go
     * through a repartition topic so that each key reaches the task that owns it; otherwise they
     * stay in their task.
     */
    GroupedStream<K, V> groupByKey(Grouped<K, V> grouped);

    /**
     * Like {@link #groupByKey(Grouped)}; if the records must be repartitioned, the repartition
     * topic is {@code <application id>-<name>-repartition}. Without a name, a repartitioning
     * {@code groupByKey} derives one and is logged as unnamed.
     */
    GroupedStream<K, V> groupByKey(Grouped<K, V> grouped, Named name);

    /**
     * Groups the records by the key {@code keySelector} computes; they go through the repartition
     * topic {@code <application id>-<name>-repartition}, written within the batch's transaction and
     * read as input of the next stage. A null grouping key is an error of this operator.
     */
    <K2> GroupedStream<K2, V> groupBy(BiFunction<? super K, ? super V, ? extends K2> keySelector,
                                      Grouped<K2, V> grouped);

    /**
     * Like {@link #groupBy(BiFunction, Grouped)}, through the repartition topic
     * {@code <application id>-<name>-repartition}. Without a name, the topic's name is derived
     * ({@code groupBy-<n>}) and the operator is logged as unnamed.
     */
    <K2> GroupedStream<K2, V> groupBy(BiFunction<? super K, ? super V, ? extends K2> keySelector,
                                      Grouped<K2, V> grouped, Named name);

    /**
     * The latest value per key of this stream as a table stored under {@code name}; a null value
     * deletes the key. The key must not have been changed since the source.
     *
     * @throws IllegalArgumentException if an operator upstream may have changed the key
     */
    Table<K, V> toTable(io.eddy.serde.Serde<K> keySerde, io.eddy.serde.Serde<V> valueSerde, Named name);

    /**
     * Like {@link #toTable(io.eddy.serde.Serde, io.eddy.serde.Serde, Named)}, stored under a derived
     * name ({@code toTable-<n>}), logged as unnamed when the pipeline is built.
     */
    Table<K, V> toTable(io.eddy.serde.Serde<K> keySerde, io.eddy.serde.Serde<V> valueSerde);

    /**
     * Joins each record with the row of {@code table} under the same key, dropping records with no
     * row. The table is read as of the record's processing: table changes made earlier in the same
     * task are visible. The stream's key must not have been changed since its source (group it by
     * key first otherwise), so that it is co-partitioned with the table.
     */
    <VT, R> RecordStream<K, R> join(Table<K, VT> table, BiFunction<? super V, ? super VT, ? extends R> joiner);

    /**
     * Like {@link #join(Table, BiFunction)}, the join operator named {@code name}. The join reads
     * the table's store and keeps none of its own, so an unnamed one ({@code join-<n>}) is not
     * logged.
     */
    <VT, R> RecordStream<K, R> join(Table<K, VT> table, BiFunction<? super V, ? super VT, ? extends R> joiner,
                                    Named name);

    /** Like {@link #join(Table, BiFunction)} but keeps every record; {@code joiner} gets null when there is no row. */
    <VT, R> RecordStream<K, R> leftJoin(Table<K, VT> table, BiFunction<? super V, ? super VT, ? extends R> joiner);

    /** Like {@link #leftJoin(Table, BiFunction)}, the join operator named {@code name}. */
    <VT, R> RecordStream<K, R> leftJoin(Table<K, VT> table, BiFunction<? super V, ? super VT, ? extends R> joiner,
                                        Named name);

    /**
     * Joins each record with the row of a global table found under the key {@code keyMapper}
     * computes; records with no row are dropped.
     */
    <KG, VG, R> RecordStream<K, R> join(GlobalTable<KG, VG> table, BiFunction<? super K, ? super V, ? extends KG> keyMapper,
                                         BiFunction<? super V, ? super VG, ? extends R> joiner);

    /** Like {@link #join(GlobalTable, BiFunction, BiFunction)} but keeps every record; {@code joiner} gets null when there is no row. */
    <KG, VG, R> RecordStream<K, R> leftJoin(GlobalTable<KG, VG> table, BiFunction<? super K, ? super V, ? extends KG> keyMapper,
                                             BiFunction<? super V, ? super VG, ? extends R> joiner);

    /**
     * Declares the Kafka record timestamp as this stream's event time, with {@code allowedDelay}
     * of out-of-orderness.
     *
     * <h2>Event time and watermarks</h2>
     * Each task keeps a <em>watermark</em>: the minimum, over the task's input partitions, of
     * (the largest event time seen on the partition − the allowed delay). Records with event
     * times behind the watermark are assumed not to come any more: windows whose end plus grace
     * the watermark reached are closed. The watermark only moves forward, only at batch
     * boundaries (a batch's records all see the watermark of its start), is committed with the
     * batch's offsets so a restarted task resumes from it, and appears in every
     * {@link io.eddy.BatchProgress}.
     *
     * <p><b>Idle partitions.</b> A partition stops holding the watermark back only when it is
     * truly idle: its owner has known for the application's idle timeout
     * ({@link io.eddy.EddyApp.Builder#idleTimeout}, default 10 s, wall clock) that it has no lag
     * (its position is at the end offset) and it delivered nothing in that time. A partition with
     * records waiting (a slow fetch, a stalled or failing-over owner), with unknown lag, of a task
     * that is restoring, or of a worker that is rebalancing is never idle.
     *
     * <p><b>Quiet input.</b> When every input partition of a task is idle, its event time follows
     * the wall clock: the watermark becomes (the largest event time seen − the allowed delay) +
     * (wall-clock time since the task's last record), re-evaluated about every trigger interval
     * without waiting for a record. So the last window of a stream that falls silent is emitted
     * about {@code max(idleTimeout, windowEnd + grace + allowedDelay − lastEventTime)} after the
     * last record, not whenever the next record comes. A record arriving after a quiet spell is
     * on time as long as its event time advanced at least as much as the wall clock did.
     *
     * <p><b>After a repartition</b> ({@link #groupBy}), each upstream task reports its watermark
     * to the downstream tasks (control records on the repartition topic), and a downstream task's
     * watermark is the minimum over all upstream tasks, an upstream task that has not reported
     * yet holding it back. So the allowed delay needs to cover only the disorder within each
     * input partition, however the partitions are read or mixed.
     *
     * <p><b>When a record is late.</b> Only when it is more than the allowed delay behind records
     * of its own input partition already processed, or when its partition was truly idle for the
     * idle timeout (then it was caught up and silent, and the other partitions moved on); never
     * because another partition was read first, stalled, restored or rebalanced.
     *
     * @throws IllegalArgumentException if {@code allowedDelay} is negative
     */
    RecordStream<K, V> withEventTime(java.time.Duration allowedDelay);

    /**
     * Declares {@code eventTime(value)} (epoch milliseconds) as this stream's event time, with
     * {@code allowedDelay} of out-of-orderness; see {@link #withEventTime(java.time.Duration)}.
     * The record's timestamp becomes its event time: downstream operators and sinks see it.
     *
     * @throws IllegalArgumentException if {@code allowedDelay} is negative
     */
    RecordStream<K, V> withEventTime(java.util.function.ToLongFunction<? super V> eventTime,
                                     java.time.Duration allowedDelay);

    /**
     * Drops records whose id ({@code id(key, value)}) was already seen, keeping the first. An
     * id is remembered until the watermark passes the event time of its first record; records
     * behind the watermark are late: dropped and counted in {@link io.eddy.AppMetrics#lateRecords()}.
     * So exact duplicates (the same id and event time) are always dropped, and the state holds
     * only ids within the watermark horizon. The stream must be keyed as its input is (no key
     * change since the source), so that every duplicate reaches the same task.
     *
     * @param idSerde serializes ids for the store and its changelog
     */
    <D> RecordStream<K, V> dropDuplicates(BiFunction<? super K, ? super V, ? extends D> id,
                                          io.eddy.serde.Serde<D> idSerde);

    /** Like {@link #dropDuplicates(BiFunction, io.eddy.serde.Serde)}, with the store {@code name}. */
    <D> RecordStream<K, V> dropDuplicates(BiFunction<? super K, ? super V, ? extends D> id,
                                          io.eddy.serde.Serde<D> idSerde, Named name);

    /**
     * Windowed inner join with another stream of the same key: for each pair of records, one from
     * each stream, whose event times are at most the window's maximum difference apart, emits
     * {@code joiner(value, otherValue)} as soon as the second of the two arrives, with the later
     * of the two timestamps. Both streams must read co-partitioned topics with unchanged keys.
     * The join's stores get a derived name ({@code join-<n>}), logged as unnamed when the pipeline
     * is built; prefer {@link #join(RecordStream, BiFunction, JoinWindows, StreamJoined, Named)}.
     */
    <VO, R> RecordStream<K, R> join(RecordStream<K, VO> other,
                                    BiFunction<? super V, ? super VO, ? extends R> joiner,
                                    JoinWindows windows, StreamJoined<K, V, VO> serdes);

    /**
     * Like {@link #join(RecordStream, BiFunction, JoinWindows, StreamJoined)}, with the stores
     * {@code <name>-left}, {@code <name>-right} (and, for outer sides, {@code <name>-left-timers},
     * {@code <name>-right-timers}); {@code name} must be unique among the application's state names.
     */
    <VO, R> RecordStream<K, R> join(RecordStream<K, VO> other,
                                    BiFunction<? super V, ? super VO, ? extends R> joiner,
                                    JoinWindows windows, StreamJoined<K, V, VO> serdes, Named name);

    /**
     * Like {@link #join(RecordStream, BiFunction, JoinWindows, StreamJoined)}, and also emits
     * {@code joiner(value, null)} for every record of this stream that found no partner, when its
     * window closes.
     */
    <VO, R> RecordStream<K, R> leftJoin(RecordStream<K, VO> other,
                                        BiFunction<? super V, ? super VO, ? extends R> joiner,
                                        JoinWindows windows, StreamJoined<K, V, VO> serdes);

    /** Like {@link #leftJoin(RecordStream, BiFunction, JoinWindows, StreamJoined)}, with stores named after {@code name}. */
    <VO, R> RecordStream<K, R> leftJoin(RecordStream<K, VO> other,
                                        BiFunction<? super V, ? super VO, ? extends R> joiner,
                                        JoinWindows windows, StreamJoined<K, V, VO> serdes, Named name);

    /**
     * Like {@link #leftJoin(RecordStream, BiFunction, JoinWindows, StreamJoined)} for both sides:
     * an unmatched record of the other stream gives {@code joiner(null, otherValue)}.
     */
    <VO, R> RecordStream<K, R> outerJoin(RecordStream<K, VO> other,
                                         BiFunction<? super V, ? super VO, ? extends R> joiner,
                                         JoinWindows windows, StreamJoined<K, V, VO> serdes);

    /** Like {@link #outerJoin(RecordStream, BiFunction, JoinWindows, StreamJoined)}, with stores named after {@code name}. */
    <VO, R> RecordStream<K, R> outerJoin(RecordStream<K, VO> other,
                                         BiFunction<? super V, ? super VO, ? extends R> joiner,
                                         JoinWindows windows, StreamJoined<K, V, VO> serdes, Named name);

    /**
     * Writes each record to {@code topic}, within the batch's transaction under exactly-once.
     * The partition is chosen from the serialized key as Kafka's default partitioner does.
     */
    void toKafka(String topic, Produced<K, V> produced);

    /** Writes each record to the topic {@code chooser} picks for it. */
    void toKafka(TopicChooser<K, V> chooser, Produced<K, V> produced);

    /**
     * Hands each record to a {@link ForeachWriter}; {@code writerPerTask} is called once per task,
     * when the task is created on this member, to create that task's writer.
     */
    void foreach(Supplier<? extends ForeachWriter<K, V>> writerPerTask);

    /**
     * Hands each task's records of a batch to a {@link BatchWriter} in one call, just before the
     * batch's Kafka commit, for bulk and idempotent writes; {@code writerPerTask} is called once per
     * task to create that task's writer. See {@link BatchWriter} for when it is called, what a
     * replay looks like and what an error does. The batch's records are held in memory until then
     * (at most the batch's size: see {@code EddyApp.Builder.maxRecordsPerBatch}).
     *
     * <pre>{@code
     * stream.foreachBatch(() -> batch -> store.putAll(batch.task(), batch.batchId(), batch.records()));
     * }</pre>
     *
     * @param writerPerTask creates one writer per task; not null, and must not return null
     */
    void foreachBatch(Supplier<? extends BatchWriter<K, V>> writerPerTask);

    /**
     * Keeps the latest value of each key in an in-process table readable from any thread (for tests
     * and notebooks), with {@link OutputMode#UPDATE} semantics: a record replaces its key's value,
     * a null value removes the key. Only committed batches show. For the whole result of an
     * aggregation use {@link Table#toMemory(String, OutputMode)} with {@code COMPLETE}.
     *
     * @param name the sink's name (its operator in the plan is {@code toMemory-<name>}); not null or blank,
     *        unique among the pipeline's memory sinks
     * @return the table, filled while the application runs
     */
    MemorySink<K, V> toMemory(String name);

    /**
     * Prints each record as {@code [name] key -> value} on standard output. For demos and
     * debugging; it blocks on the console.
     */
    void console();
}
