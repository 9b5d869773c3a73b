package io.eddy.connectors.jdbc;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.BatchWriter;
import io.eddy.dsl.Consumed;
import io.eddy.serde.Serdes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline {@link JdbcSinkCrashTest} runs in a child JVM and kills: an exactly-once application
 * that upserts every input record into PostgreSQL table {@value #TABLE} through the JDBC sink (the
 * row of key k holds the sequence number of k's latest record and where it was read). Prints
 * {@code READY} after {@code start()} and runs until killed.
 *
 * <p>Arguments: bootstrap servers, input topic, application id, JDBC URL, user, a file holding the
 * password, and the number of JDBC batch writes after which the process SIGKILLs itself (0: never).
 * The self-kill lands exactly between a batch's database commit and its Kafka commit, so the next
 * run must replay a batch the database already holds.
 */
final class JdbcCrashMain {
    static final String READY = "READY";
    static final String TABLE = "crash_rows";

    private JdbcCrashMain() {
    }

    public static void main(String[] args) throws Exception {
        String password = Files.readString(Path.of(args[5])).trim();
        int killAfterWrites = Integer.parseInt(args[6]);
        JdbcSink<String, String> sink = JdbcSink.<String, String>builder()
                .url(args[3]).user(args[4]).password(password)
                .table(TABLE).keyColumn("id")
                .recordColumns(r -> Map.of("seq", Long.parseLong(r.value()), "src_partition", r.partition(),
                        "src_offset", r.offset()))
                .build();
        AtomicInteger writes = new AtomicInteger();
        EddyApp app = EddyApp.builder(args[2])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .instanceId("jdbc-crash-instance")   // a restart takes over the killed member's tasks at once
                .threads(2)
                .maxRecordsPerBatch(500)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> p.kafka(args[1], Consumed.with(Serdes.string(), Serdes.string()))
                        .foreachBatch(() -> {
                            BatchWriter<String, String> jdbc = sink.get();
                            return new BatchWriter<String, String>() {
                                @Override
                                public void write(io.eddy.dsl.SinkBatch<String, String> batch) throws Exception {
                                    jdbc.write(batch);
                                    if (writes.incrementAndGet() == killAfterWrites) {
                                        System.out.println("KILLING after the database commit of batch "
                                                + batch.batchId() + " of task " + batch.task());
                                        System.out.flush();
                                        killSelf();
                                    }
                                }

                                @Override
                                public void close() {
                                    jdbc.close();
                                }
                            };
                        }))
                .build();
        app.start();
        System.out.println(READY + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        while (!app.awaitTermination(Duration.ofHours(1))) {
            // runs until killed
        }
        System.out.println("FAILED state=" + app.state() + app.failure().map(f -> " failure=" + f).orElse(""));
        System.out.flush();
        System.exit(1);
    }

    /** SIGKILL to this process: no shutdown hook, no Kafka commit. */
    private static void killSelf() throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
        Thread.sleep(Long.MAX_VALUE);   // the signal is on its way: never return to the commit
    }
}
