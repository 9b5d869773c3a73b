package io.eddy.it.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP forwarder in front of a schema registry that a test can switch off and on, to stage a
 * registry outage without losing the registry's in-memory schemas or its port.
 *
 * <p>While {@linkplain #up() up} every request is forwarded to the target (method, path, query,
 * body, {@code Content-Type} and {@code Accept}) and its status, {@code Content-Type} and body are
 * returned. While {@linkplain #down() down} every request is answered {@code 503 Service
 * Unavailable} without reaching the target, as a load balancer in front of a dead registry does.
 *
 * <p>It listens on {@code 127.0.0.1}, on a port the operating system picks. Thread-safe; requests
 * are served by a small pool of daemon threads. {@link #close()} stops it.
 */
final class RegistryProxy implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String target;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean down;

    private RegistryProxy(String target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "registry-proxy");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts a proxy, up, forwarding to {@code targetRootUrl}.
     *
     * @param targetRootUrl the registry's root URL without a trailing slash, e.g. {@code
     *     http://127.0.0.1:41187}; not null
     * @return the running proxy; the caller must close it
     * @throws IOException if the listening socket cannot be opened
     */
    static RegistryProxy start(String targetRootUrl) throws IOException {
        return new RegistryProxy(targetRootUrl);
    }

    /** The proxy's root URL, e.g. {@code http://127.0.0.1:39211}; append the API path to it. */
    String rootUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Makes the registry unreachable: from now on every request is answered 503. */
    void down() {
        down = true;
    }

    /** Makes the registry reachable again: from now on every request is forwarded. */
    void up() {
        down = false;
    }

    /** Requests answered 503 because the proxy was down. */
    long refusedRequests() {
        return refused.get();
    }

    /** Requests forwarded to the registry. */
    long forwardedRequests() {
        return forwarded.get();
    }

    /** Stops listening and ends the serving threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (down) {
                refused.incrementAndGet();
                reply(exchange, 503, "application/json",
                        "{\"error_code\":50301,\"message\":\"registry proxy is down\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(10))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String name : List.of("Content-Type", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                reply(exchange, 502, "text/plain", ("proxy: " + e).getBytes(StandardCharsets.UTF_8));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply(exchange, 503, "text/plain", "proxy: interrupted".getBytes(StandardCharsets.UTF_8));
                return;
            }
            forwarded.incrementAndGet();
            reply(exchange, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), response.body());
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
