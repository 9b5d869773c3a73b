package io.eddy.spring.boot;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which Kafka client settings hold secrets, so that the starter never prints their values: names
 * containing {@code password}, {@code passphrase}, {@code secret}, {@code token},
 * {@code sasl.jaas.config} or {@code user.info}, or ending in {@code .key}. The same rule as the core's.
 */
final class Secrets {
    static final String HIDDEN = "[hidden]";
    private static final String[] SECRET_PARTS = {
        "password", "passphrase", "secret", "token", "sasl.jaas.config", "user.info"
    };

    private Secrets() {
    }

    /** Whether {@code key} names a secret; true for null. */
    static boolean isSecret(String key) {
        if (key == null) {
            return true;
        }
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".key") || k.endsWith("-key")) {
            return true;
        }
        for (String part : SECRET_PARTS) {
            if (k.contains(part) || k.contains(part.replace('.', '-'))) {
                return true;
            }
        }
        return false;
    }

    /** A sorted copy of {@code settings} with every secret value replaced by {@value #HIDDEN}. */
    static Map<String, String> shown(Map<String, String> settings) {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((k, v) -> shown.put(k, v == null ? null : isSecret(k) ? HIDDEN : v));
        return shown;
    }
}
