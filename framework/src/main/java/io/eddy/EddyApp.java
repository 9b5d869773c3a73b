package io.eddy;

import io.eddy.dsl.Pipeline;
import io.eddy.internal.plan.PipelineBuilder;
import io.eddy.internal.plan.Plan;
import io.eddy.internal.runtime.AppOptions;
import io.eddy.internal.runtime.AppRuntime;
import io.eddy.internal.runtime.ClientConfigs;
import io.eddy.kafka.KafkaClientFactory;
import io.eddy.kafka.internal.SecretSettings;
import java.io.PrintStream;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * A stream processing application: a pipeline run by worker threads that are members of the
 * Kafka consumer group named by the application id. Run the same application in several
 * processes to spread its tasks; Kafka's group membership is the only coordination.
 *
 * <pre>{@code
 * EddyApp app = EddyApp.builder("clicks-filter")
 *     .bootstrapServers("localhost:9092")
 *     .pipeline(p -> p
 *         .kafka("clicks", Consumed.with(Serdes.string(), Serdes.string()))
 *         .filter((user, page) -> !page.startsWith("/health"))
 *         .toKafka("clicks-clean", Produced.with(Serdes.string(), Serdes.string())))
 *     .build();
 * app.start();
 * ...
 * app.close(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Thread-safe. {@link #start()} may be called once; {@link #close(Duration)} any number of times.
 */
public final class EddyApp implements AutoCloseable {

    private final AppOptions options;
    private final AppRuntime runtime;
    private final PipelineDescription description;

    private EddyApp(AppOptions options) {
        this.options = options;
        this.runtime = new AppRuntime(options);
        this.description = options.plan().describe();
    }

    /**
     * The application's pipeline as readable text: sources, operators in processing order with
     * their names and kinds, state stores and their changelog topics, internal topics and sinks.
     * Available before {@link #start()}; the same for every build of the same pipeline.
     *
     * <pre>{@code
     * System.out.println(app.describe());
     * }</pre>
     *
     * @return the description; never null
     */
    public PipelineDescription describe() {
        return description;
    }

    /**
     * A builder for an application whose consumer group, transactional ids and (later) internal
     * topics derive from {@code applicationId}.
     */
    public static Builder builder(String applicationId) {
        return new Builder(applicationId);
    }

    /**
     * Checks the input topics, then starts the worker threads and returns; processing goes on in
     * the background. The state moves to {@link AppState#STARTING}, then {@link AppState#RUNNING}
     * when every worker has its tasks.
     *
     * <p>It creates the internal topics (changelogs, repartition topics, the store registry) that
     * do not exist yet. Several instances of the application may start at the same moment (a
     * rolling deployment, a scale-up): a topic another instance has just created counts as
     * created, and is waited for (up to the start timeout) until the broker describes it.
     *
     * <p>When it throws (other than for a second call), the state is {@link AppState#ERROR} and
     * {@link #failure()} holds the exception.
     *
     * @throws IllegalStateException if the application was started before; also if its state
     *         directory is in use by another instance, or its stateful pipeline no longer matches
     *         the stores it recorded
     * @throws TopicCheckException naming the topics and the problem when an input topic is missing,
     *         the inputs are not co-partitioned, an internal topic has the wrong partition count or
     *         cleanup policy, or the broker does not answer within the start timeout
     * @throws org.apache.kafka.common.errors.TimeoutException if global tables do not load within
     *         the start timeout
     * @throws ClusterAccessException if the cluster refuses the credentials, or an ACL the start-time
     *         checks need is missing (reading an input, creating or checking an internal topic,
     *         reading or writing the store registry); the message names the principal, the resource
     *         and the operation. An ACL only a worker needs (the group, the transactional ids, the
     *         output) stops the application later with the same exception in {@link #failure()}
     */
    public void start() {
        runtime.start();
    }

    /**
     * Stops the application: every worker commits its open batch, leaves the group and closes its
     * clients. Blocks up to {@code timeout}.
     *
     * @return whether every worker stopped within the timeout
     */
    public boolean close(Duration timeout) {
        return runtime.close(timeout);
    }

    /** {@link #close(Duration)} with a 30 second timeout. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Blocks until every worker has stopped (after close, failure, or an availableNow run). */
    public boolean awaitTermination(Duration timeout) {
        return runtime.awaitTermination(timeout);
    }

    /** The current state. */
    public AppState state() {
        return runtime.state();
    }

    /** Why the application is in {@link AppState#ERROR}, if it is. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(runtime.failure());
    }

    /** Counters since start. Cheap; may be called from any thread. */
    public AppMetrics metrics() {
        return runtime.metrics();
    }

    /**
     * Figures of this instance's state: RocksDB's memory use and statistics (block cache usage,
     * memtable size, bytes read and written, cache hits and misses) and {@code restored-records},
     * the changelog records applied by completed restores. Empty apart from the latter for a
     * stateless application. May be called from any thread.
     */
    public Map<String, Long> stateMetrics() {
        return runtime.stateMetrics();
    }

    /**
     * The newest batch committed by any worker of this instance in this run, as Spark's
     * {@code StreamingQuery.lastProgress()}. Cheap; any thread.
     *
     * <pre>{@code
     * app.lastProgress().ifPresent(p -> System.out.println(p.toJson()));
     * }</pre>
     *
     * @return empty before the first commit
     */
    public Optional<BatchProgress> lastProgress() {
        return Optional.ofNullable(runtime.lastProgress());
    }

    /**
     * The last committed batches of all this instance's workers in this run, oldest first: at most
     * 1000 (5 s of history at 100 batches/s, twice over). A copy; any thread; costs a copy of up to
     * 1000 references.
     *
     * @return an unmodifiable list; empty before the first commit
     */
    public List<BatchProgress> recentProgress() {
        return List.copyOf(runtime.recentProgress());
    }

    /**
     * What this instance does now: state, run id, workers and their tasks (and which restore), the
     * latest restore progress per store and task, counters, and each worker's last batch. Cheap
     * (no broker request; see {@link #describeGroup()} for the group as the cluster sees it); any thread.
     *
     * @return a snapshot; never null
     */
    public AppStatus status() {
        return runtime.status();
    }

    /**
     * Adds a listener for committed batches while the application runs (the builder's
     * {@link Builder#addProgressListener} adds one from the start). It hears of batches committed
     * after this call, on the worker's thread, with the same contract as a {@link ProgressListener};
     * a monitoring module binds itself this way. Thread-safe.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public void addProgressListener(ProgressListener listener) {
        runtime.addProgressListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added with {@link #addProgressListener(ProgressListener)}; returns whether it was added. */
    public boolean removeProgressListener(ProgressListener listener) {
        return runtime.removeProgressListener(listener);
    }

    /** The default of {@link Builder#repartitionPurgeInterval(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_REPARTITION_PURGE_INTERVAL = Duration.ofSeconds(30);

    /**
     * Read-only access to store {@code storeName} of the tasks this instance owns, through the
     * store's own serdes. Reads see committed state only: each read runs on the worker owning the
     * task between two batches, so it may wait up to about one trigger interval. A keyed read
     * ({@code get}, {@code fetch}, {@code findSessions}) asks the key's task; a range or full read asks
     * every task of this instance and returns a snapshot. Use {@link #metadataForKey} to find the
     * instance owning a key.
     *
     * <pre>{@code
     * ReadOnlyKeyValueStore<String, Long> counts = app.store("orders-per-region", QueryableStores.keyValue());
     * Long n = counts.get("europe");   // StoreUnavailableException if not answerable here now
     * }</pre>
     *
     * <p>Thread-safe; the returned view is too, and may be kept. Its reads block (see above) and
     * throw {@link StoreUnavailableException} while the group rebalances, while the key's task is
     * restoring, when another instance owns the key's task, when the worker is too busy to answer in
     * time ({@link StoreUnavailableException#isRetriable() retriable}), or when the application is not
     * running (not retriable).
     *
     * @param storeName the store's name (the {@code Named} of its operator); not null
     * @param type {@link QueryableStores#keyValue()}, {@link QueryableStores#window()} or
     *             {@link QueryableStores#session()}; not null
     * @throws IllegalArgumentException if the pipeline has no such store, or it is of another kind
     */
    public <T> T store(String storeName, QueryableStoreType<T> type) {
        Objects.requireNonNull(storeName, "storeName");
        Objects.requireNonNull(type, "type");
        return runtime.queries().store(storeName, type);
    }

    /**
     * Which task holds {@code key} in store {@code storeName}, and the endpoint of the instance that
     * owns it as of the latest rebalance ({@link Builder#applicationServer(String)} of that
     * instance). The key is serialized with {@code keySerializer} and placed as Kafka's default
     * partitioner places records. Cheap; never blocks.
     *
     * @throws IllegalArgumentException if the pipeline has no such store
     * @throws StoreUnavailableException ({@link StoreUnavailableException.Reason#NOT_RUNNING}) before
     *         {@link #start()}
     */
    public <K> KeyLocation metadataForKey(String storeName, K key, io.eddy.serde.Serde<K> keySerializer) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(keySerializer, "keySerializer");
        return runtime.queries().locate(storeName, key, keySerializer);
    }

    /** {@link #metadataForKey(String, Object, io.eddy.serde.Serde)} with the store's own key serde. */
    @SuppressWarnings("unchecked")
    public <K> KeyLocation metadataForKey(String storeName, K key) {
        return metadataForKey(storeName, key, (io.eddy.serde.Serde<K>) storeKeySerde(storeName));
    }

    /**
     * The key serde of store {@code storeName}, for callers that turn text into keys (the monitoring
     * module's HTTP route).
     *
     * @throws IllegalArgumentException if the pipeline has no such store
     */
    public io.eddy.serde.Serde<?> storeKeySerde(String storeName) {
        return runtime.queries().keySerde(storeName);
    }

    /**
     * The standby tasks this instance keeps now ({@link Builder#standbyReplicas(int)}), each with how
     * many changelog records its copy is behind (-1 while not known yet). Callable from any thread.
     *
     * @return task id to lag; empty without standbys; a snapshot
     */
    public Map<Integer, Long> standbyLags() {
        return runtime.standbyLags();
    }

    /** The {@code host:port} this instance advertises for queries, if one was set. */
    public Optional<String> applicationServer() {
        return Optional.ofNullable(options.applicationServer());
    }

    /**
     * Resets the application so that its next run starts over, as Kafka Streams' application
     * reset tool does: commits the chosen offset for every input partition in the application's
     * consumer group, deletes its internal topics (the changelogs, repartition topics and the store
     * registry named by this pipeline; no other topic), and deletes the stores in this instance's
     * state directory ({@code <stateDir>/<application id>}). The next {@link #start()} (of a new
     * {@code EddyApp}, or of this one if it was never started) creates the internal topics anew and
     * rebuilds every store from the inputs it reads: counts start over.
     *
     * <p>Refused while the consumer group has members: stop every instance first. Batch ids stored
     * with the offsets are kept (they keep growing for sinks that deduplicate by
     * {@code (task, batchId)}); watermarks start over. Other machines' state directories are not
     * touched: reset (or delete the state directory) on each machine that ran the application, or
     * their stores may be found ahead of the new, empty changelogs (they are then discarded and
     * rebuilt) or, if the new changelogs have grown past them by then, be taken as current.
     *
     * <p>Blocking; each broker call is bounded by the start timeout. Uses the application's admin
     * client settings ({@link Builder#clientOverride}, {@link Builder#adminOverride}) and client
     * factory. Not atomic: if it fails half-way, run it again.
     *
     * <pre>{@code
     * EddyApp app = buildMyApp();                       // the same pipeline and settings as the service
     * ResetReport done = app.reset(ResetOptions.toEarliest());
     * }</pre>
     *
     * @param options where the input offsets go; not null
     * @return what was reset
     * @throws IllegalStateException if this application object is running, if the consumer group has
     *         active members (the message names them), or if the state directory is in use by an
     *         instance on this machine
     * @throws TopicCheckException if an input topic is missing, or the broker refuses a request or
     *         does not answer within the start timeout
     */
    public ResetReport reset(ResetOptions options) {
        Objects.requireNonNull(options, "options");
        AppState state = runtime.state();
        if (state != AppState.CREATED && !state.isTerminal()) {
            throw new IllegalStateException("cannot reset '" + this.options.applicationId() + "' while this instance is "
                    + state + ": close it, and every other instance, first");
        }
        return io.eddy.internal.runtime.ApplicationReset.run(this.options, options);
    }

    /**
     * Describes the application's consumer group as the cluster shows it now: its members (the
     * worker threads of every instance, wherever they run), the tasks each owns, and the lag of
     * every task per partition. Works from any process that builds the application with the same
     * id and cluster settings, started or not; in a started instance, the phase (restoring or
     * running) of this instance's own workers' tasks is filled in, and only those (see
     * {@link GroupStatus} for what an outside view can know).
     *
     * <p>Blocking: a few admin requests, each bounded by the start timeout. Thread-safe.
     *
     * <pre>{@code
     * GroupStatus status = app.describeGroup();
     * status.members().forEach(m -> System.out.println(m.clientId() + "@" + m.host() + " " + m.tasks()));
     * }</pre>
     *
     * @return a snapshot; never null (a group that does not exist has state {@code Dead} and no members)
     * @throws TopicCheckException if the broker refuses a request or does not answer within the start timeout
     */
    public GroupStatus describeGroup() {
        return io.eddy.internal.runtime.GroupDescriber.describe(options, runtime.localMembers());
    }

    /**
     * Sets each option of an application once; {@link #build()} checks them all and names the
     * first bad option and its value. Not thread-safe.
     */
    public static final class Builder {
        private static final Pattern LEGAL_ID = Pattern.compile("[a-zA-Z0-9._-]+");
        private static final Pattern HOST_PORT = Pattern.compile("[^\\s:/]+:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])");

        private final String applicationId;
        private String bootstrapServers;
        private int threads = 1;
        private Guarantee guarantee = Guarantee.EXACTLY_ONCE;
        private Trigger trigger = Trigger.every(Trigger.DEFAULT_INTERVAL);
        private int maxRecordsPerBatch = Integer.MAX_VALUE;
        private Duration commitTimeout = Duration.ofSeconds(60);
        private Duration startTimeout = Duration.ofSeconds(30);
        private String instanceId;
        private ErrorHandler errorHandler = ErrorHandler.fail();
        private final List<StateListener> stateListeners = new ArrayList<>();
        private final List<ProgressListener> progressListeners = new ArrayList<>();
        private final Map<String, Object> consumerOverrides = new HashMap<>();
        private final Map<String, Object> producerOverrides = new HashMap<>();
        private final Map<String, Object> clientOverrides = new HashMap<>();
        private final Map<String, Object> adminOverrides = new HashMap<>();
        private KafkaClientFactory clientFactory = KafkaClientFactory.defaultFactory();
        private Clock clock = Clock.systemUTC();
        private PrintStream console = System.out;
        private Consumer<? super Pipeline> pipeline;
        private Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "eddy-state");
        private long stateMemoryBytes = 64L << 20;
        private long maxBatchStateBytes = 32L << 20;
        private long storeCacheBytes = 2L << 20;
        private Duration idleTimeout = Duration.ofSeconds(10);
        private Duration repartitionPurgeInterval = DEFAULT_REPARTITION_PURGE_INTERVAL;
        private final List<RestoreListener> restoreListeners = new ArrayList<>();
        private boolean requireNamedState;
        private FlowControl flowControl = FlowControl.none();
        private String applicationServer;
        private int standbyReplicas;

        private Builder(String applicationId) {
            this.applicationId = applicationId;
        }

        /** The Kafka bootstrap servers, {@code host:port[,host:port…]}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** Worker threads (consumer-group members) in this instance; at least 1. Default 1. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Exactly-once (default) or at-least-once. */
        public Builder guarantee(Guarantee guarantee) {
            this.guarantee = guarantee;
            return this;
        }

        /**
         * When batches commit; default {@code Trigger.every(100 ms)}. The interval must be positive.
         * {@link Trigger#lowLatency(Duration)} also needs {@link Guarantee#AT_LEAST_ONCE} and a
         * pipeline of the operators it supports; {@link #build()} checks both.
         */
        public Builder trigger(Trigger trigger) {
            this.trigger = trigger;
            return this;
        }

        /** Ends a batch early once it holds this many records; at least 1. Default unbounded. */
        public Builder maxRecordsPerBatch(int maxRecordsPerBatch) {
            this.maxRecordsPerBatch = maxRecordsPerBatch;
            return this;
        }

        /**
         * The longest a commit (and any other blocking producer call) may take before the batch
         * is aborted and the worker rejoins; positive. Default 60 s.
         */
        public Builder commitTimeout(Duration commitTimeout) {
            this.commitTimeout = commitTimeout;
            return this;
        }

        /**
         * The longest {@link EddyApp#start()} waits for the broker to describe the input topics
         * before failing; positive. Default 30 s.
         */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Makes this instance a static group member: worker {@code i} joins with instance id
         * {@code <instanceId>-<i>} and keeps its tasks across a restart within the session
         * timeout, and its transactional ids are stable, so a restarted instance fences its
         * predecessor's open transactions at once. Each running instance needs its own id.
         * Letters, digits, '.', '_' and '-' only. Default: dynamic membership.
         */
        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        /** What happens to a record that fails; default {@link ErrorHandler#fail()}. */
        public Builder errorHandler(ErrorHandler errorHandler) {
            this.errorHandler = errorHandler;
            return this;
        }

        /** Adds a listener for state changes. */
        public Builder addStateListener(StateListener listener) {
            stateListeners.add(listener);
            return this;
        }

        /** Adds a listener for committed batches. */
        public Builder addProgressListener(ProgressListener listener) {
            progressListeners.add(listener);
            return this;
        }

        /**
         * Passes a setting to every Kafka client the application creates: the workers' consumers
         * and producers, the restore and global-table consumers, the store registry's clients, the
         * end-offset lookup and the admin client. This is where the settings of a secured cluster
         * go, once: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, and also
         * {@code client.rack} and the like. A setting a client kind does not know is ignored by it
         * (Kafka logs it as unused).
         *
         * <p>Eddy's own settings for each role (client ids, isolation level, fetch sizes, timeouts)
         * are applied on top of the common ones, and the role overrides ({@link #consumerOverride},
         * {@link #producerOverride}, {@link #adminOverride}) on top of those. Settings Eddy's
         * guarantees depend on (those refused by {@code consumerOverride} and
         * {@code producerOverride}) and {@code bootstrap.servers} (see {@link #bootstrapServers})
         * are refused by {@link #build()}.
         *
         * <p>The values of secret settings (names containing {@code password}, {@code secret},
         * {@code token}, {@code sasl.jaas.config}, or ending in {@code .key}, …) never appear in
         * exception messages, logs or {@code toString()}.
         *
         * <pre>{@code
         * builder.clientOverride("security.protocol", "SASL_SSL")
         *        .clientOverride("sasl.mechanism", "SCRAM-SHA-512")
         *        .clientOverride("sasl.jaas.config", jaasConfig);
         * }</pre>
         *
         * @param key a Kafka client setting; not null
         * @param value its value, as Kafka's client configuration accepts it; not null
         */
        public Builder clientOverride(String key, Object value) {
            clientOverrides.put(key, value);
            return this;
        }

        /**
         * Passes a setting to every worker's Kafka consumer, on top of the common settings
         * ({@link #clientOverride}). Settings Eddy's guarantees depend on (group id, isolation level,
         * auto commit, deserializers, assignment strategy, group instance id, group protocol) are
         * refused by {@link #build()}. The other consumers (restore, global tables, store registry,
         * end offsets) get the common settings only.
         */
        public Builder consumerOverride(String key, Object value) {
            consumerOverrides.put(key, value);
            return this;
        }

        /**
         * Passes a setting to every worker's Kafka producer, on top of the common settings
         * ({@link #clientOverride}). Settings Eddy's guarantees depend on (transactional id,
         * idempotence, acks, serializers) are refused by {@link #build()}. The store registry's
         * producer gets the common settings only.
         */
        public Builder producerOverride(String key, Object value) {
            producerOverrides.put(key, value);
            return this;
        }

        /**
         * Passes a setting to the admin clients: the one that checks the inputs and creates the
         * internal topics at start, and the workers' ones that delete consumed records of
         * repartition topics ({@link #repartitionPurgeInterval}); on top of the common settings ({@link #clientOverride}) and of Eddy's
         * timeouts for it (derived from {@link #startTimeout}). {@code bootstrap.servers} is refused
         * by {@link #build()}.
         */
        public Builder adminOverride(String key, Object value) {
            adminOverrides.put(key, value);
            return this;
        }

        /**
         * Where the application's Kafka clients come from; default
         * {@link KafkaClientFactory#defaultFactory()}, which creates real clients. Every client the
         * application creates is asked of this factory with its {@link io.eddy.kafka.ClientRole}
         * and its final settings; see {@link KafkaClientFactory} for the contract (thread-safety,
         * who closes the clients). Tests give one that returns mock clients or records what Eddy
         * asked for.
         *
         * @param clientFactory not null
         */
        public Builder clientFactory(KafkaClientFactory clientFactory) {
            this.clientFactory = clientFactory;
            return this;
        }

        /** The clock batches are timed with; for tests. Default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Where {@code console()} sinks print; default {@code System.out}. */
        public Builder console(PrintStream console) {
            this.console = console;
            return this;
        }

        /** Defines the pipeline. Required. */
        public Builder pipeline(Consumer<? super Pipeline> pipeline) {
            this.pipeline = pipeline;
            return this;
        }

        /**
         * Where state stores live: {@code <stateDir>/<application id>/task-<p>/<store>}. Default
         * {@code <java.io.tmpdir>/eddy-state}. Two instances of one application on one machine need
         * different directories; the second to start on a directory in use fails.
         */
        public Builder stateDir(Path stateDir) {
            this.stateDir = stateDir;
            return this;
        }

        /**
         * The memory RocksDB may use for all stores of this instance together: one shared block
         * cache and write-buffer budget. Default 64 MiB; at least 8 MiB.
         */
        public Builder stateMemory(long bytes) {
            this.stateMemoryBytes = bytes;
            return this;
        }

        /**
         * How many bytes of state changes a worker may hold in memory before the batch commits
         * early; the limit keeps uncommitted state bounded under a backlog. It also bounds the
         * changelog records a restore holds, collapsed per key, before writing them to the
         * stores. Default 32 MiB.
         */
        public Builder maxBatchStateBytes(long bytes) {
            this.maxBatchStateBytes = bytes;
            return this;
        }

        /**
         * How long an input partition must be caught up (no lag: its position at the end offset)
         * and deliver no record before it stops holding its task's watermark back; when all of a
         * task's partitions are idle, its event time follows the wall clock (see
         * {@link io.eddy.dsl.RecordStream#withEventTime(Duration)}). Default 10 s.
         *
         * <p>A stalled partition is not idle: one with records waiting (a slow fetch, an owner
         * failing over), with unknown lag, of a task that is restoring or of a worker that is
         * rebalancing keeps holding the watermark back however long it lasts. Only records of a
         * partition that was truly idle can be late because of this timeout: a longer timeout
         * makes a quiet stream close its last windows later, a shorter one lets a producer that
         * pauses longer than it see its next records judged late.
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * How often each worker deletes the records of the repartition topics that its tasks have
         * consumed and committed; positive. Default 30 s
         * ({@link #DEFAULT_REPARTITION_PURGE_INTERVAL}). Only for pipelines that repartition.
         *
         * <p>Repartition topics are created without time- or size-based retention, because their
         * records carry event times that can be old; instead, after a batch commits, the records
         * of each repartition partition before its consuming task's committed offset may go.
         * Every worker sends at most one {@code deleteRecords} request per interval, for the
         * partitions of its own tasks, from its admin client ({@link io.eddy.kafka.ClientRole#ADMIN},
         * which needs the {@code DELETE} permission on those topics); the request does not hold up
         * processing. A failed request is logged and retried at the next interval; it never stops
         * the application. A shorter interval keeps the topics smaller at the cost of more
         * requests to the brokers.
         */
        public Builder repartitionPurgeInterval(Duration interval) {
            this.repartitionPurgeInterval = interval;
            return this;
        }

        /**
         * Size of the read cache of each store of each task, in bytes of keys, values and a fixed
         * per-entry overhead of about 112 bytes (committed values only); 0 turns it off. Default 2 MiB.
         */
        public Builder storeCacheBytes(long bytes) {
            this.storeCacheBytes = bytes;
            return this;
        }

        /**
         * Whether every stateful operator must be named with its {@link io.eddy.dsl.Named} argument
         * (see {@link io.eddy.dsl.Named}). When false (the default), an unnamed one gets a name
         * derived from its kind and position and is logged at WARN by {@link #build()}; when true,
         * {@link #build()} refuses it. Turn it on for applications whose state must survive
         * pipeline changes.
         */
        public Builder requireNamedState(boolean required) {
            this.requireNamedState = required;
            return this;
        }

        /**
         * The {@code host:port} where this instance answers queries (the monitoring module's HTTP
         * server, or your own), advertised to the other instances through the group membership so
         * that {@link EddyApp#metadataForKey} can name the instance owning a key. Default none.
         */
        public Builder applicationServer(String hostPort) {
            this.applicationServer = hostPort;
            return this;
        }

        /**
         * How many other instances keep a warm copy of each task's stores by tailing its changelogs
         * (read_committed), so that when the task moves (its instance died or left) it goes to one of
         * them and restores only the changelog's tail. Each copy costs its instance the disk of the
         * stores, a share of the {@link #stateMemory RocksDB memory} and the reading of the changelog.
         * Default 0; a copy is kept only in an instance other than the owner's, so {@code n} above the
         * number of other instances gives fewer copies.
         */
        public Builder standbyReplicas(int n) {
            this.standbyReplicas = n;
            return this;
        }

        /** Adds a listener told how restoring stores from their changelogs progresses. */
        public Builder addRestoreListener(RestoreListener listener) {
            restoreListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * How fast the instance reads its input: rate limits, backpressure, an adaptive trigger
         * interval (see {@link FlowControl}); default {@link FlowControl#none()}. Its values are
         * checked by {@link #build()}, which names the bad one ({@code flowControl.maxRecordsPerSecond}, ...).
         */
        public Builder flowControl(FlowControl flowControl) {
            this.flowControl = flowControl;
            return this;
        }

        /**
         * Checks every option and the pipeline and returns the application, not yet started.
         *
         * @throws InvalidConfigException naming the first bad option and its value
         * @throws IllegalArgumentException if the pipeline is invalid (no source, no sink, a topic
         *         read twice, an operator name used twice, an unnamed stateful operator when
         *         {@link #requireNamedState(boolean) named state is required})
         */
        public EddyApp build() {
            if (applicationId == null || !LEGAL_ID.matcher(applicationId).matches()) {
                throw new InvalidConfigException("applicationId", applicationId,
                        "required; letters, digits, '.', '_' and '-' only");
            }
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new InvalidConfigException("bootstrapServers", bootstrapServers, "required, host:port[,host:port...]");
            }
            if (threads < 1) {
                throw new InvalidConfigException("threads", threads, "must be at least 1");
            }
            require("guarantee", guarantee);
            require("trigger", trigger);
            requirePositive("trigger", trigger.interval());
            if (maxRecordsPerBatch < 1) {
                throw new InvalidConfigException("maxRecordsPerBatch", maxRecordsPerBatch, "must be at least 1");
            }
            requirePositive("commitTimeout", commitTimeout);
            requirePositive("startTimeout", startTimeout);
            if (instanceId != null && !LEGAL_ID.matcher(instanceId).matches()) {
                throw new InvalidConfigException("instanceId", instanceId, "letters, digits, '.', '_' and '-' only");
            }
            require("errorHandler", errorHandler);
            require("clock", clock);
            require("console", console);
            checkOverrides("clientOverride", clientOverrides, ClientConfigs.RESERVED_COMMON);
            checkOverrides("consumerOverride", consumerOverrides, ClientConfigs.RESERVED_CONSUMER);
            checkOverrides("producerOverride", producerOverrides, ClientConfigs.RESERVED_PRODUCER);
            checkOverrides("adminOverride", adminOverrides, Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
            require("clientFactory", clientFactory);
            require("pipeline", pipeline);
            require("stateDir", stateDir);
            if (stateMemoryBytes < (8L << 20)) {
                throw new InvalidConfigException("stateMemory", stateMemoryBytes, "must be at least 8 MiB (8388608)");
            }
            if (maxBatchStateBytes < 1024) {
                throw new InvalidConfigException("maxBatchStateBytes", maxBatchStateBytes, "must be at least 1024");
            }
            if (storeCacheBytes < 0) {
                throw new InvalidConfigException("storeCacheBytes", storeCacheBytes, "must not be negative");
            }
            require("idleTimeout", idleTimeout);
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new InvalidConfigException("idleTimeout", idleTimeout, "must be positive");
            }
            requirePositive("repartitionPurgeInterval", repartitionPurgeInterval);
            require("flowControl", flowControl);
            flowControl.validate("flowControl", trigger);
            if (applicationServer != null && !HOST_PORT.matcher(applicationServer).matches()) {
                throw new InvalidConfigException("applicationServer", applicationServer,
                        "must be host:port, with a port from 1 to 65535");
            }
            if (standbyReplicas < 0 || standbyReplicas > 16) {
                throw new InvalidConfigException("standbyReplicas", standbyReplicas, "must be from 0 to 16");
            }
            Plan plan = PipelineBuilder.define(applicationId, pipeline, requireNamedState);
            io.eddy.internal.runtime.StreamSources.check(plan, guarantee, trigger);
            if (trigger.isAvailableNow() && !plan.repartitionTopics().isEmpty()) {
                throw new InvalidConfigException("trigger", trigger, "availableNow is not supported yet by pipelines "
                        + "that repartition (groupBy, or groupByKey after a key change): use Trigger.every(...)");
            }
            if (trigger.isLowLatency()) {
                if (guarantee != Guarantee.AT_LEAST_ONCE) {
                    throw new InvalidConfigException("guarantee", guarantee, "Trigger.lowLatency processes records "
                            + "at-least-once, without transactions: set guarantee(Guarantee.AT_LEAST_ONCE), or use "
                            + "Trigger.every(...) for exactly-once");
                }
                java.util.Optional<String> refusal = io.eddy.internal.plan.LowLatencySupport.refusal(plan);
                if (refusal.isPresent()) {
                    throw new InvalidConfigException("trigger", trigger, refusal.get()
                            + " under the low-latency trigger; use Trigger.every(...)");
                }
            }
            return new EddyApp(new AppOptions(applicationId, bootstrapServers, threads, guarantee, trigger,
                    maxRecordsPerBatch, commitTimeout, startTimeout, instanceId, errorHandler,
                    List.copyOf(stateListeners), List.copyOf(progressListeners), Map.copyOf(consumerOverrides),
                    Map.copyOf(producerOverrides), clock, console, plan, stateDir, stateMemoryBytes, maxBatchStateBytes,
                    storeCacheBytes, List.copyOf(restoreListeners), idleTimeout, Map.copyOf(clientOverrides),
                    Map.copyOf(adminOverrides), clientFactory, repartitionPurgeInterval, flowControl,
                    applicationServer, standbyReplicas));
        }

        private static void require(String option, Object value) {
            if (value == null) {
                throw new InvalidConfigException(option, null, "required");
            }
        }

        private static void requirePositive(String option, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new InvalidConfigException(option, value, "must be a positive duration");
            }
        }

        private static void checkOverrides(String option, Map<String, Object> overrides, Set<String> reserved) {
            for (Map.Entry<String, Object> e : overrides.entrySet()) {
                // the value goes into the message: never a secret's
                Object shown = SecretSettings.shown(e.getKey(), e.getValue());
                if (CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG.equals(e.getKey()) && reserved.contains(e.getKey())) {
                    throw new InvalidConfigException(option + "(" + e.getKey() + ")", shown,
                            "set the bootstrap servers with bootstrapServers(...)");
                }
                if (e.getKey() == null || reserved.contains(e.getKey())) {
                    throw new InvalidConfigException(option + "(" + e.getKey() + ")", shown,
                            "Eddy sets this itself to keep its processing guarantee");
                }
                if (e.getValue() == null) {
                    throw new InvalidConfigException(option + "(" + e.getKey() + ")", null, "value required");
                }
            }
        }
    }
}
