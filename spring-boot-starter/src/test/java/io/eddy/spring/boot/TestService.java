package io.eddy.spring.boot;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The tests' service: one {@link EddyPipeline} bean, chosen by {@code test.pipeline}: {@code count}
 * counts records per key of {@code test.input} into {@code test.output} (state in RocksDB, changelogged);
 * {@code copy} copies them and counts what went through in {@link #seen()}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestService {

    /** Records the copy pipeline's operator has seen, committed or not. */
    @Bean
    AtomicLong seen() {
        return new AtomicLong();
    }

    @Bean
    EddyPipeline testPipeline(@Value("${test.pipeline:count}") String kind, @Value("${test.input}") String input,
                              @Value("${test.output}") String output, AtomicLong seen) {
        if (kind.equals("copy")) {
            return p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                    .mapValues(v -> {
                        seen.incrementAndGet();
                        return v;
                    })
                    .toKafka(output, Produced.with(Serdes.string(), Serdes.string()));
        }
        return p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string())).count(Named.as("counts"))
                .toStream().toKafka(output, Produced.with(Serdes.string(), Serdes.longs()));
    }
}
