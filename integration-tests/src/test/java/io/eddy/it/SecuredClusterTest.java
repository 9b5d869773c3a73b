package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.eddy.AppState;
import io.eddy.ClusterAccessException;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.kafka.SecuredKafka;
import io.eddy.testkit.kafka.TopicIO;
import io.eddy.testkit.kafka.TopicRecord;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Eddy on a secured broker ({@link SecuredKafka}: SASL_SSL with SCRAM and PLAIN, mutual TLS,
 * Kafka's standard authorizer), with a pipeline that has a repartition, a store and exactly-once:
 * it runs end to end with exactly the ACLs the README lists; each missing ACL stops it with a
 * {@link ClusterAccessException} naming the principal, the resource and the operation; a wrong
 * password fails {@code start()} clearly; and no password shows in messages or in the log output
 * of the whole class (its standard error is captured).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredClusterTest {
    private static final int PARTITIONS = 2;
    private static final String PLAIN_USER = "plain-user";
    private static final String PLAIN_PASSWORD = "plain-pw-7f3a9c";
    private static final List<String> PASSWORDS = new ArrayList<>(List.of(PLAIN_PASSWORD));

    static {
        // show the settings of every client the runtime creates (logged with secrets hidden), if this
        // class is the first of its JVM to use that logger (slf4j-simple fixes a logger's level when made)
        System.setProperty("org.slf4j.simpleLogger.log.io.eddy.internal.runtime.KafkaClients", "debug");
    }

    static SecuredKafka kafka;
    static TopicIO admin;
    static PrintStream originalErr;
    static ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() {
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, captured), true, StandardCharsets.UTF_8));
        kafka = SecuredKafka.builder().plainUser(PLAIN_USER, PLAIN_PASSWORD).start();
        admin = TopicIO.of(kafka.bootstrapServers(), kafka.adminClientSettings());
    }

    @AfterAll
    static void stopBroker() {
        try {
            if (kafka != null) {
                kafka.close();
                kafka = null;
            }
        } finally {
            System.setErr(originalErr);
        }
    }

    /** The ACLs the README's "Running on a secured cluster" section lists, one by one. */
    enum Acl {
        INPUT_READ(ResourceType.TOPIC, AclOperation.READ),
        OUTPUT_WRITE(ResourceType.TOPIC, AclOperation.WRITE),
        INTERNAL_CREATE(ResourceType.TOPIC, AclOperation.CREATE),
        INTERNAL_READ(ResourceType.TOPIC, AclOperation.READ),
        INTERNAL_WRITE(ResourceType.TOPIC, AclOperation.WRITE),
        INTERNAL_DESCRIBE_CONFIGS(ResourceType.TOPIC, AclOperation.DESCRIBE_CONFIGS),
        GROUP_READ(ResourceType.GROUP, AclOperation.READ),
        /** WRITE implies DESCRIBE, which initTransactions also needs. */
        TRANSACTIONAL_ID_WRITE(ResourceType.TRANSACTIONAL_ID, AclOperation.WRITE);

        final ResourceType type;
        final AclOperation operation;

        Acl(ResourceType type, AclOperation operation) {
            this.type = type;
            this.operation = operation;
        }
    }

    private static void grant(String principal, String app, String input, String output, Set<Acl> omitted) {
        for (Acl acl : Acl.values()) {
            if (omitted.contains(acl)) {
                continue;
            }
            switch (acl) {
                case INPUT_READ -> kafka.allow(principal, acl.type, input, PatternType.LITERAL, acl.operation);
                case OUTPUT_WRITE -> kafka.allow(principal, acl.type, output, PatternType.LITERAL, acl.operation);
                case GROUP_READ -> kafka.allow(principal, acl.type, app, PatternType.LITERAL, acl.operation);
                default -> kafka.allow(principal, acl.type, app + "-", PatternType.PREFIXED, acl.operation);
            }
        }
    }

    private static String newUser(String name) {
        String password = name + "-pw-" + Long.toHexString(System.nanoTime());
        PASSWORDS.add(password);
        kafka.createUser(name, password);
        return password;
    }

    private EddyApp app(String id, String bootstrap, Map<String, Object> security, String input, String output) {
        EddyApp.Builder builder = EddyApp.builder(id)
                .bootstrapServers(bootstrap)
                .guarantee(Guarantee.EXACTLY_ONCE)
                .startTimeout(Duration.ofSeconds(20))
                .stateDir(tmp.resolve(id));
        security.forEach(builder::clientOverride);
        return builder.pipeline(p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                        .groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-item"))
                        .count(Named.as("counts"))
                        .toStream()
                        .toKafka(output, Produced.with(Serdes.string(), Serdes.longs())))
                .build();
    }

    private static List<KeyValue> input(int from, int to) {
        List<KeyValue> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(KeyValue.of("key-" + i % 31, "item-" + i % 17));
        }
        return records;
    }

    private static Map<String, Long> expected(int n) {
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge("item-" + i % 17, 1L, Long::sum);
        }
        return counts;
    }

    /** Reads the output with the admin's credentials, read_committed, and checks every key's updates rise to the expected count. */
    private static void awaitExactCounts(String output, Map<String, Long> expected) {
        Map<String, List<Long>> updates = new HashMap<>();
        Await.until(Duration.ofSeconds(60), () -> {
            updates.clear();
            for (TopicRecord r : admin.readCommittedToEnd(output, Duration.ofSeconds(20))) {
                updates.computeIfAbsent(r.keyString(), k -> new ArrayList<>()).add(ByteBuffer.wrap(r.value()).getLong());
            }
            Map<String, Long> last = new HashMap<>();
            updates.forEach((k, v) -> last.put(k, v.get(v.size() - 1)));
            return last.equals(expected);
        }, () -> "counts in " + output + " never reached " + expected + "; last updates " + updates);
        updates.forEach((key, values) -> {
            for (int i = 1; i < values.size(); i++) {
                assertThat(values.get(i)).as("updates of %s in %s rise strictly (exactly once)", key, output)
                        .isGreaterThan(values.get(i - 1));
            }
        });
    }

    private static void createTopics(String input, String output) {
        kafka.createTopic(input, PARTITIONS);
        kafka.createTopic(output, PARTITIONS);
    }

    @Test
    @Order(1)
    void scramOverTlsRunsEndToEndWithExactlyTheDocumentedAcls() {
        String password = newUser("alice");
        createTopics("orders", "orders-enriched");
        grant("User:alice", "orders-app", "orders", "orders-enriched", Set.of());
        Map<String, Object> security = kafka.scramClientSettings("alice", password);

        admin.produce("orders", input(0, 3_000));
        try (EddyApp app = app("orders-app", kafka.bootstrapServers(), security, "orders", "orders-enriched")) {
            app.start();
            awaitExactCounts("orders-enriched", expected(3_000));
        }
        // a second start finds its internal topics and checks them (DESCRIBE_CONFIGS), then restores
        admin.produce("orders", input(3_000, 4_000));
        try (EddyApp app = app("orders-app", kafka.bootstrapServers(), security, "orders", "orders-enriched")) {
            app.start();
            awaitExactCounts("orders-enriched", expected(4_000));
            assertThat(String.valueOf(app)).doesNotContain(password);
        }
    }

    @Test
    @Order(2)
    void plainOverTlsRunsWithTheSameAcls() {
        createTopics("plain-in", "plain-out");
        grant("User:" + PLAIN_USER, "plain-app", "plain-in", "plain-out", Set.of());
        admin.produce("plain-in", input(0, 500));
        try (EddyApp app = app("plain-app", kafka.bootstrapServers(),
                kafka.plainClientSettings(PLAIN_USER, PLAIN_PASSWORD), "plain-in", "plain-out")) {
            app.start();
            awaitExactCounts("plain-out", expected(500));
        }
    }

    @Test
    @Order(2)
    void oauthBearerWithAnUnsecuredTokenRunsAsItsSubject() {
        createTopics("oauth-in", "oauth-out");
        grant("User:oauth-user", "oauth-app", "oauth-in", "oauth-out", Set.of());
        admin.produce("oauth-in", input(0, 500));
        try (EddyApp app = app("oauth-app", kafka.bootstrapServers(), kafka.oauthBearerClientSettings("oauth-user"),
                "oauth-in", "oauth-out")) {
            app.start();
            awaitExactCounts("oauth-out", expected(500));
        }
    }

    @Test
    @Order(3)
    void mutualTlsRunsAsTheCertificateSubject() {
        String principal = kafka.mutualTlsPrincipal();
        createTopics("mtls-in", "mtls-out");
        grant(principal, "mtls-app", "mtls-in", "mtls-out", Set.of());
        admin.produce("mtls-in", input(0, 500));
        try (EddyApp app = app("mtls-app", kafka.mutualTlsBootstrapServers(), kafka.mutualTlsClientSettings(),
                "mtls-in", "mtls-out")) {
            app.start();
            awaitExactCounts("mtls-out", expected(500));
        }
        // an input the certificate's principal may not read: the error names that principal
        kafka.createTopic("mtls-secret-in", PARTITIONS);
        try (EddyApp app = app("mtls-app-2", kafka.mutualTlsBootstrapServers(), kafka.mutualTlsClientSettings(),
                "mtls-secret-in", "mtls-out")) {
            Throwable thrown = catchThrowable(app::start);
            assertThat(thrown).isInstanceOf(ClusterAccessException.class).hasMessageContaining(principal);
            ClusterAccessException e = (ClusterAccessException) thrown;
            assertThat(e.principal()).contains(principal);
            assertThat(e.resourceName()).contains("mtls-secret-in");
        }
    }

    /** Where a missing ACL shows: in start(), or in a worker (the application then stops in ERROR). */
    enum Missing {
        INPUT_READ(EnumSet.of(Acl.INPUT_READ), ResourceType.TOPIC, "in", AclOperation.READ),
        INTERNAL_CREATE(EnumSet.of(Acl.INTERNAL_CREATE), ResourceType.TOPIC, "app-", AclOperation.CREATE),
        GROUP_READ(EnumSet.of(Acl.GROUP_READ), ResourceType.GROUP, "app", AclOperation.READ),
        TRANSACTIONAL_ID(EnumSet.of(Acl.TRANSACTIONAL_ID_WRITE), ResourceType.TRANSACTIONAL_ID, "app-",
                AclOperation.WRITE),
        OUTPUT_WRITE(EnumSet.of(Acl.OUTPUT_WRITE), ResourceType.TOPIC, "out", AclOperation.WRITE),
        INTERNAL_READ(EnumSet.of(Acl.INTERNAL_READ), ResourceType.TOPIC, "app-", AclOperation.READ),
        INTERNAL_WRITE(EnumSet.of(Acl.INTERNAL_WRITE), ResourceType.TOPIC, "app-", AclOperation.WRITE),
        /** Needed at every start, to check the settings of the internal topics. */
        INTERNAL_DESCRIBE_CONFIGS(EnumSet.of(Acl.INTERNAL_DESCRIBE_CONFIGS), ResourceType.TOPIC, "app-",
                AclOperation.DESCRIBE_CONFIGS);

        final Set<Acl> omitted;
        final ResourceType type;
        final String resourceSuffix;
        final AclOperation operation;

        Missing(Set<Acl> omitted, ResourceType type, String resourceSuffix, AclOperation operation) {
            this.omitted = omitted;
            this.type = type;
            this.resourceSuffix = resourceSuffix;
            this.operation = operation;
        }
    }

    @ParameterizedTest
    @EnumSource(Missing.class)
    @Order(4)
    void eachMissingAclStopsTheApplicationNamingPrincipalResourceAndOperation(Missing missing) {
        String name = "m-" + missing.name().toLowerCase().replace('_', '-');
        String user = name + "-user";
        String password = newUser(user);
        String input = name + "-in";
        String output = name + "-out";
        String appId = name + "-app";
        createTopics(input, output);
        grant("User:" + user, appId, input, output, missing.omitted);
        admin.produce(input, input(0, 200));
        // (every start checks its internal topics' settings, the first one too, right after creating
        // them: so a missing DESCRIBE_CONFIGS fails the first start)

        try (EddyApp app = app(appId, kafka.bootstrapServers(), kafka.scramClientSettings(user, password),
                input, output)) {
            Throwable thrown = catchThrowable(app::start);
            if (missing != Missing.OUTPUT_WRITE && missing != Missing.INTERNAL_READ
                    && missing != Missing.INTERNAL_WRITE) {
                // checked, or probed with describe-only calls, before any worker starts
                assertThat(thrown).as("start() without %s", missing).isNotNull();
            }
            if (thrown == null) {
                // only a worker meets this resource: the application stops on its own
                Await.until(Duration.ofSeconds(60), () -> app.state() == AppState.ERROR,
                        () -> "the application did not stop without " + missing + "; state " + app.state());
                thrown = app.failure().orElseThrow();
            }
            assertThat(app.state()).isEqualTo(AppState.ERROR);
            assertThat(thrown).isInstanceOf(ClusterAccessException.class);
            ClusterAccessException e = (ClusterAccessException) thrown;
            String resource = missing.resourceSuffix.equals("app-") ? appId + "-"
                    : missing.resourceSuffix.equals("app") ? appId : name + "-" + missing.resourceSuffix;
            assertThat(e.problem()).isEqualTo(ClusterAccessException.Problem.ACCESS_DENIED);
            assertThat(e.principal()).contains("User:" + user);
            assertThat(e.resourceType()).isEqualTo(missing.type);
            assertThat(e.operation()).isEqualTo(missing.operation);
            if (missing.resourceSuffix.equals("app-")) {
                assertThat(e.resourceName().orElseThrow()).startsWith(resource);
                assertThat(e.getMessage()).contains(" " + appId + "- --resource-pattern-type prefixed");
            } else {
                assertThat(e.resourceName()).contains(resource);
            }
            assertThat(e.getMessage())
                    .contains("User:" + user, missing.type.name(), resource, missing.operation.name(), "kafka-acls")
                    .doesNotContain(password);
            assertThat(app.failure()).containsSame(thrown);
        }
    }

    @Test
    @Order(5)
    void aWrongPasswordFailsStartClearly() {
        String password = newUser("mallory");
        createTopics("wrong-pw-in", "wrong-pw-out");
        grant("User:mallory", "wrong-pw-app", "wrong-pw-in", "wrong-pw-out", Set.of());
        String wrong = password + "-wrong";
        PASSWORDS.add(wrong);
        try (EddyApp app = app("wrong-pw-app", kafka.bootstrapServers(), kafka.scramClientSettings("mallory", wrong),
                "wrong-pw-in", "wrong-pw-out")) {
            Throwable thrown = catchThrowable(app::start);
            assertThat(thrown).isInstanceOf(ClusterAccessException.class)
                    .hasMessageContaining("could not authenticate")
                    .hasMessageContaining("User:mallory")
                    .hasMessageContaining("SCRAM-SHA-512");
            assertThat(((ClusterAccessException) thrown).problem())
                    .isEqualTo(ClusterAccessException.Problem.AUTHENTICATION_FAILED);
            assertThat(app.state()).isEqualTo(AppState.ERROR);
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong).doesNotContain(password);
            }
        }
    }

    @Test
    @Order(6)
    void noPasswordAppearsInTheLogOutputOfTheWholeClass() {
        System.err.flush();
        String log = captured.toString(StandardCharsets.UTF_8);
        for (String password : PASSWORDS) {
            assertThat(log).as("captured standard error").doesNotContain(password);
        }
    }

    /** Writes to two streams: the real standard error and the capture. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            first.flush();
        }
    }
}
