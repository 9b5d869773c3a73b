package io.eddy.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal Avro schema registry on the JDK's HTTP server, speaking the part of Confluent's REST
 * API that the serdes call: register under a subject ({@code POST /subjects/{s}/versions}), look
 * up under a subject ({@code POST /subjects/{s}}), fetch by id ({@code GET /schemas/ids/{id}})
 * and fetch a version ({@code GET /subjects/{s}/versions/{n|latest}}). One global id per distinct
 * schema text; no compatibility checks, no references, no GUIDs.
 *
 * <p>It counts every request it receives, so a benchmark can show that a warm serde makes none.
 * Thread-safe; requests are served one at a time on the server's thread.
 */
final class InProcessSchemaRegistry implements AutoCloseable {

    static {
        // Without TCP_NODELAY the server's separate header and body writes meet the client's
        // delayed ACK and each request takes about 40 ms. Read when the server classes load.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private record Registered(String subject, int version, int id, String schema) { }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, List<Registered>> subjects = new HashMap<>();

    private InProcessSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a registry on a free loopback port. */
    static InProcessSchemaRegistry start() {
        try {
            return new InProcessSchemaRegistry();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the in-process schema registry", e);
        }
    }

    /** The base URL, {@code http://127.0.0.1:<port>}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The number of requests received so far. */
    long requestCount() {
        return requests.get();
    }

    /** Stops the server at once. */
    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            List<String> path = new ArrayList<>();
            for (String part : exchange.getRequestURI().getRawPath().split("/")) {
                if (!part.isEmpty()) {
                    path.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
                }
            }
            Answer answer;
            try {
                synchronized (this) {
                    answer = route(exchange.getRequestMethod(), path, body);
                }
            } catch (IOException | RuntimeException e) {
                answer = error(500, 50001, e.toString());
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private record Answer(int status, String body) { }

    private Answer route(String method, List<String> path, byte[] body) throws IOException {
        int n = path.size();
        boolean subjects = n >= 2 && path.get(0).equals("subjects");
        if (subjects && n == 3 && path.get(2).equals("versions") && method.equals("POST")) {
            return ok(json.createObjectNode().put("id", register(path.get(1), schemaOf(body))));
        }
        if (subjects && n == 2 && method.equals("POST")) {
            return lookup(path.get(1), schemaOf(body));
        }
        if (subjects && n == 4 && path.get(2).equals("versions") && method.equals("GET")) {
            return version(path.get(1), path.get(3));
        }
        if (n == 3 && path.get(0).equals("schemas") && path.get(1).equals("ids") && method.equals("GET")) {
            String schema = schemasById.get(Integer.parseInt(path.get(2)));
            return schema == null ? error(404, 40403, "Schema not found")
                    : ok(json.createObjectNode().put("schema", schema));
        }
        return error(404, 404, "not supported by the benchmark registry: " + method + " /" + String.join("/", path));
    }

    private String schemaOf(byte[] body) throws IOException {
        JsonNode request = json.readTree(body);
        if (request.hasNonNull("schemaType") && !request.get("schemaType").asText().equals("AVRO")
                || request.has("references") && !request.get("references").isEmpty()) {
            throw new IllegalArgumentException("only Avro schemas without references are supported");
        }
        return request.get("schema").asText();
    }

    private int register(String subject, String schema) {
        int id = idsBySchema.computeIfAbsent(schema, s -> idsBySchema.size() + 1);
        schemasById.put(id, schema);
        List<Registered> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (versions.stream().noneMatch(r -> r.id() == id)) {
            versions.add(new Registered(subject, versions.size() + 1, id, schema));
        }
        return id;
    }

    private Answer lookup(String subject, String schema) {
        List<Registered> versions = subjects.get(subject);
        if (versions == null) {
            return error(404, 40401, "Subject not found");
        }
        for (Registered r : versions) {
            if (r.schema().equals(schema)) {
                return ok(node(r));
            }
        }
        return error(404, 40403, "Schema not found");
    }

    private Answer version(String subject, String version) {
        List<Registered> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            return error(404, 40401, "Subject not found");
        }
        if (version.equals("latest") || version.equals("-1")) {
            return ok(node(versions.get(versions.size() - 1)));
        }
        int wanted = Integer.parseInt(version);
        return wanted >= 1 && wanted <= versions.size() ? ok(node(versions.get(wanted - 1)))
                : error(404, 40402, "Version not found");
    }

    private ObjectNode node(Registered r) {
        return json.createObjectNode().put("subject", r.subject()).put("version", r.version())
                .put("id", r.id()).put("schema", r.schema());
    }

    private static Answer ok(JsonNode node) {
        return new Answer(200, node.toString());   // Jackson's toString is JSON
    }

    private Answer error(int status, int code, String message) {
        ObjectNode node = json.createObjectNode().put("error_code", code).put("message", message);
        return new Answer(status, node.toString());
    }
}
