package io.eddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EddyAppBuilderTest {

    private static EddyApp.Builder valid(String id) {
        return EddyApp.builder(id)
                .bootstrapServers("localhost:9092")
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.string())));
    }

    static java.util.stream.Stream<Arguments> invalidOptions() {
        return java.util.stream.Stream.of(
                Arguments.of("missing application id", (UnaryOperator<EddyApp.Builder>) b -> valid(null),
                        "applicationId", "null"),
                Arguments.of("blank application id", (UnaryOperator<EddyApp.Builder>) b -> valid(" "),
                        "applicationId", "' '"),
                Arguments.of("illegal application id", (UnaryOperator<EddyApp.Builder>) b -> valid("a b"),
                        "applicationId", "'a b'"),
                Arguments.of("missing servers", (UnaryOperator<EddyApp.Builder>) b -> b.bootstrapServers(null),
                        "bootstrapServers", "null"),
                Arguments.of("zero threads", (UnaryOperator<EddyApp.Builder>) b -> b.threads(0), "threads", "0"),
                Arguments.of("application server without port", (UnaryOperator<EddyApp.Builder>)
                        b -> b.applicationServer("host-a"), "applicationServer", "'host-a'"),
                Arguments.of("application server port out of range", (UnaryOperator<EddyApp.Builder>)
                        b -> b.applicationServer("host-a:70000"), "applicationServer", "'host-a:70000'"),
                Arguments.of("negative standby replicas", (UnaryOperator<EddyApp.Builder>)
                        b -> b.standbyReplicas(-1), "standbyReplicas", "-1"),
                Arguments.of("negative trigger", (UnaryOperator<EddyApp.Builder>)
                        b -> b.trigger(Trigger.every(Duration.ofMillis(-5))), "trigger", "PT-0.005S"),
                Arguments.of("zero trigger", (UnaryOperator<EddyApp.Builder>)
                        b -> b.trigger(Trigger.availableNow(Duration.ZERO)), "trigger", "PT0S"),
                Arguments.of("negative commit timeout", (UnaryOperator<EddyApp.Builder>)
                        b -> b.commitTimeout(Duration.ofSeconds(-1)), "commitTimeout", "PT-1S"),
                Arguments.of("negative start timeout", (UnaryOperator<EddyApp.Builder>)
                        b -> b.startTimeout(Duration.ofSeconds(-1)), "startTimeout", "PT-1S"),
                Arguments.of("zero batch bound", (UnaryOperator<EddyApp.Builder>)
                        b -> b.maxRecordsPerBatch(0), "maxRecordsPerBatch", "0"),
                Arguments.of("bad instance id", (UnaryOperator<EddyApp.Builder>)
                        b -> b.instanceId("a/b"), "instanceId", "'a/b'"),
                Arguments.of("reserved consumer setting", (UnaryOperator<EddyApp.Builder>)
                        b -> b.consumerOverride("isolation.level", "read_uncommitted"),
                        "consumerOverride(isolation.level)", "'read_uncommitted'"),
                Arguments.of("reserved producer setting", (UnaryOperator<EddyApp.Builder>)
                        b -> b.producerOverride("transactional.id", "x"), "producerOverride(transactional.id)", "'x'"),
                Arguments.of("reserved consumer setting for every client", (UnaryOperator<EddyApp.Builder>)
                        b -> b.clientOverride("group.id", "other"), "clientOverride(group.id)", "'other'"),
                Arguments.of("isolation level for every client", (UnaryOperator<EddyApp.Builder>)
                        b -> b.clientOverride("isolation.level", "read_uncommitted"),
                        "clientOverride(isolation.level)", "'read_uncommitted'"),
                Arguments.of("reserved producer setting for every client", (UnaryOperator<EddyApp.Builder>)
                        b -> b.clientOverride("transactional.id", "t"), "clientOverride(transactional.id)", "'t'"),
                Arguments.of("acks for every client", (UnaryOperator<EddyApp.Builder>)
                        b -> b.clientOverride("acks", "1"), "clientOverride(acks)", "'1'"),
                Arguments.of("bootstrap servers for every client", (UnaryOperator<EddyApp.Builder>)
                        b -> b.clientOverride("bootstrap.servers", "other:9092"),
                        "clientOverride(bootstrap.servers)", "'other:9092'"),
                Arguments.of("bootstrap servers for the admin client", (UnaryOperator<EddyApp.Builder>)
                        b -> b.adminOverride("bootstrap.servers", "other:9092"),
                        "adminOverride(bootstrap.servers)", "'other:9092'"),
                Arguments.of("common setting without value", (UnaryOperator<EddyApp.Builder>)
                        b -> b.clientOverride("client.rack", null), "clientOverride(client.rack)", "null"),
                Arguments.of("missing client factory", (UnaryOperator<EddyApp.Builder>) b -> b.clientFactory(null),
                        "clientFactory", "null"),
                Arguments.of("missing guarantee", (UnaryOperator<EddyApp.Builder>) b -> b.guarantee(null),
                        "guarantee", "null"),
                Arguments.of("zero repartition purge interval", (UnaryOperator<EddyApp.Builder>)
                        b -> b.repartitionPurgeInterval(Duration.ZERO), "repartitionPurgeInterval", "PT0S"),
                Arguments.of("missing repartition purge interval", (UnaryOperator<EddyApp.Builder>)
                        b -> b.repartitionPurgeInterval(null), "repartitionPurgeInterval", "null"),
                Arguments.of("missing pipeline", (UnaryOperator<EddyApp.Builder>) b -> b.pipeline(null),
                        "pipeline", "null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOptions")
    void invalidConfigurationFailsInBuildNamingOptionAndValue(String what, UnaryOperator<EddyApp.Builder> change,
                                                             String option, String renderedValue) {
        EddyApp.Builder builder = change.apply(valid("app"));
        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid value for option '" + option + "': " + renderedValue)
                .satisfies(e -> assertThat(((InvalidConfigException) e).option()).isEqualTo(option));
    }

    @Test
    void aValidConfigurationBuildsInStateCreated() {
        EddyApp app = valid("app").threads(2).consumerOverride("max.poll.records", 1000).build();
        assertThat(app.state()).isEqualTo(AppState.CREATED);
        assertThat(app.close(Duration.ofSeconds(1))).isTrue();
        assertThat(app.state()).isEqualTo(AppState.STOPPED);
    }

    @Test
    void commonClientSettingsAndARoleOverrideBuild() {
        EddyApp app = valid("app").clientOverride("security.protocol", "SASL_SSL")
                .clientOverride("sasl.mechanism", "PLAIN")
                .clientOverride("sasl.jaas.config", "x required username=\"u\" password=\"p\";")
                .clientOverride("client.rack", "rack-a")
                .adminOverride("request.timeout.ms", 5_000)
                .clientFactory(io.eddy.kafka.KafkaClientFactory.defaultFactory())
                .build();
        assertThat(app.state()).isEqualTo(AppState.CREATED);
        app.close(Duration.ofSeconds(1));
    }

    @Test
    void aRefusedSettingNeverShowsASecretValue() {
        EddyApp.Builder unnamed = valid("app").clientOverride("security.protocol", "SASL_SSL")
                .clientOverride("sasl.jaas.config", "x required username=\"u\" password=\"hunter2\";")
                .clientOverride(null, "hunter2");
        assertThatThrownBy(unnamed::build).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("clientOverride(null)")
                .hasMessageNotContaining("hunter2")
                .satisfies(e -> assertThat(((InvalidConfigException) e).value()).isEqualTo("[hidden]"));
    }

    @Test
    void triggersDescribeThemselves() {
        assertThat(Trigger.every(Duration.ofMillis(200)).interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(Trigger.availableNow().isAvailableNow()).isTrue();
        assertThat(Trigger.availableNow().interval()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void queriesNeedAStartedApplicationAndAnExistingStoreOfTheRightKind() {
        EddyApp app = EddyApp.builder("iq-app").bootstrapServers("localhost:9092").applicationServer("host-a:8080")
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                        .groupByKey(io.eddy.dsl.Grouped.with(Serdes.string(), Serdes.string()))
                        .count(io.eddy.dsl.Named.as("counts"))
                        .toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))
                .build();
        assertThat(app.applicationServer()).contains("host-a:8080");
        assertThatThrownBy(() -> app.store("nope", QueryableStores.keyValue()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no store named 'nope'")
                .hasMessageContaining("[counts]");
        assertThatThrownBy(() -> app.store("counts", QueryableStores.window()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("QueryableStores.keyValue()");
        io.eddy.state.ReadOnlyKeyValueStore<String, Long> counts = app.store("counts", QueryableStores.keyValue());
        assertThatThrownBy(() -> counts.get("k"))
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StoreUnavailableException.Reason.NOT_RUNNING);
                    assertThat(e.isRetriable()).isFalse();
                });
        assertThatThrownBy(() -> app.metadataForKey("counts", "k")).isInstanceOf(StoreUnavailableException.class);
    }
}
