package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PageViewTest {

    @Test
    void normalisesUrlsToLowerCasePathsWithoutQueryOrFragment() {
        assertThat(PageView.pathOf("https://Shop.Example/Products/7/?ref=mail#top")).isEqualTo("/products/7");
        assertThat(PageView.pathOf("http://shop.example:8080/API/v1/orders")).isEqualTo("/api/v1/orders");
        assertThat(PageView.pathOf("https://shop.example")).isEqualTo("/");
        assertThat(PageView.pathOf("/search?q=shoes")).isEqualTo("/search");
        assertThat(PageView.pathOf("/")).isEqualTo("/");
    }

    @Test
    void roundTripsThroughInputAndOutputJson() {
        PageView raw = new PageView(42, "https://Shop.example/API/v1/cart/items?limit=20", 1_764_000_000_123L);
        PageView parsed = PageView.parse(raw.toInputJson());
        assertThat(parsed).isEqualTo(raw);
        assertThat(parsed.isApiCall()).isTrue();
        assertThat(parsed.isHealthCheck()).isFalse();

        String out = parsed.normalised().toOutputJson();
        assertThat(out).isEqualTo("{\"view\":42,\"path\":\"/api/v1/cart/items\",\"ts\":1764000000123}");
        assertThat(PageView.parse(out)).isEqualTo(new PageView(42, "/api/v1/cart/items", 1_764_000_000_123L));
    }

    @Test
    void recognisesHealthChecksAndRejectsMalformedValues() {
        assertThat(PageView.parse("{\"view\":1,\"url\":\"http://shop.example/healthz\",\"ts\":5}").isHealthCheck())
                .isTrue();
        assertThatThrownBy(() -> PageView.parse("{\"view\":1,\"ts\":5}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PageView.parse("{\"view\":x,\"url\":\"/\",\"ts\":5}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
