package io.eddy.examples.spring;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.spring.boot.EddyPipeline;
import io.eddy.spring.boot.EddyProperties;
import io.eddy.testkit.kafka.EmbeddedKafka;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot service that counts page views per URL with Eddy: {@code page-views} (key: user,
 * value: URL) → drop health checks → group by URL → count ({@code views-per-url}, in RocksDB) →
 * {@code views-per-url} (key: URL, value: count, 8-byte big-endian long). The starter runs the
 * application with the context; {@link PageViewController} takes page views over HTTP and reports
 * the application's progress; Actuator serves health ({@code /actuator/health/readiness},
 * {@code /liveness}), {@code /actuator/eddy} and {@code /actuator/prometheus}. Settings in
 * {@code application.properties}.
 *
 * <pre>
 *   mvn -B -q -pl examples-spring-boot -am install -DskipTests   # once, or build the reactor
 *   mvn -B -q -pl examples-spring-boot exec:java                 # embedded broker, port 8080
 *   curl -X POST 'localhost:8080/page-views?user=ann&amp;url=/home'
 *   curl localhost:8080/page-views/stats
 * </pre>
 *
 * Without {@code eddy.bootstrap-servers} (a property, {@code --eddy.bootstrap-servers=…}, or the
 * environment variable {@code EDDY_BOOTSTRAPSERVERS}; {@code EDDY_BOOTSTRAP} as the other examples
 * take it) it starts an embedded Kafka broker first, and stops it after the service.
 */
@SpringBootApplication
public class PageViewService {
    /** The input topic. */
    public static final String PAGE_VIEWS = "page-views";
    /** The output topic. */
    public static final String VIEWS_PER_URL = "views-per-url";

    /** Runs the service until it is stopped (Ctrl-C, SIGTERM: the context closes, Eddy commits and leaves). */
    public static void main(String[] args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        EmbeddedKafka broker = null;
        if (!hasBootstrapServers(arguments)) {
            String fromEnv = System.getenv("EDDY_BOOTSTRAP");
            if (fromEnv != null && !fromEnv.isBlank()) {
                arguments.add("--eddy.bootstrap-servers=" + fromEnv);
            } else {
                broker = EmbeddedKafka.start();
                System.out.println("started an embedded Kafka broker at " + broker.bootstrapServers());
                arguments.add("--eddy.bootstrap-servers=" + broker.bootstrapServers());
            }
        }
        ConfigurableApplicationContext context = SpringApplication.run(PageViewService.class, arguments.toArray(String[]::new));
        if (broker != null) {
            EmbeddedKafka started = broker;
            // the context first (Eddy commits and leaves the group while the broker runs), then the broker
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                context.close();
                started.close();
            }, "embedded-broker-shutdown"));
        }
    }

    private static boolean hasBootstrapServers(List<String> arguments) {
        return arguments.stream().anyMatch(a -> a.startsWith("--eddy.bootstrap-servers="))
                || System.getProperty("eddy.bootstrap-servers") != null
                || System.getenv("EDDY_BOOTSTRAPSERVERS") != null
                || System.getenv("EDDY_BOOTSTRAP_SERVERS") != null;
    }

    /** The pipeline: page views counted per URL, health checks left out. */
    @Bean
    EddyPipeline viewsPerUrl() {
        return p -> p.kafka(PAGE_VIEWS, Consumed.with(Serdes.string(), Serdes.string()))
                .filter((user, url) -> url != null && !url.startsWith("/health"))
                .groupBy((user, url) -> url, Grouped.with(Serdes.string(), Serdes.string()))
                .count(Named.as("views-per-url"))
                .toStream()
                .toKafka(VIEWS_PER_URL, Produced.with(Serdes.string(), Serdes.longs()));
    }

    /**
     * Creates the input and output topics if they do not exist, before the application starts (it
     * checks its inputs at start). A production service would leave this to its deployment.
     */
    @Bean
    Topics topics(EddyProperties eddy, @Value("${page-views.partitions:4}") int partitions) {
        try (Admin admin = Admin.create(clientSettings(eddy, Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000)))) {
            for (String topic : List.of(PAGE_VIEWS, VIEWS_PER_URL)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) -1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
        return new Topics(PAGE_VIEWS, VIEWS_PER_URL);
    }

    /** The topics the service reads and writes, created by {@link #topics}. */
    public record Topics(String input, String output) {
    }

    /** The producer {@link PageViewController} writes page views with; the same cluster and security settings as Eddy's. */
    @Bean(destroyMethod = "close")
    Producer<String, String> pageViewProducer(EddyProperties eddy) {
        return new KafkaProducer<>(clientSettings(eddy, Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(), new StringSerializer());
    }

    private static Map<String, Object> clientSettings(EddyProperties eddy, Map<String, Object> own) {
        Map<String, Object> settings = new HashMap<>(eddy.getClient());
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, eddy.getBootstrapServers());
        settings.putAll(own);
        return settings;
    }
}
