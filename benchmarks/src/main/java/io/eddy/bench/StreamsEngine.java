package io.eddy.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The workloads on Kafka Streams: {@code exactly_once_v2}, {@code commit.interval.ms} set to the
 * commit interval, the same number of stream threads, Kafka Streams' defaults otherwise.
 */
final class StreamsEngine implements RunningEngine {
    private final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private StreamsEngine(KafkaStreams streams) {
        this.streams = streams;
    }

    static StreamsEngine start(EngineSpec spec) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, spec.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, spec.commitMillis());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, spec.threads());
        props.put(StreamsConfig.STATE_DIR_CONFIG, spec.stateDir().toString());
        StreamsBuilder builder = new StreamsBuilder();
        switch (spec.workload()) {
            case W1 -> builder.stream(spec.inputTopic(), Consumed.with(Serdes.String(), Serdes.String()))
                    .mapValues(Workload::w1Map)
                    .filter(Workload::w1Keep)
                    .to(spec.outputTopic(), Produced.with(Serdes.String(), Serdes.String()));
        }
        StreamsEngine engine = new StreamsEngine(new KafkaStreams(builder.build(), props));
        engine.streams.setUncaughtExceptionHandler(e -> {
            engine.failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        engine.streams.start();
        return engine;
    }

    @Override
    public Optional<Throwable> failure() {
        Throwable t = failure.get();
        if (t == null && streams.state() == KafkaStreams.State.ERROR) {
            t = new IllegalStateException("Kafka Streams in state ERROR");
        }
        return Optional.ofNullable(t);
    }

    @Override
    public void close(Duration timeout) {
        streams.close(timeout);
    }
}
