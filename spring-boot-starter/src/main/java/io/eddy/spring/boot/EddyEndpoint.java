package io.eddy.spring.boot;

import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The Actuator endpoint {@code eddy}: {@code GET /actuator/eddy} answers {@link io.eddy.AppStatus#toJson()}
 * (state, workers and tasks, restores, counters); {@code /actuator/eddy/progress} the recent batches
 * ({@link BatchProgress#toJson()} each, oldest first) and {@code /actuator/eddy/topology} the pipeline's
 * description ({@code {"text": ...}}). Expose it like any endpoint: {@code management.endpoints.web.exposure.include=health,eddy}.
 * Read-only; thread-safe.
 */
@Endpoint(id = "eddy")
public class EddyEndpoint {
    private static final String JSON = "application/json";

    private final EddyApp app;

    /** An endpoint for {@code app}; not null. */
    public EddyEndpoint(EddyApp app) {
        this.app = app;
    }

    /** @return the application's status as JSON */
    @ReadOperation(produces = JSON)
    public WebEndpointResponse<String> status() {
        return new WebEndpointResponse<>(app.status().toJson(), 200);
    }

    /**
     * @param part {@code progress} or {@code topology}
     * @return the recent batches as a JSON array, or the topology; 404 for another part
     */
    @ReadOperation(produces = JSON)
    public WebEndpointResponse<String> part(@Selector String part) {
        return switch (part) {
            case "progress" -> {
                List<BatchProgress> batches = app.recentProgress();
                StringBuilder out = new StringBuilder("[");
                for (int i = 0; i < batches.size(); i++) {
                    out.append(i == 0 ? "" : ",").append(batches.get(i).toJson());
                }
                yield new WebEndpointResponse<>(out.append(']').toString(), 200);
            }
            case "topology" -> new WebEndpointResponse<>("{\"text\":" + jsonString(app.describe().toString()) + "}", 200);
            default -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        };
    }

    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
