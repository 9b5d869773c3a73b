package io.eddy.serde.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failures a real registry cannot easily produce, injected through {@link FakeRegistry}. */
class SchemaRegistryFailureTest {

    private final FakeRegistry server = FakeRegistry.start();
    private SchemaRegistryClient client;

    private SchemaRegistryClient client(SchemaRegistry.Builder b) {
        client = SchemaRegistryClient.create(b.retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build());
        return client;
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void serverErrorsAreRetriedUntilSuccess() {
        client(SchemaRegistry.builder().url(server.url()));
        server.failNext(2, 503);
        assertThat(client.register("s", SchemaRegistryClientTest.V1)).isPositive();
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void tooManyRequestsAndRequestTimeoutAnswersAreRetried() {
        client(SchemaRegistry.builder().url(server.url()));
        server.failNext(1, 429).failNext(1, 408).failNext(1, 500);
        assertThat(client.subjects()).isEmpty();
        assertThat(server.requestCount()).isEqualTo(4);
    }

    @Test
    void aTimedOutRequestIsRetried() {
        client(SchemaRegistry.builder().url(server.url()).requestTimeout(Duration.ofMillis(200)));
        server.delayNext(1, Duration.ofSeconds(2));
        assertThat(client.register("s", SchemaRegistryClientTest.V1)).isPositive();
        assertThat(server.requestCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void failsOverToTheSecondUrl() {
        client(SchemaRegistry.builder().urls(FakeRegistry.deadUrl(), server.url()).retryBudget(Duration.ZERO));
        assertThat(client.register("s", SchemaRegistryClientTest.V1)).isPositive();
        assertThat(client.subjects()).containsExactly("s");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void failsOverWhenTheFirstUrlAnswersServerErrors() {
        try (FakeRegistry broken = FakeRegistry.start()) {
            broken.failNext(100, 502);
            client(SchemaRegistry.builder().urls(broken.url(), server.url()).retryBudget(Duration.ZERO));
            assertThat(client.subjects()).isEmpty();
            assertThat(broken.requestCount()).isEqualTo(1);
            // The working URL is now preferred.
            assertThat(client.subjects()).isEmpty();
            assertThat(broken.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void exhaustedRetryBudgetIsRetriableUnavailable() {
        client(SchemaRegistry.builder().urls(FakeRegistry.deadUrl(), FakeRegistry.deadUrl())
                .retryBudget(Duration.ofMillis(100)));
        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(-1);
                    assertThat(e.getMessage()).contains("unavailable").contains("attempt");
                    assertThat(e.getCause()).isNotNull();
                });
    }

    @Test
    void persistentServerErrorsEndAsUnavailableWithTheLastStatus() {
        client(SchemaRegistry.builder().url(server.url()).retryBudget(Duration.ofMillis(100)));
        server.failNext(10_000, 503);
        assertThatThrownBy(() -> client.subjects())
                .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.getMessage()).contains("HTTP 503").contains("scripted failure");
                });
        assertThat(server.requestCount()).isGreaterThan(1);
    }

    @Test
    void unauthorizedIsNotRetried() {
        client(SchemaRegistry.builder().url(server.url()));
        server.failNext(1, 401);
        assertThatThrownBy(() -> client.subjects()).isInstanceOf(UnauthorizedException.class);
        server.failNext(1, 403);
        assertThatThrownBy(() -> client.subjects()).isInstanceOfSatisfying(UnauthorizedException.class,
                e -> assertThat(e.httpStatus()).isEqualTo(403));
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void malformedJsonIsAClearNonRetriableError() {
        client(SchemaRegistry.builder().url(server.url()));
        server.scriptNext(new FakeRegistry.Scripted(200, "{\"id\": 1,,,", Duration.ZERO));
        assertThatThrownBy(() -> client.register("s", SchemaRegistryClientTest.V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("malformed JSON");
                });
    }

    @Test
    void wellFormedJsonOfTheWrongShapeIsAClearError() {
        client(SchemaRegistry.builder().url(server.url()));
        server.scriptNext(new FakeRegistry.Scripted(200, "{\"identifier\": 1}", Duration.ZERO));
        assertThatThrownBy(() -> client.register("s", SchemaRegistryClientTest.V1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("no integer 'id'");
        server.scriptNext(new FakeRegistry.Scripted(200, "<html>proxy</html>", Duration.ZERO));
        assertThatThrownBy(() -> client.schemaById(3)).hasMessageContaining("malformed JSON");
    }

    @Test
    void anErrorWithoutJsonBodyStillGetsATypedException() {
        client(SchemaRegistry.builder().url(server.url()));
        server.scriptNext(new FakeRegistry.Scripted(404, "Not Found", Duration.ZERO));
        assertThatThrownBy(() -> client.schemaById(3))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(-1));
    }
}
