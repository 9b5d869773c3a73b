package io.eddy.it;

import io.eddy.AppStatus;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.RestoreProgress;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application {@link StandbyFailoverTest} runs in two child JVMs and SIGKILLs one of: an
 * exactly-once count per input key with {@code standbyReplicas(n)}, one worker, a static instance
 * id and its own state directory. It prints
 * <ul>
 *   <li>{@code READY} after {@code start()};</li>
 *   <li>{@code STATUS active=[…] standby={task=lag,…}} whenever its active tasks or standby lags change;</li>
 *   <li>{@code FIRST_COMMIT task=<t> at=<epoch ms>} the first time a batch holding task {@code t}
 *       commits in this process;</li>
 *   <li>{@code RESTORED task=<t> store=<s> from=<offset> records=<n>} per completed restore.</li>
 * </ul>
 * Arguments: bootstrap servers, input, output, application id, instance id, state directory,
 * standby replicas.
 */
final class StandbyFailoverMain {
    private StandbyFailoverMain() {
    }

    public static void main(String[] args) throws Exception {
        Set<Integer> committedOnce = ConcurrentHashMap.newKeySet();
        EddyApp app = EddyApp.builder(args[3])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .instanceId(args[4])
                .stateDir(Path.of(args[5]))
                .standbyReplicas(Integer.parseInt(args[6]))
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .addProgressListener(p -> {
                    long now = System.currentTimeMillis();
                    for (int task : p.taskBatchIds().keySet()) {
                        if (committedOnce.add(task)) {
                            System.out.println("FIRST_COMMIT task=" + task + " at=" + now);
                            System.out.flush();
                        }
                    }
                })
                .addRestoreListener(r -> {
                    if (r.phase() == RestoreProgress.Phase.DONE) {
                        System.out.println("RESTORED task=" + r.task() + " store=" + r.store() + " from="
                                + r.startOffset() + " records=" + r.restored());
                        System.out.flush();
                    }
                })
                .pipeline(p -> p.kafka(args[1], Consumed.with(Serdes.string(), Serdes.string()))
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .count(Named.as("counts"))
                        .toStream()
                        .toKafka(args[2], Produced.with(Serdes.string(), Serdes.longs())))
                .build();
        app.start();
        System.out.println("READY pid=" + ProcessHandle.current().pid());
        System.out.flush();
        String last = "";
        while (!app.awaitTermination(Duration.ofMillis(200))) {
            Set<Integer> active = new TreeSet<>();
            for (AppStatus.WorkerStatus w : app.status().workers()) {
                active.addAll(w.tasks());
            }
            Map<Integer, Long> standby = new TreeMap<>(app.standbyLags());
            String line = "STATUS active=" + active + " standby=" + standby;
            if (!line.equals(last)) {
                System.out.println(line);
                System.out.flush();
                last = line;
            }
        }
        System.out.println("FAILED state=" + app.state() + app.failure().map(f -> " failure=" + f).orElse(""));
        System.out.flush();
        System.exit(1);
    }
}
