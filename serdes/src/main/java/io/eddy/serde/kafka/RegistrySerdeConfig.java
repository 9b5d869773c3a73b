package io.eddy.serde.kafka;

import io.eddy.serde.avro.AvroSerdeOptions;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SubjectNameStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;

/**
 * A schema-registry serde's configuration read from a Kafka-style properties map, with
 * Confluent's property names where they apply, so the properties of an existing
 * {@code KafkaAvroSerializer} set-up carry over.
 *
 * <table>
 *   <caption>Properties read (all others are ignored, as Kafka passes a client's whole configuration to its serializers)</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code schema.registry.url}</td><td>one or more URLs, comma-separated (or a list)</td><td>required</td></tr>
 *   <tr><td>{@code basic.auth.credentials.source}</td><td>{@code USER_INFO} (the only source supported)</td><td>{@code USER_INFO}</td></tr>
 *   <tr><td>{@code basic.auth.user.info}</td><td>{@code user:password} for HTTP basic authentication</td><td>none</td></tr>
 *   <tr><td>{@code bearer.auth.credentials.source}</td><td>{@code STATIC_TOKEN} (the only source supported)</td><td>none</td></tr>
 *   <tr><td>{@code bearer.auth.token}</td><td>a static bearer token</td><td>none</td></tr>
 *   <tr><td>{@code auto.register.schemas}</td><td>{@link AvroSerdeOptions#withAutoRegister}</td><td>true</td></tr>
 *   <tr><td>{@code use.latest.version}</td><td>{@link AvroSerdeOptions#withUseLatestVersion} (turns auto-register off)</td><td>false</td></tr>
 *   <tr><td>{@code use.schema.id}</td><td>{@link AvroSerdeOptions#withFixedSchemaId} (turns auto-register off); -1 for none</td><td>-1</td></tr>
 *   <tr><td>{@code normalize.schemas}</td><td>{@link AvroSerdeOptions#withNormalizeSchemas}</td><td>false</td></tr>
 *   <tr><td>{@code key.subject.name.strategy}, {@code value.subject.name.strategy}</td><td>Confluent's
 *       {@code TopicNameStrategy}, {@code RecordNameStrategy} or {@code TopicRecordNameStrategy}, by class
 *       name ({@code io.confluent.kafka.serializers.subject.…}) or simple name</td><td>{@code TopicNameStrategy}</td></tr>
 *   <tr><td>{@code avro.use.logical.type.converters}</td><td>{@link AvroSerdeOptions#withLogicalTypeConverters}</td><td>false</td></tr>
 *   <tr><td>{@code latest.cache.ttl.sec}</td><td>{@link SchemaRegistry#latestVersionTtl()}, in seconds; -1 for the default</td><td>60</td></tr>
 *   <tr><td>{@code max.schemas.per.subject}</td><td>{@link SchemaRegistry#cacheCapacity()}</td><td>1000</td></tr>
 *   <tr><td>{@code http.read.timeout.ms}</td><td>{@link SchemaRegistry#requestTimeout()}</td><td>5000</td></tr>
 *   <tr><td>{@code eddy.registry.retry.budget.ms}</td><td>{@link SchemaRegistry#retryBudget()} (Eddy's own)</td><td>5000</td></tr>
 *   <tr><td>{@code eddy.schema.id.in.headers}</td><td>{@link AvroSerdeOptions#withWriteIdInHeaders} (Eddy's own)</td><td>false</td></tr>
 * </table>
 *
 * <pre>{@code
 * RegistrySerdeConfig config = RegistrySerdeConfig.parse(Map.of(
 *         "schema.registry.url", "http://registry:8081",
 *         "auto.register.schemas", "false",
 *         "use.latest.version", "true"), false);
 * SchemaRegistryClient client = SchemaRegistryClient.create(config.registry());
 * Serde<GenericRecord> serde = AvroSerdes.generic(client, config.avroOptions());
 * }</pre>
 *
 * <p>Values may be strings or the matching Java types. A bad value fails {@link #parse} with a
 * Kafka {@link ConfigException} naming the property and the value (never a secret's value).
 * Immutable and thread-safe; {@link #toString()} shows no secret.
 */
public final class RegistrySerdeConfig {

