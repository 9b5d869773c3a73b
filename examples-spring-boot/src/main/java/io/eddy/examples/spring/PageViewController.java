package io.eddy.examples.spring;

import io.eddy.AppMetrics;
import io.eddy.AppStatus;
import io.eddy.EddyApp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The service's REST API: {@code POST /page-views?user=…&url=…} writes a page view to the input
 * topic (202 once Kafka has it); {@code GET /page-views/stats} tells what the Eddy application has
 * done (state, records processed, batches committed, tasks owned and restoring).
 */
@RestController
@RequestMapping("/page-views")
public class PageViewController {
    private final Producer<String, String> producer;
    private final EddyApp app;

    PageViewController(Producer<String, String> producer, EddyApp app) {
        this.producer = producer;
        this.app = app;
    }

    /** Writes one page view; 202 when Kafka acknowledged it, 503 if it did not within 10 seconds. */
    @PostMapping
    public ResponseEntity<Map<String, Object>> view(@RequestParam String user, @RequestParam String url) {
        try {
            var sent = producer.send(new ProducerRecord<>(PageViewService.PAGE_VIEWS, user, url)).get(10, TimeUnit.SECONDS);
            return ResponseEntity.status(HttpStatus.ACCEPTED)
                    .body(Map.of("partition", sent.partition(), "offset", sent.offset()));
        } catch (ExecutionException | TimeoutException e) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", "Kafka did not take the page view: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", "interrupted"));
        }
    }

    /** The application's progress: state, counters, tasks. */
    @GetMapping("/stats")
    public Map<String, Object> stats() {
        AppStatus status = app.status();
        AppMetrics metrics = status.metrics();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", status.state().name());
        out.put("processedRecords", metrics.processedRecords());
        out.put("committedBatches", metrics.committedBatches());
        out.put("tasks", status.workers().stream().mapToInt(w -> w.tasks().size()).sum());
        out.put("restoring", status.restoring());
        return out;
    }
}
