package io.eddy.it.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.registry.CompatibilityLevel;
import io.eddy.serde.registry.CompatibilityResult;
import io.eddy.serde.registry.IncompatibleSchemaException;
import io.eddy.serde.registry.InvalidSchemaException;
import io.eddy.serde.registry.RegisteredSchema;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaNotFoundException;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SchemaRegistryException;
import io.eddy.serde.registry.SubjectNotFoundException;
import io.eddy.testkit.registry.SchemaRegistryServer;
import java.time.Duration;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Eddy's schema registry client against a real registry server (Apicurio Registry's
 * Confluent-compatible API, started once for the class). Each test works in subjects named after
 * itself, so tests do not see each other's schemas; the server's global settings are not touched.
 */
class SchemaRegistryClientTest {

    private static final String ORDER_V1 =
            """
            {"type":"record","name":"Order","namespace":"io.eddy.it.registry","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"}]}""";

    /** Adds a field with a default: a reader with this schema can read V1 data (backward compatible). */
    private static final String ORDER_V2_COMPATIBLE =
            """
            {"type":"record","name":"Order","namespace":"io.eddy.it.registry","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"},
              {"name":"currency","type":"string","default":"EUR"}]}""";

    /** Adds a field without a default: a reader with this schema cannot read V1 data. */
    private static final String ORDER_V2_INCOMPATIBLE =
            """
            {"type":"record","name":"Order","namespace":"io.eddy.it.registry","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"},
              {"name":"customer","type":"string"}]}""";

    private static SchemaRegistryServer server;

    private SchemaRegistryClient client;
    private String subject;

