package io.eddy.serde.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {

    static final String V1 = """
            {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"string"}]}""";
    static final String V2 = """
            {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"string"},\
            {"name":"age","type":"int","default":0}]}""";
    static final String INCOMPATIBLE = """
            {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"int"}]}""";

    private final FakeRegistry server = FakeRegistry.start();
    private SchemaRegistryClient client = client(SchemaRegistry.builder().url(server.url()));

    static SchemaRegistryClient client(SchemaRegistry.Builder builder) {
        return SchemaRegistryClient.create(builder.retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build());
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    @Test
    void registersLooksUpAndReadsBack() {
        int id1 = client.register("users-value", V1);
        int id2 = client.register("users-value", V2);
        assertThat(id2).isNotEqualTo(id1);

        RegisteredSchema found = client.lookup("users-value", SchemaDefinition.avro(V1));
        assertThat(found.subject()).isEqualTo("users-value");
        assertThat(found.version()).isEqualTo(1);
        assertThat(found.id()).isEqualTo(id1);
        assertThat(found.guid()).isNotNull();

        assertThat(client.schemaById(id1)).isEqualTo(SchemaDefinition.avro(V1));
        assertThat(client.schemaByGuid(found.guid()).schema()).isEqualTo(V1);
        RegisteredSchema latest = client.latest("users-value");
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(id2);
        assertThat(latest.definition().schema()).isEqualTo(V2);
        assertThat(client.version("users-value", 1).definition().schema()).isEqualTo(V1);
        assertThat(client.versions("users-value")).containsExactly(1, 2);
        assertThat(client.subjects()).containsExactly("users-value");
        assertThat(client.deleteSubject("users-value")).containsExactly(1, 2);
        assertThat(client.subjects()).isEmpty();
    }

    @Test
    void sameSchemaUnderTwoSubjectsHasOneId() {
        assertThat(client.register("a-value", V1)).isEqualTo(client.register("b-value", V1));
    }

    @Test
    void subjectsAreUrlEncoded() {
        int id = client.register("odd subject/with+chars-value", V1);
        assertThat(client.latest("odd subject/with+chars-value").id()).isEqualTo(id);
        assertThat(server.requests()).anyMatch(r -> r.contains("odd%20subject%2Fwith%2Bchars-value"));
    }

    @Test
    void referencesTravelBothWays() {
        String address = """
                {"type":"record","name":"Address","namespace":"t","fields":[{"name":"city","type":"string"}]}""";
        String person = """
                {"type":"record","name":"Person","namespace":"t","fields":[{"name":"home","type":"t.Address"}]}""";
        client.register("address", address);
        List<SchemaReference> refs = List.of(new SchemaReference("t.Address", "address", 1));
        int id = client.register("person-value", person, refs);
        SchemaDefinition back = client.schemaById(id);
        assertThat(back.references()).isEqualTo(refs);
        assertThat(client.lookup("person-value", SchemaDefinition.avro(person, refs)).id()).isEqualTo(id);
    }

    @Test
    void typedErrorsCarryTheRegistryErrorCode() {
        assertThatThrownBy(() -> client.latest("nope"))
                .isInstanceOfSatisfying(SubjectNotFoundException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(40401);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("nope").contains("40401");
                });
        client.register("users-value", V1);
        assertThatThrownBy(() -> client.version("users-value", 7))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
        assertThatThrownBy(() -> client.schemaById(999))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.lookup("users-value", SchemaDefinition.avro(V2)))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.register("users-value", INCOMPATIBLE))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
        assertThatThrownBy(() -> client.register("users-value", "{not avro"))
                .isInstanceOfSatisfying(InvalidSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
    }

    @Test
    void apicurioDialectIsUnderstood() {
        server.apicurioMode(true).guids(false);
        client.register("users-value", V1);
        // Apicurio answers a lookup miss on an existing subject with 40401.
        assertThatThrownBy(() -> client.lookup("users-value", SchemaDefinition.avro(V2)))
                .isInstanceOf(SubjectNotFoundException.class);
        // ... and a 409 with error_code 0.
        assertThatThrownBy(() -> client.register("users-value", INCOMPATIBLE))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> assertThat(e.errorCode()).isZero());
        CompatibilityResult result = client.testCompatibility("users-value", SchemaDefinition.avro(INCOMPATIBLE));
        assertThat(result.compatible()).isFalse();
        assertThat(result.messages()).containsExactly("reader cannot read writer");
        assertThat(client.lookup("users-value", SchemaDefinition.avro(V1)).guid()).isNull();
        // No defaultToGlobal: a subject without its own level falls back to the global one.
        assertThat(client.compatibility("users-value")).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void compatibilityChecksAndConfig() {
        client.register("users-value", V1);
        assertThat(client.testCompatibility("users-value", SchemaDefinition.avro(V2)).compatible()).isTrue();
        CompatibilityResult bad = client.testCompatibility("users-value", SchemaDefinition.avro(INCOMPATIBLE), 1);
        assertThat(bad.compatible()).isFalse();
        assertThat(bad.messages()).isNotEmpty();
        assertThat(server.requests()).anyMatch(r -> r.contains("/compatibility/subjects/users-value/versions/1?verbose=true"));

        assertThat(client.compatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.compatibility("users-value")).isEqualTo(CompatibilityLevel.BACKWARD);
        client.setCompatibility("users-value", CompatibilityLevel.NONE);
        assertThat(client.compatibility("users-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(client.register("users-value", INCOMPATIBLE)).isPositive();
        client.setCompatibility(null, CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(client.compatibility(null)).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    }

    @Test
    void sendsContentTypeAcceptCustomHeadersAndBasicAuth() {
        client.close();
        client = client(SchemaRegistry.builder().url(server.url()).basicAuth("alice", "s3cret").header("X-Tenant", "blue"));
        server.requireAuthorization("Basic YWxpY2U6czNjcmV0");
        client.register("users-value", V1);
        var headers = server.requestHeaders().get(0);
        assertThat(headers.get("Content-type")).containsExactly("application/vnd.schemaregistry.v1+json");
        assertThat(headers.get("Accept").get(0)).contains("application/vnd.schemaregistry.v1+json").contains("application/json");
        assertThat(headers.get("X-tenant")).containsExactly("blue");
    }

    @Test
    void bearerTokenIsAskedForEachRequest() {
        client.close();
        AtomicInteger calls = new AtomicInteger();
        client = client(SchemaRegistry.builder().url(server.url()).bearerToken(() -> "t" + calls.incrementAndGet()));
        server.requireAuthorization("Bearer t1");
        client.register("users-value", V1);
        server.requireAuthorization("Bearer t2");
        assertThat(client.subjects()).containsExactly("users-value");
    }

    @Test
    void unauthorizedIsTypedAndNotRetried() {
        server.requireAuthorization("Bearer right");
        assertThatThrownBy(() -> client.subjects())
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.retriable()).isFalse();
                });
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void cachesAnswersThatCannotChange() {
        int id = client.register("users-value", V1);
        int before = server.requestCount();
        for (int i = 0; i < 5; i++) {
            assertThat(client.register("users-value", V1)).isEqualTo(id);
            assertThat(client.schemaById(id).schema()).isEqualTo(V1);
        }
        assertThat(server.requestCount()).isEqualTo(before);
        RegisteredSchema found = client.lookup("users-value", SchemaDefinition.avro(V1));
        client.lookup("users-value", SchemaDefinition.avro(V1));
        client.version("users-value", 1);
        client.schemaByGuid(found.guid());
        assertThat(server.requestCount()).isEqualTo(before + 1);
    }

    @Test
    void cacheKeysAreSchemaContentNotIdentity() {
        int id = client.register("users-value", new String(V1.toCharArray()));
        int before = server.requestCount();
        assertThat(client.register("users-value", new String(V1.toCharArray()))).isEqualTo(id);
        assertThat(server.requestCount()).isEqualTo(before);
    }

    @Test
    void latestVersionIsCachedForItsTtlOnly() {
        client.register("users-value", V1);
        client.latest("users-value");
        int before = server.requestCount();
        client.latest("users-value");
        assertThat(server.requestCount()).isEqualTo(before);

        client.close();
        client = client(SchemaRegistry.builder().url(server.url()).latestVersionTtl(Duration.ZERO));
        client.latest("users-value");
        client.latest("users-value");
        assertThat(server.requestCount()).isEqualTo(before + 2);
    }

    @Test
    void negativeCachingSparesTheRegistryWhenEnabled() {
        client.close();
        client = client(SchemaRegistry.builder().url(server.url()).negativeCacheTtl(Duration.ofMinutes(1)));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.schemaById(42)).isInstanceOf(SchemaNotFoundException.class);
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void withoutNegativeCachingEveryMissAsks() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.schemaById(42)).isInstanceOf(SchemaNotFoundException.class);
        }
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void closedClientRefusesCalls() {
        client.close();
        assertThatThrownBy(() -> client.subjects()).isInstanceOf(IllegalStateException.class);
    }
}
