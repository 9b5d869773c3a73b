package io.eddy.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.spring.boot.EddyProperties;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes example ({@code k8s/page-view-service.yaml}) cannot run here; this checks that it
 * parses and says what the README says: a headless Service, a StatefulSet naming it, the pod name as
 * {@code eddy.instance-id} (the environment variables bind to the starter's properties), the probes on
 * Actuator's readiness and liveness groups, and a volume claim for the state directory.
 */
class KubernetesManifestTest {

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object current = node;
        for (String step : path) {
            current = current instanceof List<?> list ? list.get(Integer.parseInt(step)) : ((Map<String, Object>) current).get(step);
            assertThat(current).as(String.join(".", path) + " at " + step).isNotNull();
        }
        return (T) current;
    }

    private static List<Map<String, Object>> documents() throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(Path.of("k8s", "page-view-service.yaml"))) {
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) document;
                documents.add(map);
            }
        }
        return documents;
    }

    private static Map<String, Object> ofKind(List<Map<String, Object>> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in the manifest"));
    }

    @Test
    void theStatefulSetHasStaticMembershipProbesAndAStateVolume() throws IOException {
        List<Map<String, Object>> documents = documents();
        Map<String, Object> service = ofKind(documents, "Service");
        Map<String, Object> set = ofKind(documents, "StatefulSet");
        assertThat(at(service, "spec", "clusterIP").toString()).isEqualTo("None");
        assertThat((String) at(set, "spec", "serviceName")).isEqualTo(at(service, "metadata", "name"));
        Map<String, Object> selected = at(set, "spec", "selector", "matchLabels");
        Map<String, Object> labels = at(set, "spec", "template", "metadata", "labels");
        assertThat(selected).isEqualTo(labels);

        Map<String, Object> container = at(set, "spec", "template", "spec", "containers", "0");
        assertThat((String) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat((String) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");

        List<Map<String, Object>> env = at(container, "env");
        Map<String, Object> podName = env.stream().filter(e -> "POD_NAME".equals(e.get("name"))).findFirst().orElseThrow();
        assertThat((String) at(podName, "valueFrom", "fieldRef", "fieldPath")).isEqualTo("metadata.name");

        // the literal environment variables, with $(POD_NAME) as Kubernetes expands it, bind to the starter's properties
        Map<String, Object> variables = new HashMap<>();
        for (Map<String, Object> e : env) {
            if (e.get("value") != null) {
                variables.put((String) e.get("name"), e.get("value").toString().replace("$(POD_NAME)", "page-view-service-1"));
            }
        }
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        EddyProperties eddy = new Binder(ConfigurationPropertySources.get(environment))
                .bind("eddy", EddyProperties.class).get();
        assertThat(eddy.getInstanceId()).isEqualTo("page-view-service-1");
        assertThat(eddy.getStateDir()).isEqualTo("/var/lib/eddy/state");
        assertThat(eddy.getShutdownTimeout()).hasSeconds(30);
        assertThat(eddy.getConsumer()).containsEntry("session.timeout.ms", "120000");
        assertThat(eddy.getStandbyReplicas()).isEqualTo(1);

        // the state directory is on the claimed volume, and the pod may take longer to stop than the close
        Map<String, Object> claim = at(set, "spec", "volumeClaimTemplates", "0");
        Map<String, Object> mount = at(container, "volumeMounts", "0");
        assertThat((String) at(mount, "name")).isEqualTo(at(claim, "metadata", "name"));
        assertThat(eddy.getStateDir()).startsWith((String) at(mount, "mountPath"));
        assertThat(((Number) at(set, "spec", "template", "spec", "terminationGracePeriodSeconds")).longValue())
                .isGreaterThan(eddy.getShutdownTimeout().toSeconds());
    }
}
