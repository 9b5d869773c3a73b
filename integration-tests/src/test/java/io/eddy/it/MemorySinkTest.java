package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.EddyApp;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.MemorySink;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.RecordStream;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Memory sinks fed by an exactly-once application with two workers, read from another thread while
 * it runs: an UPDATE table of each key's latest value and a COMPLETE table of counts per key. A
 * reader never sees a key's value go back or a count above its final value, and both tables end
 * exact.
 */
class MemorySinkTest extends BrokerTest {

    @Test
    void updateAndCompleteTablesAreReadableWhileTheApplicationRunsAndEndExact() throws Exception {
        kafka.createTopic("mem-in", 4);
        int keys = 100;
        int n = 20_000;
        List<KeyValue> input = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            input.add(KeyValue.of("k" + (i % keys), Integer.toString(i)));
        }
        AtomicReference<MemorySink<String, String>> latest = new AtomicReference<>();
        AtomicReference<MemorySink<String, Long>> counts = new AtomicReference<>();
        EddyApp app = EddyApp.builder("mem-sink")
                .bootstrapServers(kafka.bootstrapServers())
                .threads(2)
                .maxRecordsPerBatch(500)
                .pipeline(p -> {
                    RecordStream<String, String> in = p.kafka("mem-in", Consumed.with(Serdes.string(), Serdes.string()));
                    latest.set(in.toMemory("latest"));
                    counts.set(in.groupByKey(Grouped.with(Serdes.string(), Serdes.string())).boundedKeys(keys)
                            .count(Named.as("mem-counts")).toMemory("counts", OutputMode.COMPLETE));
                })
                .build();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            Map<String, Integer> lastSeen = new HashMap<>();
            while (!done.get()) {
                if (latest.get() == null || counts.get() == null) {
                    continue;
                }
                latest.get().snapshot().forEach((k, v) -> {
                    Integer before = lastSeen.put(k, Integer.parseInt(v));
                    if (before != null && before > Integer.parseInt(v)) {
                        violations.add(k + " went back from " + before + " to " + v);
                    }
                });
                counts.get().snapshot().forEach((k, c) -> {
                    if (c > n / keys) {
                        violations.add(k + " counted " + c);
                    }
                });
                LockSupport.parkNanos(1_000_000);   // pace the reader: it shares two cores with broker and app
            }
        }, "memory-sink-reader");
        app.start();
        reader.start();
        try {
            io.produce("mem-in", input);
            Await.until(Duration.ofSeconds(90), () -> latest.get().size() == keys
                            && latest.get().snapshot().values().stream().allMatch(v -> Integer.parseInt(v) >= n - keys)
                            && counts.get().size() == keys
                            && counts.get().snapshot().values().stream().allMatch(c -> c == n / keys),
                    () -> "latest " + latest.get() + ", counts " + counts.get().snapshot());
        } finally {
            done.set(true);
            reader.join();
            app.close(Duration.ofSeconds(30));
        }
        Map<String, String> expectedLatest = new HashMap<>();
        for (int i = n - keys; i < n; i++) {
            expectedLatest.put("k" + (i % keys), Integer.toString(i));
        }
        assertThat(latest.get().snapshot()).isEqualTo(expectedLatest);
        assertThat(violations).isEmpty();
    }
}
