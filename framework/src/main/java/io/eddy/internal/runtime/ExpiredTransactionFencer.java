package io.eddy.internal.runtime;

import io.eddy.kafka.ClientRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.admin.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends, at once, the open transactions of members that left the group without ending them (a
 * SIGKILLed instance), so that read_committed readers of the partitions they wrote do not wait for
 * the broker's periodic abort of expired transactions.
 *
 * <p>A transaction left open by a dead producer holds back the last stable offset of every
 * partition it wrote, and the broker aborts it only at its first scan for expired transactions
 * ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, 10 s by default) after its
 * timeout (10 s in Eddy): until then the output of the tasks that moved, written by their new
 * owner, is invisible. After every assignment this instance lists the group's open transactions
 * (transactional ids starting with {@code <application id>-}) of producers that are not members of
 * the group any more (the assignment names every member's transactional id); one that has outlived
 * its own transaction timeout, and is therefore doomed to be aborted by the broker anyway, is ended
 * now by initialising a producer with the same transactional id, which aborts it and fences its
 * producer. A transaction not yet expired is looked at again every second, for up to a minute.
 *
 * <p>An optimisation only: any failure (a missing {@code DESCRIBE} or {@code WRITE} permission on
 * transactional ids, a timeout) is logged at DEBUG and the broker's own abort remains. Runs on a
 * daemon thread of its own; thread-safe.
 */
final class ExpiredTransactionFencer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExpiredTransactionFencer.class);
    private static final long RECHECK_MS = 1_000;
    private static final int MAX_CHECKS = 60;

    private final AppOptions options;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "eddy-transaction-fencer");
        t.setDaemon(true);
        return t;
    });
    private volatile Set<String> live = Set.of();
    private int generation;

    ExpiredTransactionFencer(AppOptions options) {
        this.options = options;
    }

    /** A new assignment named these members' transactional ids: look for departed members' transactions. */
    synchronized void membersChanged(Set<String> liveTransactionalIds) {
        if (liveTransactionalIds.isEmpty() || liveTransactionalIds.equals(live)) {
            return;
        }
        live = Set.copyOf(liveTransactionalIds);
        int mine = ++generation;
        try {
            executor.execute(() -> check(mine, 1));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    private void check(int checkGeneration, int attempt) {
        synchronized (this) {
            if (checkGeneration != generation) {
                return;   // a newer assignment started its own checks
            }
        }
        boolean pending;
        try (Admin admin = KafkaClients.admin(options, ClientRole.ADMIN, ClientConfigs.admin(options))) {
            pending = fenceExpired(admin);
        } catch (RuntimeException | InterruptedException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("{}: looking for open transactions of departed members failed: {}", options.applicationId(),
                    e.toString());
            return;
        }
        if (pending && attempt < MAX_CHECKS) {
            try {
                executor.schedule(() -> check(checkGeneration, attempt + 1), RECHECK_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed
            }
        }
    }

    /** @return whether a departed member's transaction is still open and not expired yet */
    private boolean fenceExpired(Admin admin) throws InterruptedException, java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException {
        long timeoutMs = Math.min(options.commitTimeout().toMillis(), 30_000);
        Collection<TransactionListing> open = admin.listTransactions(new ListTransactionsOptions()
                .filterStates(List.of(TransactionState.ONGOING))).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Set<String> liveNow = live;
        List<String> departed = new ArrayList<>();
        for (TransactionListing t : open) {
            if (t.transactionalId().startsWith(options.applicationId() + "-") && !liveNow.contains(t.transactionalId())) {
                departed.add(t.transactionalId());
            }
        }
        if (departed.isEmpty()) {
            return false;
        }
        Map<String, TransactionDescription> described = admin.describeTransactions(departed).all()
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        boolean pending = false;
        long now = System.currentTimeMillis();
        for (Map.Entry<String, TransactionDescription> e : described.entrySet()) {
            TransactionDescription d = e.getValue();
            if (d.state() != TransactionState.ONGOING || d.transactionStartTimeMs().isEmpty()) {
                continue;
            }
            if (now - d.transactionStartTimeMs().getAsLong() > d.transactionTimeoutMs()) {
                fence(e.getKey());
            } else {
                pending = true;
            }
        }
        return pending;
    }

    private void fence(String transactionalId) {
        Map<String, Object> config = ClientConfigs.producer(options, options.applicationId() + "-fencer", transactionalId);
        Producer<byte[], byte[]> producer = KafkaClients.workerProducer(options, config);
        try {
            producer.initTransactions();   // aborts the open transaction and fences its producer
            log.info("{}: ended the expired open transaction of departed member '{}', so that readers of its "
                    + "partitions need not wait for the broker to abort it", options.applicationId(), transactionalId);
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
