package io.eddy.kafka.internal;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.types.Password;

/**
 * Which client settings hold secrets, and their values hidden for messages, logs and
 * {@code toString()}. A setting is secret when its name contains {@code password},
 * {@code passphrase}, {@code secret}, {@code token}, {@code sasl.jaas.config} or {@code user.info},
 * or ends with {@code .key} (case-insensitive), when its value is a Kafka {@link Password}, or when
 * it has no name. The
 * rule errs towards hiding: hiding a harmless value costs a little clarity, showing a secret costs
 * far more.
 */
public final class SecretSettings {

    /** What a secret value is shown as. */
    public static final String HIDDEN = "[hidden]";

    private static final String[] SECRET_PARTS = {
        "password", "passphrase", "secret", "token", "sasl.jaas.config", "user.info"
    };

    private SecretSettings() {
    }

    /**
     * Whether the setting named {@code key} holds a secret; true for a null name, as nothing tells
     * its value harmless.
     */
    public static boolean isSecret(String key) {
        if (key == null) {
            return true;
        }
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".key")) {
            return true;
        }
        for (String part : SECRET_PARTS) {
            if (k.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code value} as it may be shown: {@link #HIDDEN} for a non-null value of a secret setting
     * (or a {@link Password}), else the value itself (null stays null).
     */
    public static Object shown(String key, Object value) {
        if (value == null) {
            return null;
        }
        return isSecret(key) || value instanceof Password ? HIDDEN : value;
    }

    /**
     * A sorted copy of {@code settings} fit to print: each secret value replaced by
     * {@link #HIDDEN}. Null keys and values are kept as they are.
     */
    public static Map<String, Object> shown(Map<String, ?> settings) {
        Map<String, Object> shown = new TreeMap<>(Comparator.nullsFirst(Comparator.<String>naturalOrder()));
        settings.forEach((k, v) -> shown.put(k, shown(k, v)));
        return shown;
    }
}
