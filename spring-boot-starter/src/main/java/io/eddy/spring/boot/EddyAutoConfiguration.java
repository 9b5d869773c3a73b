package io.eddy.spring.boot;

import io.eddy.EddyApp;
import io.eddy.InvalidConfigException;
import io.eddy.kafka.KafkaClientFactory;
import io.eddy.monitoring.EddyMeterBinder;
import io.eddy.monitoring.MeteredClientFactory;
import io.eddy.monitoring.MonitoringServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs one {@link EddyApp} in a Spring Boot service.
 *
 * <p>Beans: the {@link EddyApp}, built from {@link EddyProperties} ({@code eddy.*}), every
 * {@link EddyPipeline} bean and every {@link EddyAppCustomizer} bean (a bad value fails the context's
 * start with an {@link InvalidConfigException} naming the property and value); the
 * {@link EddyLifecycle} that starts it with the context and closes it within
 * {@code eddy.shutdown-timeout}; an {@link EddyMeterBinder} (Spring Boot binds it to every
 * {@link MeterRegistry}), and the Kafka clients metered into the registry when there is one. With
 * Actuator: the health indicators {@code eddy} (readiness) and {@code eddyLiveness}, the endpoint
 * {@code eddy}, and a sanitizing function that hides secret {@code eddy.*} values in {@code /env} and
 * {@code /configprops}. With {@code eddy.monitoring.port}: the monitoring module's own server.
 *
 * <p>Off with {@code eddy.enabled=false}; a service may declare its own {@link EddyApp} bean instead.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "eddy", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(EddyProperties.class)
public class EddyAutoConfiguration {

    /** The metered client factory, when a registry exists and {@code eddy.metrics.kafka-clients} is on. */
    static final class ClientMetrics {
        final MeteredClientFactory factory;

        ClientMetrics(MeteredClientFactory factory) {
            this.factory = factory;
        }
    }

    @Bean
    @ConditionalOnMissingBean
    ClientMetrics eddyClientMetrics(EddyProperties properties, ObjectProvider<MeterRegistry> registry) {
        MeterRegistry r = properties.getMetrics().isKafkaClients() ? registry.getIfUnique() : null;
        return new ClientMetrics(r == null || properties.getApplicationId() == null ? null
                : MeteredClientFactory.wrap(KafkaClientFactory.defaultFactory(), r, properties.getApplicationId()));
    }

    /**
     * The application, built but not started.
     *
     * @throws InvalidConfigException naming the property and value of a bad setting
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public EddyApp eddyApp(EddyProperties properties, ObjectProvider<EddyPipeline> pipelines,
                           ObjectProvider<EddyAppCustomizer> customizers, ClientMetrics clientMetrics) {
        return EddyAppFactory.build(properties, pipelines.orderedStream().toList(),
                customizers.orderedStream().toList(), clientMetrics.factory);
    }

    /** Starts the application with the context and closes it with the context. */
    @Bean
    @ConditionalOnMissingBean
    public EddyLifecycle eddyLifecycle(EddyApp app, EddyProperties properties, ClientMetrics clientMetrics,
                                       ObjectProvider<MeterRegistry> registry) {
        if (properties.getShutdownTimeout() == null || properties.getShutdownTimeout().isNegative()
                || properties.getShutdownTimeout().isZero()) {
            throw new InvalidConfigException("eddy.shutdown-timeout", properties.getShutdownTimeout(),
                    "must be a positive duration");
        }
        MonitoringServer.Builder monitoring = null;
        EddyProperties.Monitoring m = properties.getMonitoring();
        if (m.getPort() != null) {
            if (m.getPort() < 0 || m.getPort() > 65535) {
                throw new InvalidConfigException("eddy.monitoring.port", m.getPort(), "0 to 65535");
            }
            monitoring = MonitoringServer.builder(app).port(m.getPort()).bindAddress(m.getBindAddress())
                    .readyRestoreBacklog(properties.getHealth().getReadyRestoreBacklog());
            if (m.getBearerToken() != null && !m.getBearerToken().isEmpty()) {
                monitoring.bearerToken(m.getBearerToken());
            }
            if (registry.getIfUnique() instanceof PrometheusMeterRegistry prometheus) {
                monitoring.registry(prometheus);
            }
        }
        List<AutoCloseable> closeAfterApp = new ArrayList<>();
        if (clientMetrics.factory != null) {
            closeAfterApp.add(clientMetrics.factory);
        }
        return new EddyLifecycle(app, properties.getShutdownTimeout(), properties.isAutoStartup(), monitoring,
                closeAfterApp);
    }

    /** Eddy's meters ({@code eddy.*}); Spring Boot binds every {@code MeterBinder} bean to its registries. */
    @Bean
    @ConditionalOnMissingBean
    public EddyMeterBinder eddyMeterBinder(EddyApp app) {
        return EddyMeterBinder.of(app);
    }

    /** The health indicators, when Spring Boot's health support is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class EddyHealthConfiguration {

        /** Readiness: UP when RUNNING and not restoring; contributor name {@code eddy}. */
        @Bean(name = "eddyHealthIndicator")
        @ConditionalOnMissingBean(name = "eddyHealthIndicator")
        HealthIndicator eddyHealthIndicator(EddyApp app, EddyProperties properties) {
            long backlog = properties.getHealth().getReadyRestoreBacklog();
            if (backlog < 0) {
                throw new InvalidConfigException("eddy.health.ready-restore-backlog", backlog, "must not be negative");
            }
            return EddyHealthIndicators.readiness(app, backlog);
        }

        /** Liveness: DOWN only once the application failed; contributor name {@code eddyLiveness}. */
        @Bean(name = "eddyLivenessHealthIndicator")
        @ConditionalOnMissingBean(name = "eddyLivenessHealthIndicator")
        HealthIndicator eddyLivenessHealthIndicator(EddyApp app) {
            return EddyHealthIndicators.liveness(app);
        }
    }

    /** The Actuator endpoint and the sanitizer, when Actuator is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    static class EddyActuatorConfiguration {

        @Bean
        @ConditionalOnMissingBean
        EddyEndpoint eddyEndpoint(EddyApp app) {
            return new EddyEndpoint(app);
        }

        /**
         * Hides secret {@code eddy.*} values ({@code eddy.client.sasl.jaas.config},
         * {@code eddy.monitoring.bearer-token}, …) in {@code /actuator/env} and {@code /actuator/configprops},
         * even with {@code show-values=always}.
         */
        @Bean
        SanitizingFunction eddySecretsSanitizer() {
            return data -> isEddySecret(data) ? data.withSanitizedValue() : data;
        }

        private static boolean isEddySecret(SanitizableData data) {
            // /env shows full names (eddy.client.ssl.key.password), /configprops names under the bean's
            // prefix: any name that looks secret is hidden, Eddy's or not
            String key = data.getLowerCaseKey();
            return key != null && Secrets.isSecret(key);
        }
    }
}
