package io.eddy.internal.runtime;

import io.eddy.ClusterAccessException;
import io.eddy.kafka.internal.SecretSettings;
import io.eddy.kafka.internal.TopicAdmin;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Turns the Kafka clients' authentication and authorization errors into {@link ClusterAccessException},
 * wherever they surface: the start-time admin calls, the store registry, a worker's
 * {@code initTransactions}, poll or commit.
 *
 * <p>A Kafka authorization error names the refused topics or group but not the operation: a
 * {@link TopicAuthorizationException} means READ in a consumer, WRITE in a producer, CREATE in a
 * create-topics call. So each caller says which operation its topic calls need
 * ({@code topicOperation}); the other resources have one operation each here (the group: READ; the
 * transactional ids: WRITE, which implies DESCRIBE; the cluster: IDEMPOTENT_WRITE in a producer, CREATE in
 * the admin).
 *
 * <p>Messages carry the principal (the user name in {@code sasl.jaas.config}, or the subject of the
 * TLS client certificate), never a secret: the broker's own message is appended only after every
 * secret value of the client settings is removed from it.
 */
final class AccessErrors {
    private static final Pattern JAAS_USER =
            Pattern.compile("(?:username|unsecuredLoginStringClaim_sub)\\s*=\\s*\"?([^\"\\s;]+)\"?");
    private static final Pattern JAAS_PASSWORD = Pattern.compile("password\\s*=\\s*\"?([^\"\\s;]+)\"?");
    private static final int MAX_DEPTH = 12;

    private AccessErrors() {
    }

