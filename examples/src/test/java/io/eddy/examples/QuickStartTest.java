package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import org.junit.jupiter.api.Test;

/** The README's TestDriver example, compiled and run so the README cannot drift from the API. */
class QuickStartTest {

    @Test
    void healthChecksAreDroppedAndUrlsNormalised() {
        // --- README test driver: begin
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> p
                        .kafka("page-views", Consumed.with(Serdes.string(), Serdes.string()))
                        .mapValues(PageView::parse)
                        .filter((user, view) -> !view.isHealthCheck())
                        .mapValues(view -> view.normalised().toOutputJson())
                        .toKafka("clean", Produced.with(Serdes.string(), Serdes.string())))
                .partitions("page-views", 4)
                .build()) {
            TestInputTopic<String, String> in = driver.input("page-views", Serdes.string(), Serdes.string());
            in.pipe("user-1", "{\"view\":1,\"url\":\"https://Shop.example/Cart/?ref=mail\",\"ts\":5}");
            in.pipe("lb-probe", "{\"view\":2,\"url\":\"/healthz\",\"ts\":6}");

            driver.runBatch();   // processes everything piped so far as one batch and commits it

            assertThat(driver.output("clean", Serdes.string(), Serdes.string()).readValues())
                    .containsExactly("{\"view\":1,\"path\":\"/cart\",\"ts\":5}");
        }
        // --- README test driver: end
    }
}