    /** Confluent's {@code schema.registry.url}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Confluent's {@code basic.auth.credentials.source}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** Confluent's {@code basic.auth.user.info}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Confluent's {@code bearer.auth.credentials.source}. */
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    /** Confluent's {@code bearer.auth.token}. */
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /** Confluent's {@code auto.register.schemas}. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Confluent's {@code use.latest.version}. */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Confluent's {@code use.schema.id}. */
    public static final String USE_SCHEMA_ID = "use.schema.id";
    /** Confluent's {@code normalize.schemas}. */
    public static final String NORMALIZE_SCHEMAS = "normalize.schemas";
    /** Confluent's {@code key.subject.name.strategy}. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** Confluent's {@code value.subject.name.strategy}. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    /** Confluent's {@code avro.use.logical.type.converters}. */
    public static final String AVRO_USE_LOGICAL_TYPE_CONVERTERS = "avro.use.logical.type.converters";
    /** Confluent's {@code latest.cache.ttl.sec}. */
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    /** Confluent's {@code max.schemas.per.subject}. */
    public static final String MAX_SCHEMAS_PER_SUBJECT = "max.schemas.per.subject";
    /** Confluent's {@code http.read.timeout.ms}. */
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    /** Eddy's own: the registry client's retry budget in milliseconds. */
    public static final String RETRY_BUDGET_MS = "eddy.registry.retry.budget.ms";
    /** Eddy's own: whether to write the schema id in a header instead of the prefix. */
    public static final String SCHEMA_ID_IN_HEADERS = "eddy.schema.id.in.headers";

    private static final String CONFLUENT_STRATEGIES = "io.confluent.kafka.serializers.subject.";

    private final SchemaRegistry registry;
    private final AvroSerdeOptions avroOptions;
    private final boolean isKey;

    private RegistrySerdeConfig(SchemaRegistry registry, AvroSerdeOptions avroOptions, boolean isKey) {
        this.registry = registry;
        this.avroOptions = avroOptions;
        this.isKey = isKey;
    }

    /**
     * Reads the properties listed on this class.
     *
     * @param configs the properties; never null; keys not listed are ignored
     * @param isKey whether the serde is for record keys (chooses {@code key.subject.name.strategy}
     *     over {@code value.subject.name.strategy})
     * @throws ConfigException naming the property and value when one is missing or bad
     */
    public static RegistrySerdeConfig parse(Map<String, ?> configs, boolean isKey) {
        Objects.requireNonNull(configs, "configs");
        SchemaRegistry.Builder registry = SchemaRegistry.builder();
        List<String> urls = urls(configs.get(SCHEMA_REGISTRY_URL));
        if (urls.isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " is required: the registry's URL, or several comma-separated");
        }
        registry.urls(urls.toArray(String[]::new));