    /**
     * Runs {@code call}; an authentication or authorization failure in it is rethrown as a
     * {@link ClusterAccessException}, anything else as it is.
     */
    static <T> T during(AppOptions o, AclOperation topicOperation, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            ClusterAccessException access = translate(e, o, topicOperation);
            throw access != null ? access : e;
        }
    }

    /** {@link #during} for a call without a result. */
    static void during(AppOptions o, AclOperation topicOperation, Runnable call) {
        during(o, topicOperation, () -> {
            call.run();
            return null;
        });
    }

    /**
     * The {@link ClusterAccessException} that {@code failure} amounts to, or null if it is not an
     * authentication or authorization failure.
     *
     * @param topicOperation what a refused topic operation was: READ for a consumer, WRITE for a
     *        producer, CREATE for the creation of internal topics
     */
    static ClusterAccessException translate(Throwable failure, AppOptions o, AclOperation topicOperation) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        AclOperation operation = topicOperation;
        List<String> calledFor = List.of();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH && seen.add(t); t = t.getCause(), depth++) {
            if (t instanceof ClusterAccessException access) {
                return access;
            }
            if (t instanceof TopicAdmin.TopicException topics) {
                operation = operationOf(topics, topicOperation);
                calledFor = topics.topics();
            }
            if (t instanceof AuthenticationException auth) {
                return authenticationFailed(auth, o);
            }
            if (t instanceof AuthorizationException denied) {
                return accessDenied(denied, o, operation, calledFor);
            }
        }
        return null;
    }

    /**
     * Asks the cluster, before any worker starts, whether the application's principal may use its
     * consumer group and (under exactly-once) its transactional ids: without this probe, those two
     * missing ACLs would surface only inside a worker, after {@code start()} had returned. Both
     * calls only describe (an offset fetch of the group; a transaction lookup of an id under the
     * application's prefix, which need not exist), and {@code Read} on the group and {@code Write} on
     * the transactional ids imply the {@code Describe} they need. A failure other than a refusal
     * (an old broker, a timeout) is ignored here: the worker meets and reports it.
     *
     * <p>The requests go out at once ({@link #startProbes}) and are awaited later
     * ({@link AclProbes#await()}): each is a coordinator lookup and a round trip, which a start
     * then spends on its topic checks instead of waiting.
     */
    static AclProbes startProbes(org.apache.kafka.clients.admin.Admin admin, AppOptions o) {
        org.apache.kafka.common.KafkaFuture<?> group =
                admin.listConsumerGroupOffsets(o.applicationId()).partitionsToOffsetAndMetadata();
        org.apache.kafka.common.KafkaFuture<?> transactions = o.guarantee() == io.eddy.Guarantee.EXACTLY_ONCE
                ? admin.describeTransactions(List.of(o.applicationId() + "-eddy-acl-check")).all()
                : null;
        return new AclProbes(o, group, transactions);
    }

    /** The answers of {@link #startProbes}. */
    record AclProbes(AppOptions options, org.apache.kafka.common.KafkaFuture<?> group,
                     org.apache.kafka.common.KafkaFuture<?> transactions) {
        /**
         * Waits for both answers (at most the start timeout each).
         *
         * @throws ClusterAccessException if the cluster refused either
         */
        void await() {
            probe(options, group);
            if (transactions != null) {
                probe(options, transactions);
            }
        }
    }

    private static void probe(AppOptions o, org.apache.kafka.common.KafkaFuture<?> answer) {
        try {
            answer.get(o.startTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof GroupAuthorizationException
                    || e.getCause() instanceof TransactionalIdAuthorizationException) {
                throw translate(e.getCause(), o, AclOperation.READ);
            }
            // not a refusal (e.g. the probed transactional id does not exist): nothing to report
        } catch (java.util.concurrent.TimeoutException e) {
            // no answer in time: the start's other checks or the worker report an unreachable cluster
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The operation of an internal-topic step, told by the admin call that failed. */
    private static AclOperation operationOf(TopicAdmin.TopicException e, AclOperation topicOperation) {
        // TopicAdmin describes each call in its message ("could not <call>: ..."); an existing internal
        // topic is described, then its configs are, before anything is created
        // (TopicAdmin.ensureInternalTopics: create the missing ones, describe all, describe their configs)
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("could not describe the configs of internal topics")) {
            return AclOperation.DESCRIBE_CONFIGS;
        }
        if (message.startsWith("could not describe internal topics")) {
            return AclOperation.DESCRIBE;
        }
        if (message.startsWith("could not create internal topic")) {
            return AclOperation.CREATE;
        }
        return topicOperation;
    }

    private static ClusterAccessException authenticationFailed(AuthenticationException e, AppOptions o) {
        String principal = principal(o);
        Map<String, Object> settings = o.clientOverrides();
        String protocol = String.valueOf(settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                "PLAINTEXT"));
        Object mechanism = settings.get(SaslConfigs.SASL_MECHANISM);
        String how = protocol + (protocol.startsWith("SASL") ? " with SASL mechanism "
                + (mechanism == null ? "GSSAPI" : mechanism) : "");
        String message = "'" + o.applicationId() + "' could not authenticate to the Kafka cluster at "
                + o.bootstrapServers() + (principal == null ? "" : " as " + principal) + " (" + how + "): "
                + scrub(e.getMessage(), settings) + ". Check the user name and password in sasl.jaas.config, "
                + "sasl.mechanism, and the key and trust stores (EddyApp.Builder.clientOverride); an "
                + "authentication failure is not retried";
        return new ClusterAccessException(ClusterAccessException.Problem.AUTHENTICATION_FAILED, principal,
                ResourceType.UNKNOWN, null, AclOperation.UNKNOWN, message, e);
    }

    /**
     * @param calledFor the topics of the admin call that was refused: a refused admin call does not
     *        say which of its topics was refused
     */
    private static ClusterAccessException accessDenied(AuthorizationException e, AppOptions o,
                                                       AclOperation topicOperation, List<String> calledFor) {
        String app = o.applicationId();
        String principal = principal(o);
        String who = principal == null ? "the application's principal" : principal;
        String acl = principal == null ? "<principal>" : principal;
        String internalPrefix = app + "-";
        ResourceType type;
        String name;
        AclOperation operation;
        String add;
        if (e instanceof TopicAuthorizationException topics) {
            type = ResourceType.TOPIC;
            operation = topicOperation;
            Set<String> refused = new TreeSet<>(topics.unauthorizedTopics());
            if (refused.isEmpty()) {
                refused.addAll(calledFor);
            }
            name = refused.isEmpty() ? null : refused.iterator().next();
            boolean internal = name != null && name.startsWith(internalPrefix)
                    || operation == AclOperation.CREATE || operation == AclOperation.DESCRIBE_CONFIGS;
            String topicArgs = internal ? "--topic " + internalPrefix + " --resource-pattern-type prefixed"
                    : "--topic " + (name == null ? "<topic>" : name);
            add = "kafka-acls --add --allow-principal " + acl + " --operation " + aclWord(operation) + " "
                    + topicArgs;
            if (name == null && internal) {
                name = internalPrefix;
            }
        } else if (e instanceof GroupAuthorizationException group) {
            type = ResourceType.GROUP;
            name = group.groupId() != null ? group.groupId() : app;
            operation = AclOperation.READ;
            add = "kafka-acls --add --allow-principal " + acl + " --operation Read --group " + name;
        } else if (e instanceof TransactionalIdAuthorizationException) {
            type = ResourceType.TRANSACTIONAL_ID;
            name = internalPrefix;
            operation = AclOperation.WRITE;
            // WRITE implies DESCRIBE, which finding the transaction coordinator needs
            add = "kafka-acls --add --allow-principal " + acl + " --operation Write "
                    + "--transactional-id " + internalPrefix + " --resource-pattern-type prefixed";
        } else if (e instanceof ClusterAuthorizationException) {
            type = ResourceType.CLUSTER;
            name = null;
            operation = topicOperation == AclOperation.WRITE ? AclOperation.IDEMPOTENT_WRITE
                    : topicOperation == AclOperation.CREATE ? AclOperation.CREATE : AclOperation.DESCRIBE;
            add = "kafka-acls --add --allow-principal " + acl + " --operation " + aclWord(operation) + " --cluster";
        } else {
            type = ResourceType.UNKNOWN;
            name = null;
            operation = AclOperation.UNKNOWN;
            add = "an ACL for the operation the broker names";
        }
        String resource = type == ResourceType.UNKNOWN ? "a resource"
                : type.name() + (name == null ? "" : " '" + name + "'")
                + (type == ResourceType.TRANSACTIONAL_ID ? " (prefixed; every worker's id starts with it)" : "");
        String message = "'" + app + "' is not allowed to " + operation + " " + resource + " as " + who
                + ": the cluster has no ACL allowing it (" + scrub(e.getMessage(), o.clientOverrides())
                + "). Add: " + add + ". The README's \"Running on a secured cluster\" lists every ACL an "
                + "application needs";
        return new ClusterAccessException(ClusterAccessException.Problem.ACCESS_DENIED, principal, type, name,
                operation, message, e);
    }

    /** The operation as {@code kafka-acls --operation} spells it. */
    private static String aclWord(AclOperation operation) {
        StringBuilder word = new StringBuilder();
        for (String part : operation.name().split("_")) {
            word.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return word.toString();
    }

    /**
     * The principal the broker sees, when the settings tell it: {@code User:} and the SASL user name,
     * or the subject of the TLS client certificate; null otherwise.
     */
    static String principal(AppOptions o) {
        Map<String, Object> settings = o.clientOverrides();
        Object jaas = settings.get(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas != null) {
            Matcher m = JAAS_USER.matcher(valueOf(jaas));
            return m.find() ? "User:" + m.group(1) : null;
        }
        String protocol = String.valueOf(settings.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
        Object location = settings.get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        if ("SSL".equalsIgnoreCase(protocol) && location != null) {
            return certificateSubject(settings, valueOf(location));
        }
        return null;
    }

    private static String certificateSubject(Map<String, Object> settings, String location) {
        Object password = settings.get(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG);
        Object type = settings.getOrDefault(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "JKS");
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(valueOf(type));
            store.load(in, password == null ? null : valueOf(password).toCharArray());
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Certificate certificate = store.getCertificate(alias);
                    if (certificate instanceof X509Certificate x509) {
                        return "User:" + x509.getSubjectX500Principal().getName();
                    }
                }
            }
        } catch (Exception e) {
            // the key store could not be read here; the broker will say why if it matters
        }
        return null;
    }

    /** {@code text} with every secret value of {@code settings} (and the password inside a JAAS configuration) hidden. */
    static String scrub(String text, Map<String, Object> settings) {
        if (text == null) {
            return "no detail";
        }
        String scrubbed = text;
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            if (e.getValue() == null || !(SecretSettings.isSecret(e.getKey()) || e.getValue() instanceof Password)) {
                continue;
            }
            String value = valueOf(e.getValue());
            List<String> secrets = new java.util.ArrayList<>(List.of(value));
            Matcher m = JAAS_PASSWORD.matcher(value);
            while (m.find()) {
                secrets.add(m.group(1));
            }
            for (String secret : secrets) {
                if (secret.length() >= 3) {
                    scrubbed = scrubbed.replace(secret, SecretSettings.HIDDEN);
                }
            }
        }
        return scrubbed;
    }

    private static String valueOf(Object value) {
        return value instanceof Password p ? p.value() : String.valueOf(value);
    }
}
