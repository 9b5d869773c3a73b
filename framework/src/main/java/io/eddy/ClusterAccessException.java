package io.eddy;

import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka cluster did not let the application in: its credentials were refused
 * ({@link Problem#AUTHENTICATION_FAILED}), or an ACL it needs is missing
 * ({@link Problem#ACCESS_DENIED}). Retrying cannot help, so the application stops at once:
 * {@link EddyApp#start()} throws it when a start-time call is refused, and a worker that is refused
 * later (joining the group, initialising transactions, writing the output) stops the application
 * with it ({@link AppState#ERROR}, {@link EddyApp#failure()}).
 *
 * <p>The message names the principal (the user name from {@code sasl.jaas.config}, or the subject
 * of the TLS client certificate, when Eddy can tell), the resource and the operation, and says
 * which ACL to add; the accessors give the same facts to code. It never holds a password or any
 * other secret setting.
 *
 * <pre>{@code
 * try {
 *     app.start();
 * } catch (ClusterAccessException e) {
 *     log.error("ask the Kafka admins for: {} {} on {} {}", e.principal().orElse("?"),
 *             e.operation(), e.resourceType(), e.resourceName().orElse(""));
 *     throw e;
 * }
 * }</pre>
 */
public class ClusterAccessException extends RuntimeException {

    /** Why access failed. Later versions may add problems. */
    public enum Problem {
        /** The broker refused the credentials (wrong user or password, untrusted certificate, TLS failure). */
        AUTHENTICATION_FAILED,
        /** The principal lacks an ACL for an operation on a resource. */
        ACCESS_DENIED
    }

    private final Problem problem;
    private final String principal;
    private final ResourceType resourceType;
    private final String resourceName;
    private final AclOperation operation;

    /**
     * An exception described by {@code message}.
     *
     * @param problem why access failed; not null
     * @param principal the principal, such as {@code User:alice}, or null if unknown
     * @param resourceType the resource refused; {@link ResourceType#UNKNOWN} for an authentication
     *        failure; not null
     * @param resourceName the resource's name (the topic, group or transactional id; for a prefixed
     *        ACL, the prefix), or null for the cluster or an authentication failure
     * @param operation the operation refused; {@link AclOperation#UNKNOWN} for an authentication
     *        failure; not null
     * @param message names the principal, the resource and the operation, and what to do; must not
     *        hold secrets
     * @param cause the Kafka client's exception, or null
     */
    public ClusterAccessException(Problem problem, String principal, ResourceType resourceType, String resourceName,
                                  AclOperation operation, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.principal = principal;
        this.resourceType = Objects.requireNonNull(resourceType, "resourceType");
        this.resourceName = resourceName;
        this.operation = Objects.requireNonNull(operation, "operation");
    }

    /** Why access failed; never null. */
    public Problem problem() {
        return problem;
    }

    /** The principal refused, such as {@code User:alice}, when Eddy can tell it from the client settings. */
    public Optional<String> principal() {
        return Optional.ofNullable(principal);
    }

    /** The kind of resource refused; {@link ResourceType#UNKNOWN} for an authentication failure. */
    public ResourceType resourceType() {
        return resourceType;
    }

    /** The resource's name (topic, group, transactional id or prefix); empty for the cluster or an authentication failure. */
    public Optional<String> resourceName() {
        return Optional.ofNullable(resourceName);
    }

    /** The operation refused; {@link AclOperation#UNKNOWN} for an authentication failure. */
    public AclOperation operation() {
        return operation;
    }
}
