package io.eddy.serde.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {

    @Test
    void defaultsAreSane() {
        SchemaRegistry c = SchemaRegistry.builder().url("http://localhost:8081/").build();
        assertThat(c.urls()).hasSize(1);
        assertThat(c.urls().get(0).toString()).isEqualTo("http://localhost:8081");
        assertThat(c.requestTimeout()).isPositive();
        assertThat(c.retryBudget()).isPositive();
        assertThat(c.negativeCacheTtl()).isZero();
        assertThat(c.basicAuthHeader()).isNull();
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void missingUrlIsNamed() {
        assertThatThrownBy(() -> SchemaRegistry.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url is required");
    }

    @Test
    void everyBadOptionIsNamedWithItsValue() {
        assertThatThrownBy(() -> SchemaRegistry.builder()
                .urls("ftp://x", "http://ok:1")
                .requestTimeout(Duration.ZERO)
                .retryBudget(Duration.ofSeconds(-1))
                .cacheCapacity(0)
                .latestVersionTtl(Duration.ofSeconds(-2))
                .basicAuth("u", "p").bearerToken(() -> "t")
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("url must be an absolute http or https URL, got 'ftp://x'")
                .hasMessageContaining("requestTimeout must be positive, got PT0S")
                .hasMessageContaining("retryBudget must not be negative, got PT-1S")
                .hasMessageContaining("cacheCapacity must be positive, got 0")
                .hasMessageContaining("latestVersionTtl must not be negative, got PT-2S")
                .hasMessageContaining("basicAuth and bearerToken are exclusive");
    }

    @Test
    void credentialsStayOutOfToString() {
        SchemaRegistry c = SchemaRegistry.builder().url("https://r:1").basicAuth("bob", "secret").build();
        assertThat(c.toString()).contains("basic(bob)").doesNotContain("secret");
        assertThat(c.basicAuthHeader()).isEqualTo("Basic Ym9iOnNlY3JldA==");
    }
}
