package io.eddy.kafka;

/**
 * What a Kafka client Eddy asks a {@link KafkaClientFactory} for is used for. The role tells a
 * factory which settings it is looking at (a worker's transactional producer, a consumer that only
 * reads a changelog, …) so that it can, say, pick credentials per role or count clients per role.
 *
 * <p>Each role names the kind of client it is for: a factory is asked for a consumer only with a
 * consumer role, and so on ({@link #kind()}). More roles may be added in later versions; a factory
 * should handle a role it does not know like the others of its kind.
 */
public enum ClientRole {
    /** A worker's group member: reads the input and repartition topics. One per worker thread. */
    WORKER_CONSUMER(Kind.CONSUMER),
    /**
     * A worker's producer: writes output, repartition and changelog records, transactionally under
     * exactly-once. One per worker thread.
     */
    WORKER_PRODUCER(Kind.PRODUCER),
    /** Replays changelog topics into local state stores when tasks are assigned. One per worker thread. */
    RESTORE_CONSUMER(Kind.CONSUMER),
    /**
     * Keeps the standby copies of other members' task stores warm by reading their changelogs
     * (read_committed, no group). One per application instance, created when it first gets a
     * standby task ({@code standbyReplicas(n)} with {@code n > 0}).
     */
    STANDBY_CONSUMER(Kind.CONSUMER),
    /** Loads the global tables at start, then keeps them up to date. One per application instance. */
    GLOBAL_TABLE_CONSUMER(Kind.CONSUMER),
    /** Reads the registry of the application's state stores at start (stateful applications only). */
    STORE_REGISTRY_CONSUMER(Kind.CONSUMER),
    /** Records the application's state stores in the registry at start (stateful applications only). */
    STORE_REGISTRY_PRODUCER(Kind.PRODUCER),
    /**
     * Takes the end offsets of the inputs at start when the trigger is
     * {@code Trigger.availableNow()}.
     */
    END_OFFSETS_CONSUMER(Kind.CONSUMER),
    /**
     * A source outside Kafka ({@code Pipeline.source}): a member of the group
     * {@code <application id>-source-<name>} on the source's position topic, which decides the one
     * instance that reads the source, and reads the committed position back (read_committed).
     */
    SOURCE_CONSUMER(Kind.CONSUMER),
    /**
     * A source outside Kafka: writes its records and position in one transaction (transactional id
     * {@code <application id>-source-<name>}).
     */
    SOURCE_PRODUCER(Kind.PRODUCER),
    /**
     * Lists and checks the input topics and creates the internal topics at start (one per
     * application instance); and, in an application that repartitions, deletes the records of
     * the repartition topics that its tasks have consumed and committed (one per worker thread,
     * created at its first purge; it needs the {@code DELETE} permission on those topics).
     */
    ADMIN(Kind.ADMIN);

    /** The kinds of Kafka client, one per method of {@link KafkaClientFactory}. */
    public enum Kind {
        /** A {@code org.apache.kafka.clients.consumer.Consumer}. */
        CONSUMER,
        /** A {@code org.apache.kafka.clients.producer.Producer}. */
        PRODUCER,
        /** An {@code org.apache.kafka.clients.admin.Admin}. */
        ADMIN
    }

    private final Kind kind;

    ClientRole(Kind kind) {
        this.kind = kind;
    }

    /** The kind of client this role is for. */
    public Kind kind() {
        return kind;
    }
}
