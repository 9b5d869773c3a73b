package io.eddy.connectors.rate;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import org.junit.jupiter.api.Test;

/**
 * The test driver does not run sources outside Kafka; what the README promises instead: a test
 * pipes records into the source's records topic {@code <application id>-source-<name>}.
 */
class RateSourceInTestDriverTest {

    @Test
    void aTestPipesIntoTheRecordsTopic() {
        try (TestDriver driver = TestDriver.builder()
                .applicationId("ticks")
                .pipeline(p -> p.source("clock", RateSource.perSecond(10))
                        .mapValues(n -> "tick " + n)
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.string())))
                .build()) {
            TestInputTopic<String, Long> in = driver.input("ticks-source-clock", Serdes.string(), Serdes.longs());
            in.pipe(null, 7L);
            driver.runBatch();
            assertThat(driver.output("out", Serdes.string(), Serdes.string()).readValues()).containsExactly("tick 7");
        }
    }
}
