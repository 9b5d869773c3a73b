package io.eddy.serde.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A small in-memory schema registry speaking enough of Confluent's REST API for the client and
 * serde tests, on {@code com.sun.net.httpserver}, with failure injection: scripted statuses,
 * delays, malformed bodies, required credentials, and a request log for counting calls.
 *
 * <p>Schemas get one global id per distinct (text, references), as on Confluent, and a GUID
 * derived from the text. Compatibility: NONE, or BACKWARD-style checks (the new schema reads the
 * latest) for every other level. With {@link #apicurioMode} it answers like Apicurio's ccompat
 * API: {@code application/json}, 40401 for a lookup miss on an existing subject, error_code 0 on
 * 409, {@code reason} instead of {@code messages}.
 */
public final class FakeRegistry implements AutoCloseable {

    /** A scripted answer for the next request. */
    public record Scripted(int status, String body, Duration delay) { }

    private record Stored(int id, String guid, String schema, String type, List<SchemaReference> refs) { }

    private record Version(int version, Stored schema) { }

    static {
        // Without this the JDK server's separate header and body writes meet the client's delayed
        // ACK, and every request takes about 40 ms. Read once, when the server classes load.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<Integer, Stored> byId = new LinkedHashMap<>();
    private final Map<String, List<Version>> subjects = new LinkedHashMap<>();
    private final Map<String, String> configs = new LinkedHashMap<>();
    private final ConcurrentLinkedDeque<Scripted> script = new ConcurrentLinkedDeque<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<Map<String, List<String>>> requestHeaders = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger nextId = new AtomicInteger(1);
    private volatile String requiredAuthorization;
    private volatile boolean apicurioMode;
    private volatile boolean guids = true;
    private String globalCompatibility = "BACKWARD";

    private FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a registry on a free loopback port. */
    public static FakeRegistry start() {
        try {
            return new FakeRegistry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A URL on which nothing listens (connection refused). */
    public static String deadUrl() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers like Apicurio's ccompat API. */
    public FakeRegistry apicurioMode(boolean on) {
        this.apicurioMode = on;
        return this;
    }

    /** Whether answers carry GUIDs (Confluent 8); default true. */
    public FakeRegistry guids(boolean on) {
        this.guids = on;
        return this;
    }

    /** Requires this exact Authorization header, else 401. Null disables. */
    public FakeRegistry requireAuthorization(String value) {
        this.requiredAuthorization = value;
        return this;
    }

    /** The next {@code count} requests get {@code status} with a JSON error body. */
    public FakeRegistry failNext(int count, int status) {
        for (int i = 0; i < count; i++) {
            script.add(new Scripted(status, "{\"error_code\":" + status + ",\"message\":\"scripted failure\"}", Duration.ZERO));
        }
        return this;
    }

    /** The next request gets this scripted answer. */
    public FakeRegistry scriptNext(Scripted answer) {
        script.add(answer);
        return this;
    }

    /** The next {@code count} requests are answered normally, but only after {@code delay}. */
    public FakeRegistry delayNext(int count, Duration delay) {
        for (int i = 0; i < count; i++) {
            script.add(new Scripted(-1, null, delay));
        }
        return this;
    }

    /** Every request so far, as "METHOD path?query". */
    public List<String> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** The number of requests so far. */
    public int requestCount() {
        return log.size();
    }

    /** The headers of every request so far. */
    public List<Map<String, List<String>>> requestHeaders() {
        synchronized (requestHeaders) {
            return List.copyOf(requestHeaders);
        }
    }

    /** Registers directly, without HTTP; returns the id. */
    public synchronized int registerDirect(String subject, String schema) {
        return register(subject, schema, "AVRO", List.of()).id();
    }

    /** Registers directly with a chosen id and GUID (for byte-level test vectors). */
    public synchronized void registerDirect(String subject, String schema, int id, String guid) {
        Stored stored = new Stored(id, guid, schema, "AVRO", List.of());
        byId.put(id, stored);
        List<Version> versions = subjects.computeIfAbsent(subject, k -> new ArrayList<>());
        versions.add(new Version(versions.size() + 1, stored));
    }

    /** Sets the global compatibility level directly. */
    public synchronized FakeRegistry globalCompatibility(String level) {
        this.globalCompatibility = level;
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            log.add(ex.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
            requestHeaders.add(Map.copyOf(ex.getRequestHeaders()));
            byte[] body = ex.getRequestBody().readAllBytes();
            Scripted s = script.poll();
            if (s != null && !s.delay().isZero()) {
                try {
                    Thread.sleep(s.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (s != null && s.status() > 0) {
                send(ex, s.status(), s.body());
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
                send(ex, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
                return;
            }
            Answer a;
            synchronized (this) {
                a = route(ex.getRequestMethod(), path, query, body);
            }
            send(ex, a.status, a.body);
        } catch (RuntimeException e) {
            send(ex, 500, "{\"error_code\":50001,\"message\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    private record Answer(int status, String body) { }

    private Answer ok(Object node) {
        try {
            return new Answer(200, json.writeValueAsString(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Answer error(int status, int code, String message) {
        return new Answer(status, "{\"error_code\":" + code + ",\"message\":\"" + message + "\"}");
    }

    private Answer route(String method, String path, String query, byte[] body) throws IOException {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                parts.add(URLDecoder.decode(p, StandardCharsets.UTF_8));
            }
        }
        int n = parts.size();
        if (n == 1 && parts.get(0).equals("subjects") && method.equals("GET")) {
            ArrayNode arr = json.createArrayNode();
            subjects.keySet().forEach(arr::add);
            return ok(arr);
        }
        if (n == 2 && parts.get(0).equals("subjects") && method.equals("POST")) {
            return lookup(parts.get(1), json.readTree(body), normalize(query));
        }
        if (n == 2 && parts.get(0).equals("subjects") && method.equals("DELETE")) {
            List<Version> removed = subjects.remove(parts.get(1));
            if (removed == null) {
                return error(404, 40401, "Subject not found");
            }
            ArrayNode arr = json.createArrayNode();
            removed.forEach(v -> arr.add(v.version()));
            return ok(arr);
        }
        if (n == 3 && parts.get(0).equals("subjects") && parts.get(2).equals("versions")) {
            if (method.equals("POST")) {
                JsonNode req = json.readTree(body);
                return registerAnswer(parts.get(1), req, normalize(query));
            }
            List<Version> versions = subjects.get(parts.get(1));
            if (versions == null) {
                return error(404, 40401, "Subject not found");
            }
            ArrayNode arr = json.createArrayNode();
            versions.forEach(v -> arr.add(v.version()));
            return ok(arr);
        }
        if (n == 4 && parts.get(0).equals("subjects") && parts.get(2).equals("versions") && method.equals("GET")) {
            List<Version> versions = subjects.get(parts.get(1));
            if (versions == null) {
                return error(404, 40401, "Subject not found");
            }
            Version v = find(versions, parts.get(3));
            if (v == null) {
                return error(404, 40402, "Version not found");
            }
            return ok(versionNode(parts.get(1), v));
        }
        if (n == 3 && parts.get(0).equals("schemas") && parts.get(1).equals("ids") && method.equals("GET")) {
            Stored s = byId.get(Integer.parseInt(parts.get(2)));
            if (s == null) {
                return error(404, 40403, "Schema not found");
            }
            return ok(schemaNode(s));
        }
        if (n == 3 && parts.get(0).equals("schemas") && parts.get(1).equals("guids") && method.equals("GET")) {
            for (Stored s : byId.values()) {
                if (s.guid().equals(parts.get(2))) {
                    return ok(schemaNode(s));
                }
            }
            return error(404, 40403, "Schema not found");
        }
        if (n == 5 && parts.get(0).equals("compatibility") && method.equals("POST")) {
            return compatibility(parts.get(2), parts.get(4), json.readTree(body));
        }
        if (parts.get(0).equals("config") && n <= 2) {
            String key = n == 1 ? null : parts.get(1);
            if (method.equals("PUT")) {
                String level = json.readTree(body).get("compatibility").asText();
                if (key == null) {
                    globalCompatibility = level;
                } else {
                    configs.put(key, level);
                }
                return ok(json.createObjectNode().put("compatibility", level));
            }
            String level = key == null ? globalCompatibility : configs.get(key);
            if (level == null) {
                if (query != null && query.contains("defaultToGlobal=true") && !apicurioMode) {
                    level = globalCompatibility;
                } else {
                    return error(404, 40408, "Subject does not have subject-level compatibility configured");
                }
            }
            return ok(json.createObjectNode().put("compatibilityLevel", level));
        }
        return error(404, 404, "no route " + method + " " + path);
    }

    private static Version find(List<Version> versions, String spec) {
        if (versions.isEmpty()) {
            return null;
        }
        if (spec.equals("latest") || spec.equals("-1")) {
            return versions.get(versions.size() - 1);
        }
        int wanted = Integer.parseInt(spec);
        for (Version v : versions) {
            if (v.version() == wanted) {
                return v;
            }
        }
        return null;
    }

    private ObjectNode schemaNode(Stored s) {
        ObjectNode node = json.createObjectNode();
        node.put("schema", s.schema());
        if (!s.type().equals("AVRO")) {
            node.put("schemaType", s.type());
        }
        if (!s.refs().isEmpty()) {
            ArrayNode refs = node.putArray("references");
            for (SchemaReference r : s.refs()) {
                refs.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
            }
        }
        if (guids) {
            node.put("guid", s.guid());
        }
        return node;
    }

    private ObjectNode versionNode(String subject, Version v) {
        ObjectNode node = schemaNode(v.schema());
        node.put("subject", subject);
        node.put("version", v.version());
        node.put("id", v.schema().id());
        return node;
    }

    private static List<SchemaReference> refs(JsonNode req) {
        List<SchemaReference> out = new ArrayList<>();
        JsonNode refs = req.get("references");
        if (refs != null) {
            for (JsonNode r : refs) {
                out.add(new SchemaReference(r.get("name").asText(), r.get("subject").asText(), r.get("version").asInt()));
            }
        }
        return out;
    }

    private Schema parse(String schema, List<SchemaReference> refs) {
        Schema.Parser parser = new Schema.Parser();
        addRefs(parser, refs);
        return parser.parse(schema);
    }

    private void addRefs(Schema.Parser parser, List<SchemaReference> refs) {
        for (SchemaReference r : refs) {
            Version v = find(subjects.getOrDefault(r.subject(), List.of()), Integer.toString(r.version()));
            if (v == null) {
                throw new IllegalArgumentException("missing reference " + r);
            }
            addRefs(parser, v.schema().refs());
            if (!parser.getTypes().containsKey(r.name())) {
                parser.parse(v.schema().schema());
            }
        }
    }

    private static boolean normalize(String query) {
        return query != null && query.contains("normalize=true");
    }

    /** Same text, or with {@code normalize}, the same schema once parsed (Avro's canonical rendering). */
    private boolean same(Stored stored, String text, List<SchemaReference> refs, boolean normalize) {
        if (!stored.refs().equals(refs)) {
            return false;
        }
        if (stored.schema().equals(text)) {
            return true;
        }
        try {
            return normalize && parse(stored.schema(), stored.refs()).toString().equals(parse(text, refs).toString());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Answer registerAnswer(String subject, JsonNode req, boolean normalize) {
        String type = req.hasNonNull("schemaType") ? req.get("schemaType").asText() : "AVRO";
        List<SchemaReference> refs = refs(req);
        String text = req.get("schema").asText();
        Schema parsed;
        try {
            parsed = parse(text, refs);
        } catch (RuntimeException e) {
            return error(422, 42201, "Invalid schema");
        }
        List<Version> versions = subjects.get(subject);
        if (versions != null) {
            for (Version v : versions) {
                if (same(v.schema(), text, refs, normalize)) {
                    return ok(json.createObjectNode().put("id", v.schema().id()));
                }
            }
            String level = configs.getOrDefault(subject, globalCompatibility);
            if (!level.equals("NONE") && !versions.isEmpty()) {
                Stored latest = versions.get(versions.size() - 1).schema();
                if (!compatible(parsed, parse(latest.schema(), latest.refs()))) {
                    return apicurioMode ? error(409, 0, "Incompatible artifact")
                            : error(409, 409, "Schema being registered is incompatible with an earlier schema");
                }
            }
        }
        Stored s = register(subject, text, type, refs);
        ObjectNode answer = json.createObjectNode().put("id", s.id());
        if (guids) {
            answer.put("guid", s.guid());
        }
        return ok(answer);
    }

    private Stored register(String subject, String text, String type, List<SchemaReference> refs) {
        Stored stored = null;
        for (Stored s : byId.values()) {
            if (s.schema().equals(text) && s.refs().equals(refs) && s.type().equals(type)) {
                stored = s;
            }
        }
        if (stored == null) {
            int id = nextId.getAndIncrement();
            String guid = UUID.nameUUIDFromBytes((type + text + refs).getBytes(StandardCharsets.UTF_8)).toString();
            stored = new Stored(id, guid, text, type, refs);
            byId.put(id, stored);
        }
        List<Version> versions = subjects.computeIfAbsent(subject, k -> new ArrayList<>());
        for (Version v : versions) {
            if (v.schema().id() == stored.id()) {
                return stored;
            }
        }
        int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        versions.add(new Version(version, stored));
        return stored;
    }

    private Answer lookup(String subject, JsonNode req, boolean normalize) {
        List<Version> versions = subjects.get(subject);
        if (versions == null) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
        }
        String text = req.get("schema").asText();
        List<SchemaReference> refs = refs(req);
        for (Version v : versions) {
            if (same(v.schema(), text, refs, normalize)) {
                return ok(versionNode(subject, v));
            }
        }
        return apicurioMode ? error(404, 40401, "No artifact with this content") : error(404, 40403, "Schema not found");
    }

    private Answer compatibility(String subject, String version, JsonNode req) {
        List<Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            if (apicurioMode) {
                return error(404, 40401, "Subject not found");
            }
            return ok(json.createObjectNode().put("is_compatible", true));
        }
        Version v = find(versions, version);
        if (v == null) {
            return error(404, 40402, "Version not found");
        }
        Schema candidate;
        try {
            candidate = parse(req.get("schema").asText(), refs(req));
        } catch (RuntimeException e) {
            return error(422, 42201, "Invalid schema");
        }
        boolean ok = compatible(candidate, parse(v.schema().schema(), v.schema().refs()));
        ObjectNode answer = json.createObjectNode().put("is_compatible", ok);
        if (!ok) {
            if (apicurioMode) {
                answer.put("reason", "reader cannot read writer");
            } else {
                answer.putArray("messages").add("reader cannot read writer");
            }
        }
        return ok(answer);
    }

    private static boolean compatible(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    private void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type",
                apicurioMode ? "application/json" : "application/vnd.schemaregistry.v1+json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public String toString() {
        return "FakeRegistry{" + url() + "}";
    }
}
