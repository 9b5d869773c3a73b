package io.eddy.spring.boot;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.InvalidConfigException;
import io.eddy.Trigger;
import io.eddy.kafka.KafkaClientFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Builds the starter's {@link EddyApp} from {@link EddyProperties}, the {@link EddyPipeline} beans and
 * the {@link EddyAppCustomizer} beans, and reports a bad value under the property's name: the
 * builder's {@link InvalidConfigException} names its own option ({@code threads}); the one thrown
 * here names the property ({@code eddy.threads}) with the same value and rule, the builder's
 * exception as its cause. An option a customizer set keeps the builder's name.
 */
final class EddyAppFactory {

    private EddyAppFactory() {
    }

    static EddyApp build(EddyProperties p, List<EddyPipeline> pipelines, List<EddyAppCustomizer> customizers,
                         KafkaClientFactory clientFactory) {
        EddyApp.Builder b = EddyApp.builder(p.getApplicationId());
        Map<String, String> propertyOf = new HashMap<>();
        propertyOf.put("applicationId", "eddy.application-id");
        propertyOf.put("bootstrapServers", "eddy.bootstrap-servers");
        b.bootstrapServers(p.getBootstrapServers());
        if (p.getGuarantee() != null) {
            b.guarantee(guarantee(p.getGuarantee()));
        }
        if (p.getTriggerInterval() != null) {
            b.trigger(Trigger.every(p.getTriggerInterval()));
            propertyOf.put("trigger", "eddy.trigger-interval");
        }
        if (p.getThreads() != null) {
            b.threads(p.getThreads());
            propertyOf.put("threads", "eddy.threads");
        }
        if (p.getStateDir() != null) {
            b.stateDir(Path.of(p.getStateDir()));
            propertyOf.put("stateDir", "eddy.state-dir");
        }
        if (p.getStateMemory() != null) {
            b.stateMemory(p.getStateMemory().toBytes());
            propertyOf.put("stateMemory", "eddy.state-memory");
        }
        if (p.getInstanceId() != null && !p.getInstanceId().isBlank()) {
            b.instanceId(p.getInstanceId());
            propertyOf.put("instanceId", "eddy.instance-id");
        }
        if (p.getApplicationServer() != null && !p.getApplicationServer().isBlank()) {
            b.applicationServer(p.getApplicationServer());
            propertyOf.put("applicationServer", "eddy.application-server");
        }
        if (p.getStandbyReplicas() != null) {
            b.standbyReplicas(p.getStandbyReplicas());
            propertyOf.put("standbyReplicas", "eddy.standby-replicas");
        }
        if (p.getMaxRecordsPerBatch() != null) {
            b.maxRecordsPerBatch(p.getMaxRecordsPerBatch());
            propertyOf.put("maxRecordsPerBatch", "eddy.max-records-per-batch");
        }
        if (p.getCommitTimeout() != null) {
            b.commitTimeout(p.getCommitTimeout());
            propertyOf.put("commitTimeout", "eddy.commit-timeout");
        }
        if (p.getStartTimeout() != null) {
            b.startTimeout(p.getStartTimeout());
            propertyOf.put("startTimeout", "eddy.start-timeout");
        }
        overrides(p.getClient(), "clientOverride", "eddy.client.", b::clientOverride, propertyOf);
        overrides(p.getConsumer(), "consumerOverride", "eddy.consumer.", b::consumerOverride, propertyOf);
        overrides(p.getProducer(), "producerOverride", "eddy.producer.", b::producerOverride, propertyOf);
        overrides(p.getAdmin(), "adminOverride", "eddy.admin.", b::adminOverride, propertyOf);
        if (clientFactory != null) {
            b.clientFactory(clientFactory);
        }
        if (!pipelines.isEmpty()) {
            List<EddyPipeline> parts = List.copyOf(pipelines);
            b.pipeline(pipeline -> parts.forEach(part -> part.define(pipeline)));
        } else {
            propertyOf.put("pipeline", "EddyPipeline bean");
        }
        customizers.forEach(c -> c.customize(b));
        try {
            return b.build();
        } catch (InvalidConfigException e) {
            String property = propertyOf.get(e.option());
            if (property == null) {
                throw e;
            }
            String rule = "pipeline".equals(e.option())
                    ? "declare at least one bean of type " + EddyPipeline.class.getName()
                    : rule(e);
            InvalidConfigException named = new InvalidConfigException(property, e.value(), rule);
            named.initCause(e);
            throw named;
        }
    }

    /** Parses {@code exactly-once} or {@code at-least-once}, in any case, with '-' or '_'. */
    static Guarantee guarantee(String value) {
        String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Guarantee g : Guarantee.values()) {
            if (g.name().equals(name)) {
                return g;
            }
        }
        throw new InvalidConfigException("eddy.guarantee", value, "exactly-once or at-least-once");
    }

    private static void overrides(Map<String, String> settings, String option, String prefix,
                                  BiConsumer<String, Object> set, Map<String, String> propertyOf) {
        settings.forEach((key, value) -> {
            set.accept(key, value);
            propertyOf.put(option + "(" + key + ")", prefix + key);
        });
    }

    /**
     * The rule of {@code e}, out of its message {@code invalid value for option '<o>': <v> (<rule>)};
     * the whole message if it does not have that shape.
     */
    private static String rule(InvalidConfigException e) {
        Object v = e.value();
        String prefix = "invalid value for option '" + e.option() + "': "
                + (v instanceof String s ? "'" + s + "'" : String.valueOf(v)) + " (";
        String message = e.getMessage();
        if (message != null && message.startsWith(prefix) && message.endsWith(")")) {
            return message.substring(prefix.length(), message.length() - 1);
        }
        return String.valueOf(message);
    }
}
