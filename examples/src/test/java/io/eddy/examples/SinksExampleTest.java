package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.MemorySink;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.SinkRecord;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The README's "Sources and sinks" examples for {@code foreachBatch} and the memory sink, compiled and run. */
class SinksExampleTest {

    @Test
    void foreachBatchWritesOneObjectPerTaskAndBatch() {
        // stands in for an object store: a replay of (task, batchId) overwrites the same object
        Map<String, List<String>> objectStore = new ConcurrentHashMap<>();
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> p
                        .kafka("orders", Consumed.with(Serdes.string(), Serdes.string()))
                        .foreachBatch(() -> batch -> objectStore.put(
                                "orders/task=" + batch.task() + "/batch=" + batch.batchId() + ".jsonl",
                                batch.records().stream().map(SinkRecord::value).toList())))
                .partitions("orders", 1)
                .build()) {
            TestInputTopic<String, String> in = driver.input("orders", Serdes.string(), Serdes.string());
            in.pipe("o-1", "{\"id\":1}");
            in.pipe("o-2", "{\"id\":2}");
            driver.runBatch();

            assertThat(objectStore).containsExactly(
                    Map.entry("orders/task=0/batch=0.jsonl", List.of("{\"id\":1}", "{\"id\":2}")));
        }
    }

    @Test
    void memorySinkHoldsTheCommittedResult() {
        AtomicReference<MemorySink<String, Long>> viewsPerPage = new AtomicReference<>();
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> viewsPerPage.set(p
                        .kafka("page-views", Consumed.with(Serdes.string(), Serdes.string()))
                        .groupBy((user, page) -> page, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-page"))
                        .boundedKeys(1_000)
                        .count(Named.as("views-per-page"))
                        .toMemory("views-per-page", OutputMode.COMPLETE)))
                .build()) {
            TestInputTopic<String, String> in = driver.input("page-views", Serdes.string(), Serdes.string());
            in.pipe("user-1", "/home");
            in.pipe("user-2", "/home");
            in.pipe("user-1", "/cart");
            driver.runUntilIdle();

            assertThat(viewsPerPage.get().snapshot()).isEqualTo(Map.of("/home", 2L, "/cart", 1L));
            assertThat(viewsPerPage.get().get("/home")).isEqualTo(2L);
        }
    }
}
