package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.ForeachWriter;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.SinkBackpressureException;
import io.eddy.dsl.SinkRecord;
import io.eddy.dsl.TaskBatch;
import io.eddy.serde.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Under the test driver a sink's backpressure fails the {@code runBatch} call with the writer's
 * exception, the batch aborted and rewound and nothing held, so the next call retries at once.
 */
class SinkBackpressureDriverTest {

    /** Signals in process on its first batch attempt and in close(null) on its second. */
    static final class Writer implements ForeachWriter<String, String> {
        final Map<String, List<String>> written;
        int attempts;
        TaskBatch batch;
        final List<String> buffer = new ArrayList<>();

        Writer(Map<String, List<String>> written) {
            this.written = written;
        }

        @Override
        public boolean open(TaskBatch batch) {
            this.batch = batch;
            attempts++;
            buffer.clear();
            return true;
        }

        @Override
        public void process(SinkRecord<String, String> record) {
            if (attempts == 1) {
                throw new SinkBackpressureException(Duration.ofSeconds(5), "busy in process");
            }
            buffer.add(record.value());
        }

        @Override
        public void close(Throwable error) {
            if (error == null && attempts == 2) {
                throw new SinkBackpressureException(Duration.ofSeconds(5), "busy in close");
            }
            if (error == null) {
                written.put(batch.task() + ":" + batch.batchId(), List.copyOf(buffer));
            }
        }
    }

    @Test
    void theNextBatchRetriesAndTheOutputIsExactlyOnce() {
        Map<String, List<String>> written = new TreeMap<>();
        try (TestDriver d = TestDriver.builder()
                .partitions("in", 1)
                .pipeline(p -> {
                    RecordStream<String, String> s = p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()));
                    s.toKafka("out", Produced.with(Serdes.string(), Serdes.string()));
                    s.foreach(() -> new Writer(written));
                })
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "1");
            in.pipe("b", "2");
            assertThatThrownBy(d::runBatch).isInstanceOf(SinkBackpressureException.class).hasMessage("busy in process");
            assertThatThrownBy(d::runBatch).isInstanceOf(SinkBackpressureException.class).hasMessage("busy in close");
            assertThat(d.runBatch()).isEqualTo(2);
            assertThat(written).isEqualTo(Map.of("0:0", List.of("1", "2")));
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readValues()).containsExactly("1", "2");
            assertThat(d.committedBatches()).isEqualTo(1);
        }
    }
}
