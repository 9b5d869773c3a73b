package io.eddy.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.ClusterAccessException;
import io.eddy.ErrorHandler;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.kafka.KafkaClientFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * How Kafka's authentication and authorization errors become {@link ClusterAccessException}s: the
 * principal read from the settings, the resource and operation, the ACL to add, and no secret in
 * the message (the broker-side cases run in {@code SecuredClusterTest}).
 */
class AccessErrorsTest {
    private static final String PASSWORD = "s3cr3t-pw";
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"alice\" password=\"" + PASSWORD + "\";";

    private static AppOptions options(Map<String, Object> common) {
        return new AppOptions("orders-app", "broker:9093", 1, Guarantee.EXACTLY_ONCE,
                Trigger.every(Duration.ofMillis(100)), Integer.MAX_VALUE, Duration.ofSeconds(60),
                Duration.ofSeconds(20), null, ErrorHandler.fail(), List.of(), List.of(), Map.of(), Map.of(),
                Clock.systemUTC(), System.out, null, Path.of("state"), 64L << 20, 32L << 20, 2L << 20, List.of(),
                Duration.ofSeconds(10), common, Map.of(), KafkaClientFactory.defaultFactory(),
                io.eddy.EddyApp.DEFAULT_REPARTITION_PURGE_INTERVAL, io.eddy.FlowControl.none(), null, 0);
    }

    private static final AppOptions SCRAM = options(Map.of("security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS));

    @Test
    void thePrincipalIsTheUserNameOfTheJaasConfigurationEvenAsAPassword() {
        assertThat(AccessErrors.principal(SCRAM)).isEqualTo("User:alice");
        assertThat(AccessErrors.principal(options(Map.of("sasl.jaas.config", new Password(JAAS)))))
                .isEqualTo("User:alice");
        assertThat(AccessErrors.principal(options(Map.of()))).isNull();
    }

    @Test
    void aRefusedGroupNamesPrincipalGroupOperationAndTheAclToAdd() {
        ClusterAccessException e = AccessErrors.translate(
                new KafkaException("poll failed", new GroupAuthorizationException("denied", "orders-app")),
                SCRAM, AclOperation.READ);
        assertThat(e.problem()).isEqualTo(ClusterAccessException.Problem.ACCESS_DENIED);
        assertThat(e.principal()).contains("User:alice");
        assertThat(e.resourceType()).isEqualTo(ResourceType.GROUP);
        assertThat(e.resourceName()).contains("orders-app");
        assertThat(e.operation()).isEqualTo(AclOperation.READ);
        assertThat(e.getMessage()).contains("User:alice", "GROUP 'orders-app'", "READ",
                "kafka-acls --add --allow-principal User:alice --operation Read --group orders-app");
    }

    @Test
    void aRefusedInternalTopicSuggestsThePrefixedAcl() {
        ClusterAccessException e = AccessErrors.translate(
                new TopicAuthorizationException(Set.of("orders-app-counts-changelog")), SCRAM, AclOperation.WRITE);
        assertThat(e.resourceType()).isEqualTo(ResourceType.TOPIC);
        assertThat(e.resourceName()).contains("orders-app-counts-changelog");
        assertThat(e.operation()).isEqualTo(AclOperation.WRITE);
        assertThat(e.getMessage()).contains("--operation Write --topic orders-app- --resource-pattern-type prefixed");
    }

    @Test
    void aRefusedTransactionalIdNamesItsPrefixedAcl() {
        ClusterAccessException e = AccessErrors.translate(
                new TransactionalIdAuthorizationException("Transactional Id authorization failed."), SCRAM,
                AclOperation.WRITE);
        assertThat(e.resourceType()).isEqualTo(ResourceType.TRANSACTIONAL_ID);
        assertThat(e.resourceName()).contains("orders-app-");
        assertThat(e.getMessage()).contains("--operation Write --transactional-id orders-app- "
                + "--resource-pattern-type prefixed");
    }

    @Test
    void anAuthenticationFailureNamesUserAndMechanismButNeverThePassword() {
        ClusterAccessException e = AccessErrors.translate(
                new SaslAuthenticationException("invalid credentials for " + JAAS), SCRAM, AclOperation.READ);
        assertThat(e.problem()).isEqualTo(ClusterAccessException.Problem.AUTHENTICATION_FAILED);
        assertThat(e.getMessage()).contains("User:alice", "SASL_SSL with SASL mechanism SCRAM-SHA-512", "broker:9093")
                .doesNotContain(PASSWORD);
    }

    @Test
    void otherFailuresAreNotAccessFailures() {
        assertThat(AccessErrors.translate(new KafkaException("boom"), SCRAM, AclOperation.READ)).isNull();
    }
}
