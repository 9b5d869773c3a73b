package io.eddy.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.InvalidConfigException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.monitoring.EddyMeterBinder;
import io.eddy.serde.Serdes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/**
 * The auto-configuration without a broker: properties reach the builder, a bad property fails the
 * context's start with Eddy's message naming the property and value, secrets stay hidden, and the
 * health indicators join the probe groups. No application is started here ({@code eddy.auto-startup=false}
 * where a context must come up).
 */
@ExtendWith(OutputCaptureExtension.class)
class EddyStarterConfigTest {

    private static final EddyPipeline PIPELINE = p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
            .toKafka("out", Produced.with(Serdes.string(), Serdes.string()));

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EddyAutoConfiguration.class))
            .withBean(EddyPipeline.class, () -> PIPELINE)
            .withPropertyValues("eddy.application-id=orders", "eddy.bootstrap-servers=localhost:1",
                    "eddy.auto-startup=false");

    private static InvalidConfigException invalidConfig(Throwable failure) {
        Throwable t = failure;
        while (t != null && !(t instanceof InvalidConfigException)) {
            t = t.getCause();
        }
        assertThat(t).as("an InvalidConfigException in the causes of %s", failure).isNotNull();
        return (InvalidConfigException) t;
    }

    @Test
    void propertiesReachTheApplication() {
        runner.withPropertyValues("eddy.guarantee=at-least-once", "eddy.threads=3", "eddy.trigger-interval=250ms",
                        "eddy.state-memory=32MB", "eddy.application-server=orders-0.orders:8080",
                        "eddy.standby-replicas=1")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(EddyApp.class).hasSingleBean(EddyLifecycle.class)
                            .hasSingleBean(EddyMeterBinder.class).hasSingleBean(EddyEndpoint.class);
                    EddyApp app = context.getBean(EddyApp.class);
                    assertThat(app.status().applicationId()).isEqualTo("orders");
                    assertThat(app.status().triggerInterval()).hasMillis(250);
                    assertThat(app.applicationServer()).contains("orders-0.orders:8080");
                    assertThat(context.getBean(EddyLifecycle.class).isRunning()).isFalse();
                    assertThat(app.describe().toString()).contains("in").contains("out");
                });
    }

    @Test
    void tooManyStandbysOrABadServerFailTheStartNamingTheProperty() {
        runner.withPropertyValues("eddy.standby-replicas=-1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("eddy.standby-replicas");
        });
        runner.withPropertyValues("eddy.application-server=no-port").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("eddy.application-server");
        });
    }

    @Test
    void guaranteeAcceptsEitherSpelling() {
        assertThat(EddyAppFactory.guarantee("exactly-once")).isEqualTo(Guarantee.EXACTLY_ONCE);
        assertThat(EddyAppFactory.guarantee("AT_LEAST_ONCE")).isEqualTo(Guarantee.AT_LEAST_ONCE);
    }

    @Test
    void zeroThreadsFailTheStartNamingTheProperty() {
        runner.withPropertyValues("eddy.threads=0").run(context -> {
            assertThat(context).hasFailed();
            InvalidConfigException e = invalidConfig(context.getStartupFailure());
            assertThat(e.option()).isEqualTo("eddy.threads");
            assertThat(e.value()).isEqualTo(0);
            assertThat(e).hasMessage("invalid value for option 'eddy.threads': 0 (must be at least 1)");
        });
    }

    @Test
    void anUnknownGuaranteeFailsTheStartNamingTheProperty() {
        runner.withPropertyValues("eddy.guarantee=maybe").run(context -> {
            assertThat(context).hasFailed();
            assertThat(invalidConfig(context.getStartupFailure()))
                    .hasMessage("invalid value for option 'eddy.guarantee': 'maybe' (exactly-once or at-least-once)");
        });
    }

    @Test
    void otherBadValuesNameTheirProperty() {
        runner.withPropertyValues("eddy.bootstrap-servers=").run(context ->
                assertThat(invalidConfig(context.getStartupFailure()).option()).isEqualTo("eddy.bootstrap-servers"));
        runner.withPropertyValues("eddy.application-id=bad id").run(context ->
                assertThat(invalidConfig(context.getStartupFailure()).option()).isEqualTo("eddy.application-id"));
        runner.withPropertyValues("eddy.trigger-interval=0s").run(context ->
                assertThat(invalidConfig(context.getStartupFailure()).option()).isEqualTo("eddy.trigger-interval"));
        runner.withPropertyValues("eddy.state-memory=1MB").run(context ->
                assertThat(invalidConfig(context.getStartupFailure()).option()).isEqualTo("eddy.state-memory"));
        runner.withPropertyValues("eddy.consumer.group.id=other").run(context ->
                assertThat(invalidConfig(context.getStartupFailure()).option()).isEqualTo("eddy.consumer.group.id"));
        runner.withPropertyValues("eddy.shutdown-timeout=0s").run(context ->
                assertThat(invalidConfig(context.getStartupFailure()).option()).isEqualTo("eddy.shutdown-timeout"));
        runner.withPropertyValues("eddy.monitoring.port=70000").run(context ->
                assertThat(invalidConfig(context.getStartupFailure()).option()).isEqualTo("eddy.monitoring.port"));
    }

    @Test
    void withoutAPipelineBeanTheStartSaysWhatToDeclare() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EddyAutoConfiguration.class))
                .withPropertyValues("eddy.application-id=orders", "eddy.bootstrap-servers=localhost:1")
                .run(context -> assertThat(invalidConfig(context.getStartupFailure()))
                        .hasMessageContaining("EddyPipeline bean").hasMessageContaining(EddyPipeline.class.getName()));
    }

    @Test
    void aCustomizerWinsOverPropertiesAndKeepsTheBuildersOptionName() {
        runner.withPropertyValues("eddy.threads=2")
                .withBean(EddyAppCustomizer.class, () -> b -> b.maxRecordsPerBatch(0))
                .run(context -> assertThat(invalidConfig(context.getStartupFailure()).option())
                        .isEqualTo("maxRecordsPerBatch"));
    }

    @Test
    void secretsStayOutOfMessagesToStringAndActuator() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"s3cr3t-pw\";";
        runner.withPropertyValues("eddy.client.security.protocol=SASL_SSL", "eddy.client.sasl.jaas.config=" + jaas,
                        "eddy.client.ssl.key.password=s3cr3t-key", "eddy.monitoring.bearer-token=s3cr3t-token")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    EddyProperties properties = context.getBean(EddyProperties.class);
                    assertThat(properties.getClient()).containsEntry("sasl.jaas.config", jaas)
                            .containsEntry("security.protocol", "SASL_SSL");
                    assertThat(properties.toString()).contains("SASL_SSL").doesNotContain("s3cr3t");
                    SanitizingFunction sanitizer = context.getBean(SanitizingFunction.class);
                    for (String key : new String[] {"eddy.client.sasl.jaas.config", "eddy.client.ssl.key.password",
                            "eddy.monitoring.bearer-token", "sasl.jaas.config", "bearer-token"}) {
                        assertThat(sanitizer.apply(new SanitizableData(null, key, "s3cr3t")).getValue())
                                .as(key).isEqualTo(SanitizableData.SANITIZED_VALUE);
                    }
                    assertThat(sanitizer.apply(new SanitizableData(null, "eddy.client.security.protocol", "SASL_SSL"))
                            .getValue()).isEqualTo("SASL_SSL");
                });
        // a secret setting refused by the builder: the message names it, not its value
        runner.withPropertyValues("eddy.producer.transactional.id=x", "eddy.client.sasl.jaas.config=" + jaas)
                .run(context -> assertThat(invalidConfig(context.getStartupFailure()).getMessage())
                        .contains("eddy.producer.transactional.id").doesNotContain("s3cr3t"));
    }

    @Test
    void healthIndicatorsBeforeTheStart() {
        runner.run(context -> {
            Map<String, HealthIndicator> indicators = context.getBeansOfType(HealthIndicator.class);
            assertThat(indicators).containsOnlyKeys("eddyHealthIndicator", "eddyLivenessHealthIndicator");
            // built, not started: not ready, but alive
            assertThat(indicators.get("eddyHealthIndicator").health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(indicators.get("eddyHealthIndicator").health(true).getDetails()).containsEntry("state", "CREATED");
            assertThat(indicators.get("eddyLivenessHealthIndicator").health(true).getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void theIndicatorsJoinTheProbeGroupsUnlessTheServiceSetsThem() throws Exception {
        // the starter's own spring.factories (the module's classes directory), not another jar's
        java.nio.file.Path classes = java.nio.file.Path.of(
                EddyHealthGroups.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        java.util.Properties factories = PropertiesLoaderUtils.loadProperties(
                new org.springframework.core.io.FileSystemResource(classes.resolve("META-INF/spring.factories")));
        assertThat(factories.getProperty(EnvironmentPostProcessor.class.getName())).isEqualTo(EddyHealthGroups.class.getName());
        assertThat(factories.getProperty(org.springframework.boot.diagnostics.FailureAnalyzer.class.getName()))
                .isEqualTo(EddyConfigFailureAnalyzer.class.getName());
        StandardEnvironment environment = new StandardEnvironment();
        new EddyHealthGroups().postProcessEnvironment(environment, null);
        assertThat(environment.getProperty(EddyHealthGroups.READINESS)).isEqualTo("readinessState,eddy");
        assertThat(environment.getProperty(EddyHealthGroups.LIVENESS)).isEqualTo("livenessState,eddyLiveness");

        StandardEnvironment own = new StandardEnvironment();
        own.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("service",
                Map.of(EddyHealthGroups.READINESS, "readinessState", "eddy.enabled", "true")));
        new EddyHealthGroups().postProcessEnvironment(own, null);
        assertThat(own.getProperty(EddyHealthGroups.READINESS)).isEqualTo("readinessState");
    }

    @Test
    void aBadPropertyStopsSpringApplicationWithEddysMessageAndTheFailureReport(CapturedOutput output) {
        SpringApplicationBuilder service = new SpringApplicationBuilder(TestService.class)
                .web(WebApplicationType.NONE)
                .properties("eddy.application-id=orders", "eddy.bootstrap-servers=localhost:1", "eddy.threads=0",
                        "test.input=in", "test.output=out");
        assertThatThrownBy(service::run).satisfies(e ->
                assertThat(invalidConfig(e)).hasMessage("invalid value for option 'eddy.threads': 0 (must be at least 1)"));
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("invalid value for option 'eddy.threads': 0 (must be at least 1)")
                .contains("Change the property 'eddy.threads'");
    }
}
