package io.eddy.testkit.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A single-node KRaft broker in this JVM that authenticates and authorises its clients, for tests
 * of applications on a secured cluster.
 *
 * <pre>{@code
 * try (SecuredKafka kafka = SecuredKafka.start()) {
 *   kafka.createTopic("orders", 3);
 *   kafka.createUser("alice", "alice-secret");
 *   kafka.allow("User:alice", ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.READ);
 *   Map<String, Object> settings = kafka.scramClientSettings("alice", "alice-secret");
 *   // settings go to EddyApp.Builder.clientOverride, bootstrapServers() to bootstrapServers
 * }
 * }</pre>
 *
 * <h2>What runs</h2>
 * <ul>
 *   <li><b>{@link #bootstrapServers()}</b>: a {@code SASL_SSL} listener offering SCRAM-SHA-512,
 *       SCRAM-SHA-256, PLAIN and OAUTHBEARER (unsecured tokens, {@link #oauthBearerClientSettings}).
 *       SCRAM users are added at any time with {@link #createUser};
 *       PLAIN users are fixed when the broker starts ({@link Builder#plainUser}), as PLAIN's user
 *       list lives in the broker's JAAS configuration.</li>
 *   <li><b>{@link #mutualTlsBootstrapServers()}</b>: an {@code SSL} listener that requires a client
 *       certificate; the principal is the certificate's subject ({@link #mutualTlsPrincipal()}).</li>
 *   <li>Certificates made at test time by the JDK's {@code keytool} (a self-signed CA, the broker's
 *       certificate for {@code 127.0.0.1}, a client certificate), once per JVM; clients trust the CA
 *       through the trust store in the client settings, with host-name verification on.</li>
 *   <li>Kafka's standard KRaft authorizer ({@code StandardAuthorizer}): with no ACL, nothing is
 *       allowed. The user {@link #ADMIN_USER} is a super user; {@link #adminClientSettings()} are
 *       its client settings, for the test's own readers and writers.</li>
 *   <li>A {@code PLAINTEXT} listener on loopback that the test kit itself uses to create topics,
 *       users and ACLs, and the controller listener, also {@code PLAINTEXT} on loopback. Their
 *       principal ({@code User:ANONYMOUS}) is a super user, as the combined node's broker must reach
 *       its controller before any ACL can exist. This back door is not advertised to the code
 *       under test, which gets only the two secured addresses.</li>
 * </ul>
 *
 * <p>Cost: that of an {@link EmbeddedKafka}, plus some seconds for the certificates on the first
 * secured broker of the JVM and a few hundred milliseconds per user or ACL (each call waits until
 * the broker applies it).
 *
 * <p>Thread-safety: all methods are thread-safe; {@link #close()} is serialized on the instance.
 */
public final class SecuredKafka implements KafkaCluster {

    /** The super user's name. */
    public static final String ADMIN_USER = "eddy-admin";

    private static final String SASL_LISTENER = "SASL_SSL";
    private static final String MTLS_LISTENER = "SSL";
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);

    private final BrokerNode node;
    private final int saslPort;
    private final int mutualTlsPort;
    private final TestCertificates certificates;
    private final String adminPassword;
    private boolean closed;

    private SecuredKafka(BrokerNode node, int saslPort, int mutualTlsPort, TestCertificates certificates,
                         String adminPassword) {
        this.node = node;
        this.saslPort = saslPort;
        this.mutualTlsPort = mutualTlsPort;
        this.certificates = certificates;
        this.adminPassword = adminPassword;
    }

    /**
     * Starts a secured broker with no PLAIN users and returns once it accepts clients and its admin
     * user exists.
     *
     * @return a running broker; the caller must {@link #close()} it
     * @throws IllegalStateException if the certificates cannot be made or the broker does not start
     *     within 60 s
     */
    public static SecuredKafka start() {
        return builder().start();
    }

    /**
     * Describes a secured broker with PLAIN users or extra settings.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc} This is the {@code SASL_SSL} listener; clients need the settings of {@link
     * #scramClientSettings} or {@link #plainClientSettings}.
     */
    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + saslPort;
    }

    /**
     * The address of the {@code SSL} listener, which requires a client certificate: use it with
     * {@link #mutualTlsClientSettings()}.
     *
     * @return {@code 127.0.0.1:<port>}; never null
     */
    public String mutualTlsBootstrapServers() {
        return "127.0.0.1:" + mutualTlsPort;
    }

    /**
     * Creates the topic as the test kit's super user; see {@link KafkaCluster#createTopic(String, int,
     * Map)}.
     *
     * @throws IllegalStateException also if closed
     */
    @Override
    public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
        checkOpen();
        ClusterAdmin.createTopic(node.bootstrapServers(), name, partitions, topicConfigs);
    }

    /**
     * Creates (or changes the password of) a SCRAM user, with SCRAM-SHA-512 and SCRAM-SHA-256
     * credentials, and returns once the user can authenticate on {@link #bootstrapServers()}. A new
     * user is allowed nothing until ACLs say otherwise ({@link #allow}).
     *
     * @param name the user name; not null, not blank, without {@code "} or {@code \}
     * @param password the password; not null, not blank, without {@code "} or {@code \}
     * @throws IllegalArgumentException if the name or password is unfit
     * @throws IllegalStateException if the broker refuses, or the user cannot authenticate within 30 s
     */
    public void createUser(String name, String password) {
        checkOpen();
        checkJaasValue("user name", name);
        checkJaasValue("password", password);
        try (Admin admin = ClusterAdmin.open(node.bootstrapServers())) {
            // one mechanism per request: the broker refuses two changes of one user's credentials in one
            for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_512, ScramMechanism.SCRAM_SHA_256)) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                                new ScramCredentialInfo(mechanism, 4096), password)))
                        .all().get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create SCRAM user " + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM user " + name, e);
        }
        awaitAuthenticates(name, scramClientSettings(name, password));
    }

    /**
     * Allows {@code principal} one operation on the resources {@code name} and {@code patternType}
     * designate, from any host, and returns once the broker enforces it.
     *
     * <pre>{@code
     * kafka.allow("User:alice", ResourceType.GROUP, "orders-app", PatternType.LITERAL, AclOperation.READ);
     * kafka.allow("User:alice", ResourceType.TOPIC, "orders-app-", PatternType.PREFIXED, AclOperation.CREATE);
     * }</pre>
     *
     * @param principal {@code User:<name>} (for mutual TLS, {@code User:} + the certificate subject);
     *     not null
     * @param resourceType what kind of resource; not null
     * @param name the resource name, or its prefix for {@link PatternType#PREFIXED}; {@code "*"} with
     *     {@link PatternType#LITERAL} means every resource of the type; not null
     * @param patternType {@link PatternType#LITERAL} or {@link PatternType#PREFIXED}; not null
     * @param operation the operation allowed; not null
     * @throws IllegalStateException if the broker refuses the ACL or does not apply it within 30 s
     */
    public void allow(String principal, ResourceType resourceType, String name, PatternType patternType,
                      AclOperation operation) {
        checkOpen();
        AclBinding binding = new AclBinding(
                new ResourcePattern(Objects.requireNonNull(resourceType, "resourceType"),
                        Objects.requireNonNull(name, "name"), Objects.requireNonNull(patternType, "patternType")),
                new AccessControlEntry(Objects.requireNonNull(principal, "principal"), "*",
                        Objects.requireNonNull(operation, "operation"), AclPermissionType.ALLOW));
        String what = "ALLOW " + principal + " " + operation + " on " + resourceType + " " + patternType + " '"
                + name + "'";
        long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
        try (Admin admin = ClusterAdmin.open(node.bootstrapServers())) {
            admin.createAcls(List.of(binding)).all().get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            AclBindingFilter filter = new AclBindingFilter(
                    new ResourcePatternFilter(resourceType, name, patternType),
                    new AccessControlEntryFilter(principal, "*", operation, AclPermissionType.ALLOW));
            while (admin.describeAcls(filter).values().get(10, TimeUnit.SECONDS).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ACL " + what + " created but not applied within " + APPLY_TIMEOUT);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create ACL " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating ACL " + what, e);
        }
    }

    /**
     * The client settings of a SCRAM-SHA-512 user over TLS: {@code security.protocol},
     * {@code sasl.mechanism}, {@code sasl.jaas.config} and the trust store. Pass each entry to
     * {@code EddyApp.Builder.clientOverride}, or to a Kafka client with {@link #bootstrapServers()}.
     *
     * @param user the user name; not null
     * @param password the password; not null
     * @return a new mutable map; holds the password in {@code sasl.jaas.config}
     */
    public Map<String, Object> scramClientSettings(String user, String password) {
        return saslSettings("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule", user, password);
    }

    /**
     * The client settings of a PLAIN user over TLS; see {@link #scramClientSettings}. The user must
     * have been declared with {@link Builder#plainUser}.
     *
     * @param user the user name; not null
     * @param password the password; not null
     * @return a new mutable map; holds the password in {@code sasl.jaas.config}
     */
    public Map<String, Object> plainClientSettings(String user, String password) {
        return saslSettings("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule", user, password);
    }

    /**
     * The client settings of OAUTHBEARER over TLS with an unsecured token (Kafka's
     * {@code unsecuredLoginStringClaim_sub}): no token endpoint is involved, and the broker accepts
     * any subject, so this proves only that the settings reach every client; the principal is
     * {@code User:<subject>}. For tests only.
     *
     * @param subject the token's subject; not null, not blank, without {@code "} or {@code \}
     * @return a new mutable map
     */
    public Map<String, Object> oauthBearerClientSettings(String subject) {
        checkJaasValue("subject", subject);
        Map<String, Object> settings = trustSettings();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        settings.put(SaslConfigs.SASL_MECHANISM, "OAUTHBEARER");
        settings.put(SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                        + "unsecuredLoginStringClaim_sub=\"" + subject + "\";");
        return settings;
    }

    /**
     * The client settings of mutual TLS, to use with {@link #mutualTlsBootstrapServers()}: {@code
     * security.protocol=SSL}, the client's key store and the trust store.
     *
     * @return a new mutable map; holds the stores' password
     */
    public Map<String, Object> mutualTlsClientSettings() {
        Map<String, Object> settings = trustSettings();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        settings.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, certificates.clientKeyStore().toString());
        settings.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        settings.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, certificates.password());
        settings.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, certificates.password());
        return settings;
    }

    /**
     * The principal of a client using {@link #mutualTlsClientSettings()}: {@code User:} and the
     * subject of its certificate.
     *
     * @return {@code User:CN=eddy-mtls-client}
     */
    public String mutualTlsPrincipal() {
        return "User:" + TestCertificates.CLIENT_SUBJECT;
    }

    /**
     * The SCRAM client settings of the super user {@link #ADMIN_USER}, for a test's own readers and
     * writers ({@code TopicIO.of(kafka.bootstrapServers(), kafka.adminClientSettings())}).
     *
     * @return a new mutable map
     */
    public Map<String, Object> adminClientSettings() {
        return scramClientSettings(ADMIN_USER, adminPassword);
    }

    /** Stops the broker and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            node.stopInProcess();
        } finally {
            node.deleteFiles();
        }
    }

    @Override
    public String toString() {
        return "SecuredKafka[SASL_SSL " + bootstrapServers() + ", SSL " + mutualTlsBootstrapServers() + ", " + node
                + "]";
    }

    private Map<String, Object> saslSettings(String mechanism, String loginModule, String user, String password) {
        checkJaasValue("user name", user);
        checkJaasValue("password", password);
        Map<String, Object> settings = trustSettings();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        settings.put(SaslConfigs.SASL_MECHANISM, mechanism);
        settings.put(SaslConfigs.SASL_JAAS_CONFIG,
                loginModule + " required username=\"" + user + "\" password=\"" + password + "\";");
        return settings;
    }

    private Map<String, Object> trustSettings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.trustStore().toString());
        settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        settings.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificates.password());
        return settings;
    }

    /** Polls until a client with {@code settings} authenticates: the broker applies a new credential shortly after the call. */
    private void awaitAuthenticates(String user, Map<String, Object> settings) {
        Map<String, Object> config = new LinkedHashMap<>(settings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "eddy-testkit-credential-check");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof AuthenticationException)
                        && !(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)) {
                    return;   // any other answer comes after a successful authentication
                }
                last = e;
            } catch (TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for user " + user, e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new IllegalStateException("user " + user + " cannot authenticate within " + APPLY_TIMEOUT, last);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private static void checkJaasValue(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.contains("\"") || value.contains("\\")) {
            // the value may be a password: say what is wrong, not what it is
            throw new IllegalArgumentException(what + " must not be blank nor contain '\"' or '\\'");
        }
    }

    private static String randomSecret() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** Options for a {@link SecuredKafka}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> plainUsers = new LinkedHashMap<>();
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /**
         * Declares a user of the PLAIN mechanism. PLAIN users live in the broker's configuration, so
         * they are fixed at start; SCRAM users come later with {@link SecuredKafka#createUser}.
         *
         * @param name the user name; not null, not blank, without {@code "} or {@code \}
         * @param password the password; same rules
         * @return this builder
         * @throws IllegalArgumentException if the name or password is unfit
         */
        public Builder plainUser(String name, String password) {
            checkJaasValue("user name", name);
            checkJaasValue("password", password);
            plainUsers.put(name, password);
            return this;
        }

        /**
         * Sets one broker setting; see {@link EmbeddedKafka.Builder#brokerProperty}. Listener, security
         * and authorizer settings are managed by this class and can be overridden only at the
         * caller's risk.
         *
         * @param key a broker configuration name; not null
         * @param value its value; not null
         * @return this builder
         * @throws IllegalArgumentException naming the key if it is reserved or either argument is null
         */
        public Builder brokerProperty(String key, String value) {
            BrokerNode.checkExtraProperty(key, value);
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Sets how long {@link #start()} waits for the broker to accept clients. Default 60 s.
         *
         * @param timeout a positive duration; not null
         * @return this builder
         */
        public Builder startupTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("startupTimeout must be positive: " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Makes the certificates if this JVM has none yet, starts the broker, creates the admin user
         * and returns once both secured listeners accept clients.
         *
         * @return a running broker; the caller must close it
         * @throws IllegalStateException if it does not start within the startup timeout (its
         *     directory is deleted)
         */
        public SecuredKafka start() {
            TestCertificates certificates = TestCertificates.get();
            int[] ports = BrokerNode.pickFreePorts(4);
            Path root;
            try {
                root = Files.createTempDirectory("eddy-secured-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
            }
            Map<String, String> settings = securitySettings(ports, certificates);
            settings.putAll(brokerProperties);
            BrokerNode node = new BrokerNode(root, ports[0], ports[1], settings);
            String adminPassword = randomSecret();
            SecuredKafka kafka = new SecuredKafka(node, ports[2], ports[3], certificates, adminPassword);
            try {
                node.startInProcess(startupTimeout);
                kafka.createUser(ADMIN_USER, adminPassword);
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            return kafka;
        }

        private Map<String, String> securitySettings(int[] ports, TestCertificates certificates) {
            String loopback = "://127.0.0.1:";
            Map<String, String> s = new LinkedHashMap<>();
            s.put("listeners", BrokerNode.BROKER_LISTENER + loopback + ports[0] + ","
                    + BrokerNode.CONTROLLER_LISTENER + loopback + ports[1] + ","
                    + SASL_LISTENER + loopback + ports[2] + "," + MTLS_LISTENER + loopback + ports[3]);
            s.put("advertised.listeners", BrokerNode.BROKER_LISTENER + loopback + ports[0] + ","
                    + SASL_LISTENER + loopback + ports[2] + "," + MTLS_LISTENER + loopback + ports[3]);
            s.put("listener.security.protocol.map", BrokerNode.BROKER_LISTENER + ":PLAINTEXT,"
                    + BrokerNode.CONTROLLER_LISTENER + ":PLAINTEXT," + SASL_LISTENER + ":SASL_SSL,"
                    + MTLS_LISTENER + ":SSL");
            s.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            s.put("super.users", "User:ANONYMOUS;User:" + ADMIN_USER);
            s.put("allow.everyone.if.no.acl.found", "false");
            s.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN,OAUTHBEARER");
            String prefix = "listener.name." + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
            s.put(prefix + "scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            s.put(prefix + "scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            plainUsers.forEach((user, password) ->
                    plain.append(" user_").append(user).append("=\"").append(password).append('"'));
            s.put(prefix + "plain.sasl.jaas.config", plain.append(';').toString());
            // OAUTHBEARER with Kafka's unsecured token validator: no token endpoint, any subject accepted
            s.put(prefix + "oauthbearer.sasl.jaas.config",
                    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;");
            s.put("ssl.keystore.location", certificates.brokerKeyStore().toString());
            s.put("ssl.keystore.type", "PKCS12");
            s.put("ssl.keystore.password", certificates.password());
            s.put("ssl.key.password", certificates.password());
            s.put("ssl.truststore.location", certificates.trustStore().toString());
            s.put("ssl.truststore.type", "PKCS12");
            s.put("ssl.truststore.password", certificates.password());
            s.put("listener.name." + MTLS_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".ssl.client.auth", "required");
            return s;
        }
    }
}
