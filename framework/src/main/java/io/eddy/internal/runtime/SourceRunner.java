package io.eddy.internal.runtime;

import io.eddy.ErrorAction;
import io.eddy.ErrorContext;
import io.eddy.ProcessingFailedException;
import io.eddy.internal.plan.StreamSourceSpec;
import io.eddy.kafka.ClientRole;
import io.eddy.serde.Serde;
import io.eddy.source.SourceBatch;
import io.eddy.source.SourceContext;
import io.eddy.source.SourceReader;
import io.eddy.source.StreamSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link StreamSource} (a source outside Kafka) for one application instance.
 *
 * <h2>Design</h2>
 *
 * <p><b>Who reads.</b> Every instance runs one runner per source, each a member of the consumer
 * group {@code <app>-source-<name>} subscribed to the source's single-partition, compacted
 * <em>position topic</em> {@code <app>-source-<name>-position}. The member assigned its partition
 * 0 is the owner and the only one that reads the source; the others only keep their membership,
 * ready to take over. The group is Kafka's ordinary one (classic protocol, default assignor): a
 * dead owner's partition moves after its session timeout, a closed one's at once.
 *
 * <p><b>A batch.</b> The owner asks its {@link SourceReader} for a bounded slice (the reader
 * applies its own bound, such as N files or bytes, and the application's max records per batch),
 * buffers the slice's records, position entries and dead letters in memory, and writes them in
 * one transaction of a producer whose transactional id is {@code <app>-source-<name>}: records to
 * the <em>records topic</em> {@code <app>-source-<name>} (partition by key hash, round-robin for
 * null keys), position entries to the position topic (key = entry name, value = entry, null =
 * removed), plus the runner's own entry {@code eddy.batch} = the batch id. Then, and only then,
 * {@link SourceReader#committed(long)} runs post-commit side effects (deleting a finished file).
 * The pipeline consumes the records topic like any Kafka input, so downstream partitioning,
 * parallelism and exactly-once are the engine's usual ones: the source's part of the chain ends
 * at a committed Kafka transaction.
 *
 * <p><b>Taking over.</b> On assignment the runner creates its producer and calls
 * {@code initTransactions()}, which fences the previous owner (same transactional id) and aborts
 * its open transaction; it then reads the position topic from the beginning to its end
 * (read_committed, so only committed batches) into a map, and opens a fresh reader with it. What
 * the dead owner had read but not committed is thus read again: for a replayable source (files,
 * the rate source) the committed output holds every input exactly once; a source that cannot
 * replay (a socket) loses it, which is why it is refused under exactly-once unless accepted.
 *
 * <p><b>Failure.</b> A fenced producer or a lost partition ends ownership (reader closed, nothing
 * committed); any other Kafka error aborts the transaction and the batch is read again from the
 * committed position by a fresh reader. An exception from the reader (an unreadable file) or a
 * malformed input under the fail policy stops the application with an error naming the source.
 *
 * <p><b>Choices.</b> Through a records topic rather than straight into a task: source ownership
 * (one partition) and task assignment (one per input partition) then stay independent, the
 * pipeline's parallelism is the records topic's partition count, and the worker's batch loop is
 * untouched; the cost is one more write and read of each record. The position in a compacted
 * topic rather than in the offset metadata of a checkpoint ({@code TaskCheckpoint}): the broker
 * caps offset metadata at 4 KiB by default ({@code offset.metadata.max.bytes}), and a directory's
 * per-file position would not fit; a compacted topic keeps one entry per file and grows only
 * with what changed in a batch.
 *
 * <p>Threading: one thread per runner; {@link #requestStop()} may be called from any thread.
 */
final class SourceRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SourceRunner.class);
    static final String BATCH_ENTRY = "eddy.batch";

    private final AppRuntime runtime;
    private final AppOptions options;
    private final StreamSourceSpec spec;
    private final String clientId;
    private final TopicPartition positionPartition;
    private volatile boolean stopRequested;

    private boolean assigned;
    private Producer<byte[], byte[]> producer;
    private SourceReader<Object, Object> reader;
    private int recordPartitions;
    private long batchId;
    private long roundRobin;

    SourceRunner(AppRuntime runtime, StreamSourceSpec spec, String instanceTag) {
        this.runtime = runtime;
        this.options = runtime.options();
        this.spec = spec;
        this.clientId = spec.recordsTopic() + "-" + instanceTag;
        this.positionPartition = new TopicPartition(spec.positionTopic(), 0);
    }

    String name() {
        return spec.recordsTopic();
    }

    /** Asks the runner to finish its batch and stop. */
    void requestStop() {
        stopRequested = true;
    }

    @Override
    public void run() {
        Duration interval = options.trigger().interval();
        try (Consumer<byte[], byte[]> consumer = KafkaClients.consumer(options, ClientRole.SOURCE_CONSUMER,
                ClientConfigs.sourceConsumer(options, spec.groupId(), clientId))) {
            consumer.subscribe(List.of(spec.positionTopic()), new Ownership(consumer));
            long nextBatch = 0;
            while (!stopRequested) {
                long now = System.nanoTime();
                long wait = reader == null ? interval.toMillis() : Math.max(0, (nextBatch - now) / 1_000_000);
                consumer.poll(Duration.ofMillis(wait));
                if (stopRequested || !assigned) {
                    continue;
                }
                if (reader == null) {
                    try {
                        takeOver(consumer);
                    } catch (org.apache.kafka.common.errors.RetriableException e) {
                        // a broker that is slow or moving leadership: try again after the next poll
                        log.warn("{}: source '{}': taking the source over failed ({}); trying again",
                                options.applicationId(), spec.name(), e.toString());
                        release();
                    }
                    continue;
                }
                if (System.nanoTime() - nextBatch >= 0) {
                    nextBatch = System.nanoTime() + interval.toNanos();
                    if (runBatch()) {
                        nextBatch = System.nanoTime();   // the reader filled the batch: more is waiting
                    }
                }
            }
        } catch (ProcessingFailedException e) {
            runtime.fail(e);
        } catch (RuntimeException | Error e) {
            runtime.fail(new ProcessingFailedException("source '" + spec.name() + "' failed: " + e.getMessage(), e));
        } finally {
            release();
        }
    }

    /** Becomes the owner: fences the previous one, reads the committed position, opens a reader. */
    @SuppressWarnings("unchecked")
    private void takeOver(Consumer<byte[], byte[]> consumer) {
        producer = KafkaClients.producer(options, ClientRole.SOURCE_PRODUCER,
                ClientConfigs.sourceProducer(options, clientId, spec.transactionalId()));
        producer.initTransactions();
        recordPartitions = producer.partitionsFor(spec.recordsTopic()).size();
        Map<String, String> position = readPosition();
        String last = position.remove(BATCH_ENTRY);
        batchId = last == null ? 1 : Long.parseLong(last) + 1;
        position.keySet().removeIf(k -> k.startsWith("eddy."));
        SourceContext context = new SourceContext(options.applicationId(), spec.name(), position,
                options.maxRecordsPerBatch(), options.clock());
        try {
            reader = (SourceReader<Object, Object>) spec.source().open(context);
        } catch (IOException e) {
            throw new ProcessingFailedException("source '" + spec.name() + "' could not be opened: " + e.getMessage(), e);
        }
        log.info("{}: source '{}' owned by {}; resuming at batch {} with {} position entries",
                options.applicationId(), spec.name(), clientId, batchId, position.size());
    }

    /** The committed entries of the position topic, read from its beginning to its (read_committed) end. */
    private Map<String, String> readPosition() {
        Map<String, String> position = new HashMap<>();
        try (Consumer<byte[], byte[]> c = KafkaClients.consumer(options, ClientRole.SOURCE_CONSUMER,
                ClientConfigs.sourcePositionReader(options, clientId))) {
            c.assign(List.of(positionPartition));
            c.seekToBeginning(List.of(positionPartition));
            long end = c.endOffsets(List.of(positionPartition), options.startTimeout()).get(positionPartition);
            long deadline = System.nanoTime() + options.startTimeout().toNanos();
            while (c.position(positionPartition, options.startTimeout()) < end) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ProcessingFailedException("source '" + spec.name() + "': could not read its position topic "
                            + spec.positionTopic() + " to offset " + end + " within " + options.startTimeout(), null);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        position.remove(key);
                    } else {
                        position.put(key, new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return position;
    }

    /** Runs one batch; returns whether the reader filled it to the records bound. */
    private boolean runBatch() {
        Batch batch = new Batch(batchId);
        try {
            reader.read(batch);
        } catch (IOException e) {
            throw new ProcessingFailedException("source '" + spec.name() + "' failed: " + e.getMessage(), e);
        }
        if (batch.isEmpty()) {
            return false;
        }
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : batch.records) {
                producer.send(r);
            }
            for (ProducerRecord<byte[], byte[]> r : batch.deadLetters) {
                producer.send(r);
            }
            batch.position.put(BATCH_ENTRY, Long.toString(batchId));
            for (Map.Entry<String, String> e : batch.position.entrySet()) {
                producer.send(new ProducerRecord<>(spec.positionTopic(), 0, e.getKey().getBytes(StandardCharsets.UTF_8),
                        e.getValue() == null ? null : e.getValue().getBytes(StandardCharsets.UTF_8)));
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            log.warn("{}: source '{}': another instance took the source over ({}); stepping back",
                    options.applicationId(), spec.name(), e.toString());
            release();
            return false;
        } catch (AuthorizationException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("{}: source '{}': batch {} not committed ({}); reading it again from the committed position",
                    options.applicationId(), spec.name(), batchId, e.toString());
            release();
            return false;
        }
        runtime.sourceRecordsSkipped(batch.skipped);
        try {
            reader.committed(batchId);
        } catch (RuntimeException e) {
            log.warn("{}: source '{}': post-commit action of batch {} failed: {}",
                    options.applicationId(), spec.name(), batchId, e.toString());
        }
        log.debug("{}: source '{}' committed batch {} ({} records)", options.applicationId(), spec.name(), batchId,
                batch.records.size());
        batchId++;
        return batch.records.size() >= options.maxRecordsPerBatch();
    }

    /** Ends ownership: closes reader and producer. The next assignment starts over from the committed position. */
    private void release() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException | RuntimeException e) {
                log.warn("{}: source '{}': closing the reader failed: {}", options.applicationId(), spec.name(), e.toString());
            }
            reader = null;
        }
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("closing the source producer failed", e);
            }
            producer = null;
        }
    }

    /** Tracks whether this member owns the position partition; runs inside poll, on the runner's thread. */
    private final class Ownership implements ConsumerRebalanceListener {
        private final Consumer<byte[], byte[]> consumer;

        Ownership(Consumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.contains(positionPartition)) {
                assigned = true;
                consumer.pause(List.of(positionPartition));   // membership only: the position is read apart
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.contains(positionPartition)) {
                assigned = false;
                release();
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }

    /** What one read buffered: records, dead letters and changed position entries. */
    private final class Batch implements SourceBatch<Object, Object> {
        private final long id;
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        final List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
        final Map<String, String> position = new LinkedHashMap<>();
        long skipped;

        Batch(long id) {
            this.id = id;
        }

        boolean isEmpty() {
            return records.isEmpty() && deadLetters.isEmpty() && position.isEmpty();
        }

        @Override
        public long batchId() {
            return id;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void emit(Object key, Object value, long timestamp) {
            String topic = spec.recordsTopic();
            byte[] k = key == null ? null : ((Serde<Object>) spec.source().keySerde()).serialize(topic, key);
            byte[] v = value == null ? null : ((Serde<Object>) spec.source().valueSerde()).serialize(topic, value);
            int partition = k == null ? (int) (roundRobin++ % recordPartitions)
                    : Utils.toPositive(Utils.murmur2(k)) % recordPartitions;
            records.add(new ProducerRecord<>(topic, partition, timestamp < 0 ? null : timestamp, k, v));
        }

        @Override
        public int emitted() {
            return records.size();
        }

        @Override
        public void putPosition(String key, String value) {
            if (key == null || key.isBlank() || key.startsWith("eddy.")) {
                throw new IllegalArgumentException("a position entry's key must not be blank or start with 'eddy.', got '"
                        + key + "'");
            }
            if (value == null) {
                throw new IllegalArgumentException("position entry '" + key + "' needs a value; use removePosition");
            }
            position.put(key, value);
        }

        @Override
        public void removePosition(String key) {
            position.put(key, null);
        }

        @Override
        public void malformed(String location, byte[] raw, Throwable error) {
            ErrorContext context = ErrorContext.builder().kind(ErrorContext.Kind.DESERIALIZATION)
                    .operator(spec.name()).topic(spec.recordsTopic()).partition(-1).offset(-1)
                    .location(location).error(error).build();
            ErrorAction action;
            try {
                action = options.errorHandler().handle(context);
            } catch (RuntimeException e) {
                action = ErrorAction.FAIL;
            }
            if (action == null || action.equals(ErrorAction.FAIL)) {
                throw new ProcessingFailedException(context);
            }
            if (action.deadLetterTopic() != null) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("eddy.error.kind", bytes(context.kind().name()));
                headers.add("eddy.error.operator", bytes(spec.name()));
                headers.add("eddy.error.class", bytes(error.getClass().getName()));
                headers.add("eddy.error.message", bytes(String.valueOf(error.getMessage())));
                headers.add("eddy.source.topic", bytes(spec.recordsTopic()));
                headers.add("eddy.source.location", bytes(location));
                deadLetters.add(new ProducerRecord<>(action.deadLetterTopic(), null, null, null, raw, headers));
            } else {
                log.warn("{}: skipping: {}", options.applicationId(), context.describe());
            }
            skipped++;
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
