package io.eddy.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * {@link Workload#W10} on Kafka Streams, the idiomatic way: Kafka Streams has no per-key timers,
 * only punctuators per task, so the processor keeps each key's running total and deadline in one
 * {@code KeyValueStore} (RocksDB, changelogged, record cache on: Kafka Streams' defaults) and a
 * {@link PunctuationType#STREAM_TIME} punctuator, every {@code punctuateMillis} of stream time,
 * scans the whole store for keys whose deadline stream time has reached, emits their totals (with
 * the deadline as timestamp) and deletes them. A record adds to its key's total and moves its
 * deadline to its timestamp plus {@value SessionInput#SILENCE_MILLIS} ms; a record at or past its
 * key's deadline first emits the finished total, as Eddy's processor does
 * ({@link EddySessionTotals}).
 *
 * <p>The scan costs time in proportion to the keys with an open session in the task, at every
 * punctuation; a second store indexed by deadline would turn it into a range scan, at the price
 * of a second store, changelog and write per record. The punctuation interval bounds how late a
 * total comes (in event time), where Eddy's timers fire at the commit after the watermark reaches
 * them.
 */
final class StreamsSessionTotals implements Processor<String, Long, String, Long> {
    /** The store of totals and deadlines. */
    static final String STORE = "sessions";

    private final long punctuateMillis;
    private ProcessorContext<String, Long> context;
    private KeyValueStore<String, TotalAndDeadline> store;

    private StreamsSessionTotals(long punctuateMillis) {
        this.punctuateMillis = punctuateMillis;
    }

    /**
     * Adds W10's topology to {@code builder}: the input as strings and longs, this processor with
     * its store, the output as strings and longs.
     */
    static void addTo(StreamsBuilder builder, String inputTopic, String outputTopic, long punctuateMillis) {
        StoreBuilder<KeyValueStore<String, TotalAndDeadline>> store = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), new TotalAndDeadlineSerde());
        builder.addStateStore(store);
        builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.Long()))
                .process(() -> new StreamsSessionTotals(punctuateMillis), STORE)
                .to(outputTopic, Produced.with(Serdes.String(), Serdes.Long()));
    }

    @Override
    public void init(ProcessorContext<String, Long> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        context.schedule(Duration.ofMillis(punctuateMillis), PunctuationType.STREAM_TIME, this::emitExpired);
    }

    @Override
    public void process(Record<String, Long> record) {
        TotalAndDeadline previous = store.get(record.key());
        long sum = record.value();
        if (previous != null) {
            if (record.timestamp() >= previous.deadline()) {
                context.forward(new Record<>(record.key(), previous.total(), previous.deadline()));
            } else {
                sum += previous.total();
            }
        }
        store.put(record.key(), new TotalAndDeadline(sum, record.timestamp() + SessionInput.SILENCE_MILLIS));
    }

    /** The punctuator: emits and deletes every key whose deadline {@code streamTime} reached. */
    private void emitExpired(long streamTime) {
        List<KeyValue<String, TotalAndDeadline>> expired = new ArrayList<>();
        try (KeyValueIterator<String, TotalAndDeadline> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, TotalAndDeadline> entry = all.next();
                if (entry.value.deadline() <= streamTime) {
                    expired.add(entry);
                }
            }
        }
        for (KeyValue<String, TotalAndDeadline> entry : expired) {
            context.forward(new Record<>(entry.key, entry.value.total(), entry.value.deadline()));
            store.delete(entry.key);
        }
    }

    /** A key's running total and deadline, stored as two 8-byte longs. */
    record TotalAndDeadline(long total, long deadline) {
    }

    /** Serializes {@link TotalAndDeadline} as 16 bytes: total, then deadline. */
    static final class TotalAndDeadlineSerde implements Serde<TotalAndDeadline> {
        @Override
        public Serializer<TotalAndDeadline> serializer() {
            return (topic, v) -> v == null ? null
                    : ByteBuffer.allocate(2 * Long.BYTES).putLong(v.total()).putLong(v.deadline()).array();
        }

        @Override
        public Deserializer<TotalAndDeadline> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer b = ByteBuffer.wrap(bytes);
                return new TotalAndDeadline(b.getLong(), b.getLong());
            };
        }
    }
}