    @BeforeAll
    static void startRegistry() {
        server = SchemaRegistryServer.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newClient(TestInfo test) {
        client = newClient();
        subject = test.getTestMethod().orElseThrow().getName() + "-value";
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** A client with no retries, so that an unexpected failure shows at once. */
    private static SchemaRegistryClient newClient() {
        return SchemaRegistryClient.create(
                SchemaRegistry.builder().url(server.url()).retryBudget(Duration.ZERO).build());
    }

    @Test
    void registersASchemaAndReturnsTheSameIdWhenRegisteredAgain() {
        int id = client.register(subject, ORDER_V1);

        assertThat(id).isPositive();
        assertThat(client.register(subject, ORDER_V1)).isEqualTo(id);
        try (SchemaRegistryClient uncached = newClient()) {
            assertThat(uncached.register(subject, ORDER_V1)).isEqualTo(id);
        }
        assertThat(client.subjects()).contains(subject);
        assertThat(client.versions(subject)).containsExactly(1);
    }

    @Test
    void looksUpARegisteredSchemaUnderItsSubject() {
        int id = client.register(subject, ORDER_V1);

        try (SchemaRegistryClient uncached = newClient()) {
            RegisteredSchema found = uncached.lookup(subject, SchemaDefinition.avro(ORDER_V1));

            assertThat(found.subject()).isEqualTo(subject);
            assertThat(found.version()).isEqualTo(1);
            assertThat(found.id()).isEqualTo(id);
            assertThat(parse(found.definition())).isEqualTo(new Schema.Parser().parse(ORDER_V1));
        }
    }

    @Test
    void lookupOfASchemaTheSubjectDoesNotHoldFails() {
        client.register(subject, ORDER_V1);

        // Apicurio answers 40401 (subject not found) here where Confluent answers 40403.
        assertThatThrownBy(() -> client.lookup(subject, SchemaDefinition.avro(ORDER_V2_COMPATIBLE)))
                .isInstanceOfAny(SubjectNotFoundException.class, SchemaNotFoundException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(404));
    }

    @Test
    void lookupUnderAnUnknownSubjectFailsWithSubjectNotFound() {
        assertThatThrownBy(() -> client.lookup(subject, SchemaDefinition.avro(ORDER_V1)))
                .isInstanceOf(SubjectNotFoundException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40401));
    }

    @Test
    void getsASchemaById() {
        int id = client.register(subject, ORDER_V1);

        try (SchemaRegistryClient uncached = newClient()) {
            SchemaDefinition byId = uncached.schemaById(id);

            assertThat(parse(byId)).isEqualTo(new Schema.Parser().parse(ORDER_V1));
            assertThat(byId.references()).isEmpty();
        }
    }

    @Test
    void theSameSchemaUnderAnotherSubjectKeepsItsId() {
        int id = client.register(subject, ORDER_V1);

        assertThat(client.register(subject + "-copy", ORDER_V1)).isEqualTo(id);
    }

    @Test
    void anUnknownIdFailsWithSchemaNotFound() {
        assertThatThrownBy(() -> client.schemaById(987_654))
                .isInstanceOf(SchemaNotFoundException.class)
                .satisfies(
                        e -> {
                            SchemaRegistryException error = (SchemaRegistryException) e;
                            assertThat(error.httpStatus()).isEqualTo(404);
                            assertThat(error.errorCode()).isEqualTo(40403);
                            assertThat(error.retriable()).isFalse();
                        });
    }

    @Test
    void anIncompatibleSchemaIsRejectedWith409UnderBackwardCompatibility() {
        client.register(subject, ORDER_V1);
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        assertThat(client.compatibility(subject)).isEqualTo(CompatibilityLevel.BACKWARD);

        assertThatThrownBy(() -> client.register(subject, ORDER_V2_INCOMPATIBLE))
                .isInstanceOf(IncompatibleSchemaException.class)
                .satisfies(
                        e -> {
                            SchemaRegistryException error = (SchemaRegistryException) e;
                            assertThat(error.httpStatus()).isEqualTo(409);
                            assertThat(error.retriable()).isFalse();
                        });
        assertThat(client.versions(subject)).containsExactly(1);
    }

    @Test
    void testsCompatibilityWithoutRegistering() {
        client.register(subject, ORDER_V1);
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

        CompatibilityResult bad = client.testCompatibility(subject, SchemaDefinition.avro(ORDER_V2_INCOMPATIBLE));
        CompatibilityResult good = client.testCompatibility(subject, SchemaDefinition.avro(ORDER_V2_COMPATIBLE));

        assertThat(bad.compatible()).isFalse();
        assertThat(bad.messages()).isNotEmpty();
        assertThat(good.compatible()).isTrue();
        assertThat(client.versions(subject)).containsExactly(1);
    }

    @Test
    void aCompatibleSchemaBecomesTheNextVersion() {
        int v1 = client.register(subject, ORDER_V1);
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

        int v2 = client.register(subject, ORDER_V2_COMPATIBLE);

        assertThat(v2).isNotEqualTo(v1);
        try (SchemaRegistryClient uncached = newClient()) {
            RegisteredSchema latest = uncached.latest(subject);
            assertThat(latest.version()).isEqualTo(2);
            assertThat(latest.id()).isEqualTo(v2);
            assertThat(parse(latest.definition())).isEqualTo(new Schema.Parser().parse(ORDER_V2_COMPATIBLE));

            RegisteredSchema first = uncached.version(subject, 1);
            assertThat(first.id()).isEqualTo(v1);
            assertThat(parse(first.definition())).isEqualTo(new Schema.Parser().parse(ORDER_V1));
        }
        assertThat(client.versions(subject)).containsExactly(1, 2);
    }

    @Test
    void anUnknownVersionFailsWithSchemaNotFound() {
        client.register(subject, ORDER_V1);

        assertThatThrownBy(() -> client.version(subject, 99))
                .isInstanceOf(SchemaNotFoundException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40402));
    }

    @Test
    void aSchemaTheRegistryCannotParseIsInvalid() {
        assertThatThrownBy(() -> client.register(subject, "{\"type\":\"recrd\"}"))
                .isInstanceOf(InvalidSchemaException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(422));
    }

    @Test
    void deletingASubjectForgetsIt() {
        client.register(subject, ORDER_V1);

        assertThat(client.deleteSubject(subject)).containsExactly(1);

        assertThat(client.subjects()).doesNotContain(subject);
        // Confluent answers 40401 here; Apicurio 40402 (no "latest" version), and it still lists the
        // soft-deleted versions under GET /subjects/{subject}/versions.
        assertThatThrownBy(() -> client.latest(subject))
                .isInstanceOfAny(SubjectNotFoundException.class, SchemaNotFoundException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(404));
    }

    @Test
    void theLatestVersionOfAnUnknownSubjectIsNotFound() {
        // Confluent answers 40401 (subject not found); Apicurio 40402 (version not found).
        assertThatThrownBy(() -> client.latest(subject))
                .isInstanceOfAny(SubjectNotFoundException.class, SchemaNotFoundException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(404));
        assertThatThrownBy(() -> client.versions(subject)).isInstanceOf(SubjectNotFoundException.class);
    }

    private static Schema parse(SchemaDefinition definition) {
        return new Schema.Parser().parse(definition.schema());
    }
}