        String basicSource = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        Object userInfo = configs.get(BASIC_AUTH_USER_INFO);
        if (userInfo != null && !userInfo.toString().isEmpty()) {
            if (!basicSource.equalsIgnoreCase("USER_INFO")) {
                throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, basicSource,
                        "only USER_INFO is supported (with " + BASIC_AUTH_USER_INFO + ")");
            }
            String info = userInfo.toString();
            int colon = info.indexOf(':');
            if (colon <= 0) {
                // never echo the value: it holds a password
                throw new ConfigException(BASIC_AUTH_USER_INFO + " must be 'user:password' (value not shown)");
            }
            registry.basicAuth(info.substring(0, colon), info.substring(colon + 1));
        }
        Object token = configs.get(BEARER_AUTH_TOKEN);
        if (token != null && !token.toString().isEmpty()) {
            String source = string(configs, BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN");
            if (!source.equalsIgnoreCase("STATIC_TOKEN")) {
                throw new ConfigException(BEARER_AUTH_CREDENTIALS_SOURCE, source, "only STATIC_TOKEN is supported (with "
                        + BEARER_AUTH_TOKEN + ")");
            }
            String value = token.toString();
            registry.bearerToken(() -> value);
        }
        long ttl = longValue(configs, LATEST_CACHE_TTL_SEC, -1);
        if (ttl >= 0) {
            registry.latestVersionTtl(Duration.ofSeconds(ttl));
        } else if (ttl != -1) {
            throw new ConfigException(LATEST_CACHE_TTL_SEC, ttl, "must be -1 (the default) or a number of seconds");
        }
        long capacity = longValue(configs, MAX_SCHEMAS_PER_SUBJECT, 1000);
        if (capacity <= 0 || capacity > Integer.MAX_VALUE) {
            throw new ConfigException(MAX_SCHEMAS_PER_SUBJECT, capacity, "must be a positive int");
        }
        registry.cacheCapacity((int) capacity);
        long timeout = longValue(configs, HTTP_READ_TIMEOUT_MS, 5000);
        if (timeout <= 0) {
            throw new ConfigException(HTTP_READ_TIMEOUT_MS, timeout, "must be positive");
        }
        registry.requestTimeout(Duration.ofMillis(timeout));
        long budget = longValue(configs, RETRY_BUDGET_MS, 5000);
        if (budget < 0) {
            throw new ConfigException(RETRY_BUDGET_MS, budget, "must not be negative");
        }
        registry.retryBudget(Duration.ofMillis(budget));
        SchemaRegistry built;
        try {
            built = registry.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }

        AvroSerdeOptions options = AvroSerdeOptions.defaults()
                .withAutoRegister(bool(configs, AUTO_REGISTER_SCHEMAS, true))
                .withNormalizeSchemas(bool(configs, NORMALIZE_SCHEMAS, false))
                .withLogicalTypeConverters(bool(configs, AVRO_USE_LOGICAL_TYPE_CONVERTERS, false))
                .withWriteIdInHeaders(bool(configs, SCHEMA_ID_IN_HEADERS, false));
        boolean explicitAutoRegister = configs.containsKey(AUTO_REGISTER_SCHEMAS) && options.autoRegister();
        if (bool(configs, USE_LATEST_VERSION, false)) {
            if (explicitAutoRegister) {
                throw new ConfigException(USE_LATEST_VERSION, "true", "needs " + AUTO_REGISTER_SCHEMAS + "=false");
            }
            options = options.withUseLatestVersion(true);
        }
        long fixedId = longValue(configs, USE_SCHEMA_ID, -1);
        if (fixedId != -1) {
            if (fixedId < 0 || fixedId > Integer.MAX_VALUE) {
                throw new ConfigException(USE_SCHEMA_ID, fixedId, "must be -1 (none) or a schema id");
            }
            if (explicitAutoRegister || options.useLatestVersion()) {
                throw new ConfigException(USE_SCHEMA_ID, fixedId, "excludes " + AUTO_REGISTER_SCHEMAS + "=true and "
                        + USE_LATEST_VERSION + "=true");
            }
            options = options.withFixedSchemaId((int) fixedId);
        }
        String strategyKey = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
        options = options.withSubjectNameStrategy(strategy(strategyKey, string(configs, strategyKey, "TopicNameStrategy")));
        return new RegistrySerdeConfig(built, options, isKey);
    }

    /** The registry client's configuration: create one client from it and share it. */
    public SchemaRegistry registry() {
        return registry;
    }

    /** The Avro serde's options. */
    public AvroSerdeOptions avroOptions() {
        return avroOptions;
    }

    /**
     * The options of a Protobuf or JSON Schema serde: the same properties as {@link #avroOptions()}
     * without the Avro-only ones.
     */
    public RegistrySerdeOptions registryOptions() {
        return avroOptions.registryOptions();
    }

    /** Whether this configuration is for record keys. */
    public boolean isKey() {
        return isKey;
    }

    @Override
    public String toString() {
        return "RegistrySerdeConfig{" + (isKey ? "key" : "value") + ", " + registry + ", " + avroOptions + "}";
    }

    private static SubjectNameStrategy strategy(String key, String name) {
        String simple = name.startsWith(CONFLUENT_STRATEGIES) ? name.substring(CONFLUENT_STRATEGIES.length()) : name;
        return switch (simple) {
            case "TopicNameStrategy" -> SubjectNameStrategy.TOPIC_NAME;
            case "RecordNameStrategy" -> SubjectNameStrategy.RECORD_NAME;
            case "TopicRecordNameStrategy" -> SubjectNameStrategy.TOPIC_RECORD_NAME;
            default -> throw new ConfigException(key, name, "expected TopicNameStrategy, RecordNameStrategy or "
                    + "TopicRecordNameStrategy (optionally prefixed by " + CONFLUENT_STRATEGIES + ")");
        };
    }

    private static List<String> urls(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            c.forEach(v -> out.add(String.valueOf(v).strip()));
        } else if (value != null) {
            for (String part : value.toString().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    private static String string(Map<String, ?> configs, String key, String fallback) {
        Object v = configs.get(key);
        return v == null ? fallback : v.toString().strip();
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean fallback) {
        Object v = configs.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().strip().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(key, v, "expected true or false");
    }

    private static long longValue(Map<String, ?> configs, String key, long fallback) {
        Object v = configs.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected a whole number");
        }
    }
}
