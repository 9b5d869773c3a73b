package io.eddy;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.serde.Serde;
import io.eddy.state.KeyValueStore;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The boundary between Eddy's API and its internals is the modules' descriptors: each library
 * module exports its API packages to everyone and an internal package only to the Eddy modules
 * that need it. These tests run on the module path (surefire patches them into
 * {@code io.eddy.framework}), so they read the real descriptors and ask the JVM what it enforces.
 *
 * <p>The test runner widens the framework module for its own tests (it exports and opens the test
 * packages to the unnamed module), so for the framework the checks read the descriptor; for the
 * other modules, which the runner leaves alone, they also ask the running module layer.
 */
class ModuleBoundaryTest {

    private static final Module FRAMEWORK = EddyApp.class.getModule();
    private static final Module UNNAMED = ModuleBoundaryTest.class.getClassLoader().getUnnamedModule();

    private static Module module(String name) {
        return FRAMEWORK.getLayer().findModule(name).orElseThrow(() -> new AssertionError(name + " not in the layer"));
    }

    private static Set<String> exportedToAll(ModuleDescriptor d) {
        Set<String> out = new TreeSet<>();
        d.exports().stream().filter(e -> !e.isQualified()).forEach(e -> out.add(e.source()));
        return out;
    }

    private static Map<String, Set<String>> exportedTo(ModuleDescriptor d) {
        Map<String, Set<String>> out = new TreeMap<>();
        d.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                .forEach(e -> out.put(e.source(), new TreeSet<>(e.targets())));
        return out;
    }

    @Test
    void theTestsRunOnTheModulePath() {
        assertThat(FRAMEWORK.isNamed()).isTrue();
        assertThat(FRAMEWORK.getName()).isEqualTo("io.eddy.framework");
        assertThat(ModuleBoundaryTest.class.getModule()).isSameAs(FRAMEWORK);
    }

    @Test
    void theFrameworkExportsTheApiToAllAndItsInternalsOnlyToTheTestKit() {
        ModuleDescriptor d = FRAMEWORK.getDescriptor();

        assertThat(exportedToAll(d)).containsExactly("io.eddy", "io.eddy.dsl", "io.eddy.processor", "io.eddy.source");
        assertThat(exportedTo(d)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "io.eddy.internal.plan", Set.of("io.eddy.testkit"),
                "io.eddy.internal.runtime", Set.of("io.eddy.testkit")));
        assertThat(d.isOpen()).isFalse();
        assertThat(d.opens()).isEmpty();
        // every package of the module is either API or internal, none sits exported by accident
        assertThat(d.packages()).allMatch(p -> exportedToAll(d).contains(p) || p.startsWith("io.eddy.internal."));
        // a modular user reads the API's dependencies without requiring them itself
        assertThat(d.requires()).filteredOn(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("io.eddy.serdes", "io.eddy.state", "io.eddy.kafka", "kafka.clients");
    }

    @Test
    void theStateModuleKeepsItsImplementationsFromUsers() {
        Module state = KeyValueStore.class.getModule();
        ModuleDescriptor d = state.getDescriptor();

        assertThat(state.getName()).isEqualTo("io.eddy.state");
        assertThat(exportedToAll(d)).containsExactly("io.eddy.state");
        assertThat(exportedTo(d)).containsExactly(
                Map.entry("io.eddy.state.internal", Set.of("io.eddy.framework", "io.eddy.testkit")));
        assertThat(state.isExported("io.eddy.state.internal", FRAMEWORK)).isTrue();
        assertThat(state.isExported("io.eddy.state.internal", UNNAMED)).isFalse();
        assertThat(state.isExported("io.eddy.state")).isTrue();
    }

    @Test
    void theKafkaModuleExportsOnlyTheClientFactoryToUsers() {
        Module kafka = module("io.eddy.kafka");
        ModuleDescriptor d = kafka.getDescriptor();

        assertThat(exportedToAll(d)).containsExactly("io.eddy.kafka");
        assertThat(exportedTo(d)).containsExactly(
                Map.entry("io.eddy.kafka.internal", Set.of("io.eddy.framework", "io.eddy.testkit")));
        assertThat(kafka.isExported("io.eddy.kafka.internal", FRAMEWORK)).isTrue();
        assertThat(kafka.isExported("io.eddy.kafka.internal", UNNAMED)).isFalse();
    }

    @Test
    void theSerdesModuleExportsOnlyItsApi() {
        Module serdes = Serde.class.getModule();
        ModuleDescriptor d = serdes.getDescriptor();

        assertThat(serdes.getName()).isEqualTo("io.eddy.serdes");
        assertThat(exportedToAll(d)).containsExactly(
                "io.eddy.serde", "io.eddy.serde.avro", "io.eddy.serde.json", "io.eddy.serde.kafka", "io.eddy.serde.registry");
        // only the optional Protobuf and JSON Schema serde modules share the registry and Jackson plumbing
        assertThat(exportedTo(d)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "io.eddy.serde.registry.internal", Set.of("io.eddy.serdes.protobuf", "io.eddy.serdes.jsonschema"),
                "io.eddy.serde.json.internal", Set.of("io.eddy.serdes.jsonschema")));
        assertThat(d.packages()).allMatch(p -> exportedToAll(d).contains(p) || p.endsWith(".internal"));
        assertThat(serdes.isExported("io.eddy.serde.registry.internal", FRAMEWORK)).isFalse();
        assertThat(serdes.isExported("io.eddy.serde.registry.internal", UNNAMED)).isFalse();
    }
}
