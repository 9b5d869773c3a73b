package io.eddy.internal.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeleteRecordsResult;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link RepartitionPurger.RecordDeleter} over {@code Admin.deleteRecords}. The admin client is
 * created on the first request (an application that never commits a repartition record never
 * opens one) and closed without waiting for a request in flight. Used by one purger, whose lock
 * orders its calls.
 */
final class AdminRecordDeleter implements RepartitionPurger.RecordDeleter {
    private final Supplier<Admin> clients;
    private Admin admin;
    private boolean closed;

    /** @param clients creates the admin client, once, at the first request */
    AdminRecordDeleter(Supplier<Admin> clients) {
        this.clients = clients;
    }

    /** The admin client of {@link io.eddy.kafka.ClientRole#ADMIN} for the worker {@code workerName}. */
    static AdminRecordDeleter forWorker(AppOptions options, String workerName) {
        return new AdminRecordDeleter(() -> KafkaClients.admin(options, io.eddy.kafka.ClientRole.ADMIN,
                ClientConfigs.purgeAdmin(options, workerName)));
    }

    @Override
    public synchronized CompletionStage<Map<TopicPartition, Throwable>> deleteBefore(Map<TopicPartition, Long> before) {
        if (closed) {
            return CompletableFuture.completedFuture(Map.of());
        }
        if (admin == null) {
            admin = clients.get();
        }
        Map<TopicPartition, RecordsToDelete> request = new HashMap<>();
        before.forEach((tp, offset) -> request.put(tp, RecordsToDelete.beforeOffset(offset)));
        DeleteRecordsResult result = admin.deleteRecords(request);
        CompletableFuture<Map<TopicPartition, Throwable>> outcome = new CompletableFuture<>();
        // all() completes once every partition's future has: each one can then be read without waiting
        result.all().whenComplete((ignored, error) -> {
            Map<TopicPartition, Throwable> failures = new HashMap<>();
            for (Map.Entry<TopicPartition, KafkaFuture<DeletedRecords>> e : result.lowWatermarks().entrySet()) {
                try {
                    e.getValue().getNow(null);
                } catch (ExecutionException x) {
                    failures.put(e.getKey(), x.getCause() != null ? x.getCause() : x);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    failures.put(e.getKey(), x);
                } catch (RuntimeException x) {
                    failures.put(e.getKey(), x);
                }
            }
            outcome.complete(failures);
        });
        return outcome;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (admin != null) {
            // a delete abandoned now is sent again by whoever purges next; waiting would hold up the worker's stop
            admin.close(Duration.ZERO);
            admin = null;
        }
    }
}
