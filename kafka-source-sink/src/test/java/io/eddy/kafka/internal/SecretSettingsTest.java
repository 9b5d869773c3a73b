package io.eddy.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
        "ssl.keystore.key", "sasl.jaas.config", "SASL.JAAS.CONFIG", "sasl.oauthbearer.client.credentials.client.secret",
        "sasl.oauthbearer.assertion.private.key.passphrase", "basic.auth.user.info", "my.api.token", "private.key"})
    void settingsHoldingSecretsAreSecret(String key) {
        assertThat(SecretSettings.isSecret(key)).isTrue();
        assertThat(SecretSettings.shown(key, "s3cr3t")).isEqualTo(SecretSettings.HIDDEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"security.protocol", "sasl.mechanism", "ssl.keystore.location", "ssl.keystore.type",
        "client.rack", "max.poll.records", "ssl.endpoint.identification.algorithm", "key.serializer"})
    void otherSettingsAreShownAsTheyAre(String key) {
        assertThat(SecretSettings.isSecret(key)).isFalse();
        assertThat(SecretSettings.shown(key, "value")).isEqualTo("value");
    }

    @Test
    void aPasswordValueOrAValueWithoutANameIsHiddenAndNullStaysNull() {
        assertThat(SecretSettings.shown("anything", new Password("p"))).isEqualTo(SecretSettings.HIDDEN);
        assertThat(SecretSettings.shown(null, "p")).isEqualTo(SecretSettings.HIDDEN);
        assertThat(SecretSettings.shown("ssl.key.password", null)).isNull();
    }

    @Test
    void aMapIsShownSortedWithEverySecretHidden() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"u\" password=\"hunter2\";");
        settings.put("ssl.truststore.password", "changeit");
        Map<String, Object> shown = SecretSettings.shown(settings);
        assertThat(shown).containsExactly(
                Map.entry("sasl.jaas.config", SecretSettings.HIDDEN),
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("ssl.truststore.password", SecretSettings.HIDDEN));
        assertThat(shown.toString()).doesNotContain("hunter2").doesNotContain("changeit");
    }
}
