package io.eddy.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eddy.AppState;
import io.eddy.AppStatus;
import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.KeyLocation;
import io.eddy.QueryableStores;
import io.eddy.StoreUnavailableException;
import io.eddy.InvalidConfigException;
import io.eddy.RestoreProgress;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP endpoint for one {@link EddyApp}: its status, progress, topology, Prometheus metrics,
 * health and tasks as JSON or text, and a live web UI.
 *
 * <pre>{@code
 * MonitoringServer server = MonitoringServer.builder(app).port(4040).build();
 * server.start();
 * System.out.println("monitoring at " + server.url());
 * ...
 * server.close();
 * }</pre>
 *
 * <h2>Endpoints (all GET)</h2>
 * <ul>
 *   <li>{@code /} the web UI; {@code /ui/...} its files;</li>
 *   <li>{@code /status}: {@link AppStatus#toJson()};</li>
 *   <li>{@code /progress}: a JSON array of {@link EddyApp#recentProgress()} ({@link BatchProgress#toJson()}
 *       each), oldest first; {@code ?since=<ISO-8601 instant>} keeps the batches committed at or after
 *       it, {@code ?limit=<n>} the last n;</li>
 *   <li>{@code /topology}: {@code {"text": ..., "unnamedStatefulOperators": [...]}} from {@link EddyApp#describe()};</li>
 *   <li>{@code /metrics}: the Prometheus text format;</li>
 *   <li>{@code /health/live}: 200 unless the application failed (503);</li>
 *   <li>{@code /health/ready}: 200 when the application is RUNNING and no store has more than
 *       {@link Builder#readyRestoreBacklog(long)} records left to restore, else 503;</li>
 *   <li>{@code /tasks}: per worker, its tasks with their phase (running or restoring) and the lag of
 *       their partitions after the worker's last batch.</li>
 * </ul>
 * An unknown path answers 404, another method 405, a bad query parameter 400, a missing or wrong
 * token 401; errors are a JSON object {@code {"error": "..."}}, never a stack trace.
 *
 * <h2>Why the JDK's server</h2>
 * {@code com.sun.net.httpserver} ships with every JDK 17 (module {@code jdk.httpserver}): no
 * dependency to keep up to date or to clash with the service's own web stack, and a handful of
 * read-only endpoints need nothing more. It runs on two daemon threads of its own.
 *
 * <p>Bound to 127.0.0.1 by default: the endpoint tells what the application reads and how far it is,
 * so exposing it is a choice ({@link Builder#bindAddress}); with {@link Builder#bearerToken} every
 * request must carry {@code Authorization: Bearer <token>} (the token is never logged or printed).
 * Thread-safe.
 */
public final class MonitoringServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MonitoringServer.class);
    private static final String UI = "/io/eddy/monitoring/ui/";

    private final EddyApp app;
    private final String bindAddress;
    private final int port;
    private final byte[] token;
    private final long readyRestoreBacklog;
    private final PrometheusMeterRegistry registry;
    private final EddyMeterBinder ownBinder;
    private HttpServer server;
    private ExecutorService executor;

    private MonitoringServer(Builder b) {
        this.app = b.app;
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.token = b.bearerToken == null ? null : b.bearerToken.getBytes(StandardCharsets.UTF_8);
        this.readyRestoreBacklog = b.readyRestoreBacklog;
        if (b.registry != null) {
            this.registry = b.registry;
            this.ownBinder = null;
        } else {
            this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            this.ownBinder = EddyMeterBinder.of(app);
            ownBinder.bindTo(registry);
        }
    }

    /** A builder for an endpoint of {@code app}. @throws NullPointerException if {@code app} is null */
    public static Builder builder(EddyApp app) {
        return new Builder(Objects.requireNonNull(app, "app"));
    }

    /**
     * Starts serving.
     *
     * @throws IllegalStateException if started before
     * @throws java.io.UncheckedIOException if the address cannot be bound (the message names it)
     */
    public synchronized MonitoringServer start() {
        if (server != null) {
            throw new IllegalStateException("the monitoring server is already started at " + url());
        }
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 64);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
        }
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "eddy-monitoring-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        log.info("monitoring of '{}' at {}", app.status().applicationId(), url());
        return this;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:4040/}. @throws IllegalStateException before start */
    public synchronized URI url() {
        if (server == null) {
            throw new IllegalStateException("the monitoring server is not started");
        }
        String host = server.getAddress().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + server.getAddress().getPort() + "/");
    }

    /** The registry {@code /metrics} scrapes (the one given, or the server's own). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops serving (at once) and unbinds the server's own meter binder; the application goes on. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
        if (ownBinder != null) {
            ownBinder.close();
        }
    }

    @Override
    public String toString() {
        return "MonitoringServer[" + bindAddress + ":" + port + (token == null ? "" : ", bearer token set") + "]";
    }

    // ---- requests

    private record Response(int status, String contentType, byte[] body) {
        static Response json(int status, String json) {
            return new Response(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
        }

        static Response error(int status, String message) {
            StringBuilder out = new StringBuilder("{\"error\":");
            Json.string(out, message);
            return json(status, out.append('}').toString());
        }
    }

    /** A request the server refuses with a 4xx answer. */
    private static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void handle(HttpExchange exchange) {
        Response response;
        try {
            response = respond(exchange);
        } catch (BadRequest e) {
            response = Response.error(e.status, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("monitoring: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            response = Response.error(500, "internal error; see the application's log");
        }
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            if (response.status() == 503) {
                exchange.getResponseHeaders().set("Retry-After", "1");
            }
            if (response.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"eddy\"");
            }
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            log.debug("monitoring: the client went away: {}", e.toString());
        }
    }

    private Response respond(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            throw new BadRequest(405, "method " + method + " not allowed; the endpoint is read-only (GET)");
        }
        if (token != null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            throw new BadRequest(401, "missing or wrong bearer token (header Authorization: Bearer <token>)");
        }
        String path = exchange.getRequestURI().getPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        return switch (path) {
            case "/status" -> Response.json(200, app.status().toJson());
            case "/progress" -> Response.json(200, progress(query));
            case "/topology" -> Response.json(200, topology());
            case "/metrics" -> new Response(200, "text/plain; version=0.0.4; charset=utf-8",
                    registry.scrape().getBytes(StandardCharsets.UTF_8));
            case "/health/live" -> live();
            case "/health/ready" -> ready();
            case "/tasks" -> Response.json(200, tasks());
            case "/", "/index.html" -> resource("index.html");
            default -> {
                if (path.startsWith("/ui/")) {
                    yield resource(path.substring("/ui/".length()));
                }
                if (path.startsWith("/stores/")) {
                    yield storeKey(exchange, query);
                }
                throw new BadRequest(404, "no such resource: " + path + "; try /status, /progress, /topology, "
                        + "/metrics, /health/live, /health/ready, /tasks, /stores/{store}/keys/{key} or / (the UI)");
            }
        };
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);   // constant time
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.put(name, value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "malformed query string");
        }
    }

    private String progress(Map<String, String> query) {
        for (String name : query.keySet()) {
            if (!name.equals("since") && !name.equals("limit")) {
                throw new BadRequest(400, "unknown parameter '" + name + "' of /progress; known: since, limit");
            }
        }
        Instant since = null;
        if (query.containsKey("since")) {
            try {
                since = Instant.parse(query.get("since"));
            } catch (DateTimeParseException e) {
                throw new BadRequest(400, "since must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, got '"
                        + query.get("since") + "'");
            }
        }
        int limit = Integer.MAX_VALUE;
        if (query.containsKey("limit")) {
            try {
                limit = Integer.parseInt(query.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1) {
                throw new BadRequest(400, "limit must be a positive integer, got '" + query.get("limit") + "'");
            }
        }
        List<BatchProgress> recent = app.recentProgress();
        StringBuilder out = new StringBuilder(256 + recent.size() * 512).append('[');
        int from = Math.max(0, recent.size() - limit);
        boolean first = true;
        for (int i = from; i < recent.size(); i++) {
            BatchProgress p = recent.get(i);
            if (since != null && p.committedAt().isBefore(since)) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(p.toJson());
        }
        return out.append(']').toString();
    }

    private String topology() {
        StringBuilder out = new StringBuilder("{\"text\":");
        Json.string(out, app.describe().toString());
        out.append(",\"unnamedStatefulOperators\":[");
        List<String> unnamed = app.describe().unnamedStatefulOperators();
        for (int i = 0; i < unnamed.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Json.string(out, unnamed.get(i));
        }
        return out.append("]}").toString();
    }

    private Response live() {
        AppState state = app.state();
        return state == AppState.ERROR ? Response.error(503, "the application failed: "
                + app.status().failure().orElse("unknown"))
                : Response.json(200, "{\"status\":\"UP\",\"state\":\"" + state + "\"}");
    }

    private Response ready() {
        AppStatus status = app.status();
        long backlog = restoreBacklog(status);
        boolean restoring = status.restoring();
        boolean ready = status.state() == AppState.RUNNING && (restoring ? readyRestoreBacklog > 0
                && backlog <= readyRestoreBacklog : true);
        String body = "{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"state\":\"" + status.state()
                + "\",\"restoring\":" + restoring + ",\"restoreBacklog\":" + backlog + "}";
        return Response.json(ready ? 200 : 503, body);
    }

    /** Changelog records still to restore by the tasks restoring now, as their last reports tell. */
    static long restoreBacklog(AppStatus status) {
        java.util.Set<Integer> restoring = new java.util.HashSet<>();
        status.workers().forEach(w -> restoring.addAll(w.restoringTasks()));
        return status.restores().stream()
                .filter(r -> r.phase() != RestoreProgress.Phase.DONE && restoring.contains(r.task()))
                .mapToLong(r -> Math.max(0, r.total() - r.restored())).sum();
    }

    // ---- interactive queries: GET /stores/{store}/keys/{key}

    /**
     * Answers a key lookup from this instance's committed state, or forwards it once to the instance
     * owning the key's task (the forwarded request carries {@code forwarded=true} and is never
     * forwarded again). 200 with the value, 404 if the key has no value, 400 for a key the store's
     * key type cannot be parsed from (only string, long and int keys can be asked over HTTP), 503
     * with {@code Retry-After} while the answer is unavailable (rebalance, restore, owner unknown).
     */
    private Response storeKey(HttpExchange exchange, Map<String, String> query) {
        String raw = exchange.getRequestURI().getRawPath();
        String[] parts = raw.substring("/stores/".length()).split("/", -1);
        if (parts.length != 3 || !parts[1].equals("keys") || parts[0].isEmpty() || parts[2].isEmpty()) {
            throw new BadRequest(404, "a key lookup is /stores/{store}/keys/{key}");
        }
        String store = decodePath(parts[0]);
        String keyText = decodePath(parts[2]);
        boolean forwarded = "true".equals(query.get("forwarded"));
        Object key;
        KeyLocation location;
        try {
            key = parseKey(app.storeKeySerde(store), store, keyText);
            location = app.metadataForKey(store, key);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e instanceof NumberFormatException ? 400 : 404, e.getMessage());
        } catch (StoreUnavailableException e) {
            return unavailable(e);
        }
        if (!location.isLocal()) {
            if (forwarded || location.endpoint().isEmpty()
                    || location.endpoint().get().equals(app.applicationServer().orElse(null))) {
                return unavailable(new StoreUnavailableException(store, StoreUnavailableException.Reason.NOT_HOSTED_HERE,
                        "task " + location.task() + " is not owned here, and its owner is "
                                + location.endpoint().orElse("not known yet")));
            }
            return forward(exchange, location.endpoint().get(), raw);
        }
        try {
            io.eddy.state.ReadOnlyKeyValueStore<Object, Object> kv = app.store(store, QueryableStores.keyValue());
            Object value = kv.get(key);
            StringBuilder out = new StringBuilder("{\"store\":");
            Json.string(out, store);
            out.append(",\"key\":");
            Json.string(out, keyText);
            out.append(",\"task\":").append(location.task()).append(",\"servedBy\":");
            Json.string(out, app.applicationServer().orElse("local"));
            out.append(",\"value\":");
            if (value == null) {
                out.append("null");
            } else if (value instanceof Number || value instanceof Boolean) {
                out.append(value);
            } else {
                Json.string(out, value.toString());
            }
            return Response.json(value == null ? 404 : 200, out.append('}').toString());
        } catch (StoreUnavailableException e) {
            return unavailable(e);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, e.getMessage());
        }
    }

    private static Object parseKey(io.eddy.serde.Serde<?> serde, String store, String text) {
        if (serde.getClass() == io.eddy.serde.Serdes.string().getClass()) {
            return text;
        }
        if (serde.getClass() == io.eddy.serde.Serdes.longs().getClass()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new NumberFormatException("store '" + store + "' has long keys; '" + text + "' is not one");
            }
        }
        if (serde.getClass() == io.eddy.serde.Serdes.ints().getClass()) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new NumberFormatException("store '" + store + "' has int keys; '" + text + "' is not one");
            }
        }
        throw new NumberFormatException("store '" + store + "' has keys of serde " + serde + "; over HTTP only "
                + "string, long and int keys can be looked up: query it in the service with app.store(...)");
    }

    private static String decodePath(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "malformed path segment");
        }
    }

    private static Response unavailable(StoreUnavailableException e) {
        StringBuilder out = new StringBuilder("{\"error\":");
        Json.string(out, e.getMessage());
        out.append(",\"reason\":\"").append(e.reason()).append("\",\"retriable\":").append(e.isRetriable()).append('}');
        return Response.json(e.isRetriable() ? 503 : 500, out.toString());
    }

    private Response forward(HttpExchange exchange, String endpoint, String rawPath) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest
                .newBuilder(URI.create("http://" + endpoint + rawPath + "?forwarded=true"))
                .timeout(java.time.Duration.ofSeconds(10)).GET();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            java.net.http.HttpResponse<byte[]> answer = forwarder().send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            return new Response(answer.statusCode(), answer.headers().firstValue("Content-Type")
                    .orElse("application/json; charset=utf-8"), answer.body());
        } catch (IOException e) {
            return unavailable(new StoreUnavailableException(store(rawPath), StoreUnavailableException.Reason.BUSY,
                    "forwarding to " + endpoint + " failed: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(new StoreUnavailableException(store(rawPath), StoreUnavailableException.Reason.BUSY,
                    "interrupted while forwarding to " + endpoint));
        }
    }

    private static String store(String rawPath) {
        return decodePath(rawPath.substring("/stores/".length()).split("/", -1)[0]);
    }

    private java.net.http.HttpClient forwardClient;

    private synchronized java.net.http.HttpClient forwarder() {
        if (forwardClient == null) {
            forwardClient = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();
        }
        return forwardClient;
    }

    private String tasks() {
        AppStatus status = app.status();
        StringBuilder out = new StringBuilder("[");
        boolean first = true;
        for (AppStatus.WorkerStatus w : status.workers()) {
            Map<org.apache.kafka.common.TopicPartition, Long> lags = w.lastBatch().map(BatchProgress::lags).orElse(Map.of());
            Map<Integer, Long> batchIds = w.lastBatch().map(BatchProgress::taskBatchIds).orElse(Map.of());
            for (int task : w.tasks()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append("{\"worker\":");
                Json.string(out, w.name());
                out.append(",\"task\":").append(task).append(",\"phase\":\"")
                        .append(w.restoringTasks().contains(task) ? "RESTORING" : "RUNNING").append('"');
                out.append(",\"lastBatchId\":").append(batchIds.containsKey(task) ? batchIds.get(task).toString() : "null");
                out.append(",\"partitions\":[");
                boolean firstPartition = true;
                for (Map.Entry<org.apache.kafka.common.TopicPartition, Long> e : lags.entrySet()) {
                    if (e.getKey().partition() != task) {
                        continue;
                    }
                    if (!firstPartition) {
                        out.append(',');
                    }
                    firstPartition = false;
                    out.append("{\"topic\":");
                    Json.string(out, e.getKey().topic());
                    out.append(",\"partition\":").append(task).append(",\"lag\":").append(e.getValue()).append('}');
                }
                out.append("],\"role\":\"active\"}");
            }
        }
        for (Map.Entry<Integer, Long> standby : app.standbyLags().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"worker\":null,\"task\":").append(standby.getKey())
                    .append(",\"phase\":\"STANDBY\",\"role\":\"standby\",\"lag\":")
                    .append(standby.getValue() < 0 ? "null" : standby.getValue().toString()).append('}');
        }
        return out.append(']').toString();
    }

    private Response resource(String name) {
        if (name.contains("..") || name.contains("//") || name.startsWith("/")) {
            throw new BadRequest(400, "bad resource name");
        }
        try (InputStream in = MonitoringServer.class.getResourceAsStream(UI + name)) {
            if (in == null) {
                throw new BadRequest(404, "no such file: /ui/" + name);
            }
            return new Response(200, contentType(name), in.readAllBytes());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "text/plain; charset=utf-8";
    }

    /** Options of a {@link MonitoringServer}; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final EddyApp app;
        private String bindAddress = "127.0.0.1";
        private int port;
        private String bearerToken;
        private long readyRestoreBacklog;
        private PrometheusMeterRegistry registry;

        private Builder(EddyApp app) {
            this.app = app;
        }

        /**
         * The address to listen on; default {@code 127.0.0.1} (this machine only). {@code 0.0.0.0}
         * listens on every interface: consider a {@link #bearerToken}.
         */
        public Builder bindAddress(String address) {
            this.bindAddress = address;
            return this;
        }

        /** The port; default 0, any free port ({@link MonitoringServer#url()} tells which). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * A token every request must present as {@code Authorization: Bearer <token>}; default none.
         * Never logged nor shown by {@code toString()}.
         */
        public Builder bearerToken(String token) {
            this.bearerToken = token;
            return this;
        }

        /**
         * {@code /health/ready} answers ready while stores restore if at most this many records are left
         * to restore in this instance; default 0: not ready while any store restores.
         */
        public Builder readyRestoreBacklog(long records) {
            this.readyRestoreBacklog = records;
            return this;
        }

        /**
         * The registry {@code /metrics} scrapes; the caller binds what it wants to it (an
         * {@link EddyMeterBinder}, a {@link MeteredClientFactory}, JVM metrics). Default: a registry of
         * the server's own with an {@link EddyMeterBinder} of the application bound.
         */
        public Builder registry(PrometheusMeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /**
         * The server, not started.
         *
         * @throws InvalidConfigException naming the option and value if the port is outside 0..65535,
         *         the bind address is empty, the token is blank, or the restore backlog negative
         */
        public MonitoringServer build() {
            if (port < 0 || port > 65535) {
                throw new InvalidConfigException("port", port, "must be between 0 and 65535");
            }
            if (bindAddress == null || bindAddress.isBlank()) {
                throw new InvalidConfigException("bindAddress", bindAddress, "must be a host name or address");
            }
            if (bearerToken != null && bearerToken.isBlank()) {
                throw new InvalidConfigException("bearerToken", "(blank)", "must not be blank; leave it unset for none");
            }
            if (readyRestoreBacklog < 0) {
                throw new InvalidConfigException("readyRestoreBacklog", readyRestoreBacklog, "must not be negative");
            }
            return new MonitoringServer(this);
        }
    }
}
