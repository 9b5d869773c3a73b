package io.eddy.serde.registry;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * How to reach a Confluent-compatible schema registry and how to cache its answers: an
 * immutable configuration, validated by {@link Builder#build()}. Create a client from it with
 * {@link SchemaRegistryClient#create(SchemaRegistry)} and share that client among serdes.
 *
 * <pre>{@code
 * SchemaRegistry config = SchemaRegistry.builder()
 *         .urls("http://registry-1:8081", "http://registry-2:8081")
 *         .basicAuth("user", "secret")
 *         .retryBudget(Duration.ofSeconds(10))
 *         .build();
 * SchemaRegistryClient registry = SchemaRegistryClient.create(config);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SchemaRegistry {

    private final List<URI> urls;
    private final String basicAuthUser;
    private final String basicAuthPassword;
    private final Supplier<String> bearerToken;
    private final Map<String, String> headers;
    private final Duration requestTimeout;
    private final Duration retryBudget;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final SSLContext sslContext;
    private final int cacheCapacity;
    private final Duration latestVersionTtl;
    private final Duration negativeCacheTtl;

    private SchemaRegistry(Builder b) {
        this.urls = List.copyOf(b.urls);
        this.basicAuthUser = b.basicAuthUser;
        this.basicAuthPassword = b.basicAuthPassword;
        this.bearerToken = b.bearerToken;
        this.headers = Map.copyOf(b.headers);
        this.requestTimeout = b.requestTimeout;
        this.retryBudget = b.retryBudget;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.sslContext = b.sslContext;
        this.cacheCapacity = b.cacheCapacity;
        this.latestVersionTtl = b.latestVersionTtl;
        this.negativeCacheTtl = b.negativeCacheTtl;
    }

    /** A builder with the defaults documented on each of its methods. */
    public static Builder builder() {
        return new Builder();
    }

    /** The registry base URLs, in fail-over order; never empty. */
    public List<URI> urls() {
        return urls;
    }

    /**
     * The value of the {@code Authorization} header for basic authentication, or null if basic
     * authentication is not configured. Bearer tokens are fetched per request from
     * {@link #bearerToken()}.
     */
    public String basicAuthHeader() {
        if (basicAuthUser == null) {
            return null;
        }
        String pair = basicAuthUser + ":" + basicAuthPassword;
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The bearer token supplier, or null if bearer authentication is not configured. */
    public Supplier<String> bearerToken() {
        return bearerToken;
    }

    /** Extra headers sent with every request; never null, unmodifiable. */
    public Map<String, String> headers() {
        return headers;
    }

    /** How long one HTTP attempt (connect and answer) may take. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How long one operation may spend retrying across all URLs before it gives up. */
    public Duration retryBudget() {
        return retryBudget;
    }

    /** The backoff before the first retry; it doubles with each retry up to {@link #maxBackoff()}. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** The largest backoff between retries. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The TLS context for {@code https} URLs, or null for the JDK default. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The maximum number of entries in each of the client's caches. */
    public int cacheCapacity() {
        return cacheCapacity;
    }

    /** How long an answer to "latest version of a subject" is reused; zero disables that cache. */
    public Duration latestVersionTtl() {
        return latestVersionTtl;
    }

    /** How long a "not found" answer for an id, GUID or lookup is reused; zero (the default) disables it. */
    public Duration negativeCacheTtl() {
        return negativeCacheTtl;
    }

    @Override
    public String toString() {
        return "SchemaRegistry{urls=" + urls
                + ", auth=" + (basicAuthUser != null ? "basic(" + basicAuthUser + ")" : bearerToken != null ? "bearer" : "none")
                + ", headers=" + headers.keySet()
                + ", requestTimeout=" + requestTimeout + ", retryBudget=" + retryBudget
                + ", cacheCapacity=" + cacheCapacity + ", latestVersionTtl=" + latestVersionTtl
                + ", negativeCacheTtl=" + negativeCacheTtl + "}";
    }

    /**
     * Builds a {@link SchemaRegistry}. Each setter may be called more than once (the last call
     * wins); {@link #build()} checks the whole configuration and names the bad option and value.
     * Not thread-safe.
     */
    public static final class Builder {

        private final List<URI> urls = new ArrayList<>();
        private String basicAuthUser;
        private String basicAuthPassword;
        private Supplier<String> bearerToken;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration retryBudget = Duration.ofSeconds(5);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private SSLContext sslContext;
        private int cacheCapacity = 1000;
        private Duration latestVersionTtl = Duration.ofMinutes(1);
        private Duration negativeCacheTtl = Duration.ZERO;
        private final List<String> errors = new ArrayList<>();

        private Builder() {
        }

        /** Sets one registry URL, replacing any set before. Required (this or {@link #urls}). */
        public Builder url(String url) {
            return urls(url);
        }

        /**
         * Sets the registry URLs, tried in this order: a URL that cannot be reached or answers
         * 408, 429 or 5xx is skipped for the next one. Replaces any set before.
         */
        public Builder urls(String... urls) {
            Objects.requireNonNull(urls, "urls");
            this.urls.clear();
            for (String u : urls) {
                if (u == null) {
                    errors.add("url must not be null");
                    continue;
                }
                String trimmed = u.strip();
                while (trimmed.endsWith("/")) {
                    trimmed = trimmed.substring(0, trimmed.length() - 1);
                }
                try {
                    URI uri = URI.create(trimmed);
                    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                        errors.add("url must be an absolute http or https URL, got '" + u + "'");
                    } else {
                        this.urls.add(uri);
                    }
                } catch (IllegalArgumentException e) {
                    errors.add("url is not a valid URI: '" + u + "'");
                }
            }
            return this;
        }

        /** Sends HTTP basic authentication with every request. Excludes {@link #bearerToken}. */
        public Builder basicAuth(String user, String password) {
            this.basicAuthUser = Objects.requireNonNull(user, "user");
            this.basicAuthPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Sends {@code Authorization: Bearer <token>} with every request, asking the supplier for
         * the token each time (so it may refresh it). The supplier must be thread-safe and fast.
         * Excludes {@link #basicAuth}.
         */
        public Builder bearerToken(Supplier<String> token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Adds a header sent with every request (for example a tenant id). */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            headers.put(name, value);
            return this;
        }

        /** How long one HTTP attempt may take, connect included. Default 5 s; must be positive. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How long one operation may keep retrying (across all URLs) on connection failures,
         * timeouts, 408, 429 and 5xx before it throws {@link SchemaRegistryUnavailableException}.
         * Default 5 s; zero means each URL is tried once.
         *
         * <p>With the defaults, a call against an unreachable registry gives up after at most
         * about 10 s (the budget plus one request timeout; a refused connection fails at once, so
         * it is the 5 s budget then). The serde's failure is retriable: the application aborts
         * the batch and retries it, so a short budget loses nothing and keeps a cold serde from
         * holding a batch for long. Raise it for registries that fail over slowly.
         */
        public Builder retryBudget(Duration budget) {
            this.retryBudget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /**
         * The exponential backoff between retries: {@code initial}, doubling up to {@code max},
         * each with random jitter of up to half the delay. Defaults 100 ms and 5 s.
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.initialBackoff = Objects.requireNonNull(initial, "initial");
            this.maxBackoff = Objects.requireNonNull(max, "max");
            return this;
        }

        /** The TLS context for {@code https} URLs. Default: the JDK's default context. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** The maximum number of entries in each cache (id, GUID, schema, subject). Default 1000. */
        public Builder cacheCapacity(int capacity) {
            this.cacheCapacity = capacity;
            return this;
        }

        /** How long "latest version of a subject" answers are reused. Default 1 minute; zero disables. */
        public Builder latestVersionTtl(Duration ttl) {
            this.latestVersionTtl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /**
         * How long "not found" answers for ids, GUIDs and lookups are reused, to spare the
         * registry from a stream of records with an unknown id. Default zero (disabled).
         */
        public Builder negativeCacheTtl(Duration ttl) {
            this.negativeCacheTtl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /**
         * Checks the configuration and builds it.
         *
         * @throws IllegalArgumentException naming every bad option and its value
         */
        public SchemaRegistry build() {
            List<String> problems = new ArrayList<>(errors);
            if (urls.isEmpty() && errors.isEmpty()) {
                problems.add("url is required: call url(...) or urls(...)");
            }
            if (basicAuthUser != null && bearerToken != null) {
                problems.add("basicAuth and bearerToken are exclusive: set only one");
            }
            if (requestTimeout.isZero() || requestTimeout.isNegative()) {
                problems.add("requestTimeout must be positive, got " + requestTimeout);
            }
            if (retryBudget.isNegative()) {
                problems.add("retryBudget must not be negative, got " + retryBudget);
            }
            if (initialBackoff.isZero() || initialBackoff.isNegative()) {
                problems.add("retryBackoff initial must be positive, got " + initialBackoff);
            }
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                problems.add("retryBackoff max must be at least initial (" + initialBackoff + "), got " + maxBackoff);
            }
            if (cacheCapacity <= 0) {
                problems.add("cacheCapacity must be positive, got " + cacheCapacity);
            }
            if (latestVersionTtl.isNegative()) {
                problems.add("latestVersionTtl must not be negative, got " + latestVersionTtl);
            }
            if (negativeCacheTtl.isNegative()) {
                problems.add("negativeCacheTtl must not be negative, got " + negativeCacheTtl);
            }
            for (String name : headers.keySet()) {
                if (name.isBlank() || name.equalsIgnoreCase("authorization") && (basicAuthUser != null || bearerToken != null)) {
                    problems.add("header '" + name + "' is not allowed here (blank, or clashes with the configured authentication)");
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid schema registry configuration: " + String.join("; ", problems));
            }
            return new SchemaRegistry(this);
        }
    }
}
