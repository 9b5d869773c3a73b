package io.eddy.serde.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.serde.registry.IncompatibleSchemaException;
import io.eddy.serde.registry.InvalidSchemaException;
import io.eddy.serde.registry.SchemaNotFoundException;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryException;
import io.eddy.serde.registry.SchemaRegistryUnavailableException;
import io.eddy.serde.registry.SubjectNotFoundException;
import io.eddy.serde.registry.UnauthorizedException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sends one registry operation with fail-over and bounded retries.
 *
 * <p>An operation tries the URLs in order, starting from the last one that answered. A URL that
 * cannot be reached, times out, or answers 408, 429 or 5xx is skipped for the next one at once;
 * when every URL has failed in a round, the transport sleeps an exponential backoff with jitter
 * (honouring a {@code Retry-After} of 429/503 answers) and starts another round, until the retry
 * budget would be exceeded, then throws {@link SchemaRegistryUnavailableException}. Any other
 * answer is final: 2xx is parsed as JSON, other statuses become typed exceptions.
 *
 * <p>Thread-safe: the JDK {@code HttpClient} is shared and the only mutable state is the index of
 * the preferred URL.
 */
final class RegistryTransport {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";

    /** What a 404 without a known error code means for the operation that received it. */
    enum NotFound { SUBJECT, SCHEMA }

    private final SchemaRegistry config;
    private final HttpClient http;
    private final ObjectMapper json;
    private final List<URI> urls;
    private final AtomicInteger preferred = new AtomicInteger();
    private final String basicAuth;

    RegistryTransport(SchemaRegistry config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.urls = config.urls();
        this.basicAuth = config.basicAuthHeader();
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.requestTimeout());
        if (config.sslContext() != null) {
            b.sslContext(config.sslContext());
        }
        this.http = b.build();
    }

    /**
     * Performs one operation.
     *
     * @param method GET, POST, PUT or DELETE
     * @param path the path after the base URL, starting with '/', already encoded
     * @param body the JSON body, or null
     * @param what a description of the operation for error messages
     * @param notFound how to type a 404 without a known error code
     * @return the parsed JSON answer; never null (an empty body parses as a missing node)
     */
    JsonNode send(String method, String path, Object body, String what, NotFound notFound) {
        byte[] bodyBytes = null;
        if (body != null) {
            try {
                bodyBytes = json.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode request body for " + what, e);
            }
        }
        long start = System.nanoTime();
        long budget = config.retryBudget().toNanos();
        long backoff = config.initialBackoff().toNanos();
        int attempts = 0;
        int lastStatus = -1;
        Exception lastFailure = null;
        String lastProblem = "no attempt";
        int first = preferred.get();
        while (true) {
            long retryAfter = 0;
            for (int i = 0; i < urls.size(); i++) {
                int index = (first + i) % urls.size();
                URI uri = URI.create(urls.get(index) + path);
                attempts++;
                HttpResponse<byte[]> response;
                try {
                    response = http.send(request(method, uri, bodyBytes), HttpResponse.BodyHandlers.ofByteArray());
                } catch (IOException e) {
                    lastFailure = e;
                    lastProblem = uri + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage());
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemaRegistryUnavailableException(
                            what + ": interrupted while calling the schema registry", lastStatus, e);
                }
                int status = response.statusCode();
                if (status == 408 || status == 429 || status >= 500) {
                    lastStatus = status;
                    lastFailure = null;
                    lastProblem = uri + ": HTTP " + status + " " + errorMessage(response.body());
                    retryAfter = Math.max(retryAfter, retryAfterNanos(response));
                    continue;
                }
                preferred.set(index);
                if (status >= 200 && status < 300) {
                    return parse(response.body(), status, what);
                }
                throw error(status, response.body(), what, notFound);
            }
            first = preferred.get();
            long delay = Math.max(retryAfter, backoff - ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            long elapsed = System.nanoTime() - start;
            if (elapsed + delay >= budget) {
                throw new SchemaRegistryUnavailableException(what + ": schema registry unavailable after "
                        + attempts + " attempt(s) in " + Duration.ofNanos(elapsed).toMillis() + " ms (retry budget "
                        + config.retryBudget() + ") against " + urls + "; last: " + lastProblem, lastStatus, lastFailure);
            }
            try {
                Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryUnavailableException(
                        what + ": interrupted while backing off; last: " + lastProblem, lastStatus, e);
            }
            backoff = Math.min(backoff * 2, config.maxBackoff().toNanos());
        }
    }

    private HttpRequest request(String method, URI uri, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT);
        config.headers().forEach(b::header);
        if (basicAuth != null) {
            b.header("Authorization", basicAuth);
        } else {
            Supplier<String> bearer = config.bearerToken();
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer.get());
            }
        }
        if (body != null) {
            b.header("Content-Type", CONTENT_TYPE);
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private static long retryAfterNanos(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.strip())).toNanos();
            } catch (NumberFormatException e) {
                return 0L;
            }
        }).orElse(0L);
    }

    private JsonNode parse(byte[] body, int status, String what) {
        if (body.length == 0) {
            return json.missingNode();
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(what + ": malformed JSON in the registry's answer (HTTP " + status
                    + ", " + body.length + " bytes): " + e.getOriginalMessage(), status, -1, e);
        } catch (IOException e) {
            throw new SchemaRegistryException(what + ": unreadable answer (HTTP " + status + ")", status, -1, e);
        }
    }

    private String errorMessage(byte[] body) {
        JsonNode node = tryParse(body);
        if (node != null && node.hasNonNull("message")) {
            return node.get("message").asText();
        }
        return body.length == 0 ? "(empty body)" : "(" + body.length + " bytes, no JSON message)";
    }

    private JsonNode tryParse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private SchemaRegistryException error(int status, byte[] body, String what, NotFound notFound) {
        JsonNode node = tryParse(body);
        int code = node != null && node.has("error_code") && node.get("error_code").canConvertToInt()
                ? node.get("error_code").asInt() : -1;
        String message = what + ": HTTP " + status + (code >= 0 ? " error_code " + code : "") + ": "
                + (node != null && node.hasNonNull("message") ? node.get("message").asText()
                : body == null || body.length == 0 ? "(empty body)" : new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8));
        if (status == 401 || status == 403) {
            return new UnauthorizedException(message, status, code);
        }
        if (status == 404) {
            if (code == 40401) {
                return new SubjectNotFoundException(message, status, code);
            }
            if (code == 40402 || code == 40403) {
                return new SchemaNotFoundException(message, status, code);
            }
            return notFound == NotFound.SUBJECT
                    ? new SubjectNotFoundException(message, status, code)
                    : new SchemaNotFoundException(message, status, code);
        }
        if (status == 409) {
            return new IncompatibleSchemaException(message, status, code);
        }
        if (status == 422 && (code == 42201 || code == -1 || code == 0)) {
            return new InvalidSchemaException(message, status, code);
        }
        return new SchemaRegistryException(message, status, code);
    }
}
