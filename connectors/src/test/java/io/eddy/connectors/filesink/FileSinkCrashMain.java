package io.eddy.connectors.filesink;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.SinkRecord;
import io.eddy.serde.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecordBuilder;

/**
 * The application {@link FileSinkCrashTest} runs in a child JVM and kills: an exactly-once
 * pipeline that writes every input record to three file sinks (JSON lines, CSV, Avro) partitioned
 * by the hour of the record's timestamp and a bucket of its value. Each row carries the record's
 * input partition, offset, key and value. Prints {@code READY} after {@code start()} and runs until
 * killed.
 *
 * <p>Arguments: bootstrap servers, input topic, application id, state directory, output root
 * (the sinks write to its {@code json}, {@code csv} and {@code avro} subdirectories).
 */
final class FileSinkCrashMain {
    static final String READY = "READY";
    static final Schema ROW = SchemaBuilder.record("Row").namespace("io.eddy.test").fields()
            .requiredInt("partition").requiredLong("offset").requiredString("key").requiredString("value")
            .endRecord();

    private FileSinkCrashMain() {
    }

    static Function<SinkRecord<String, String>, String> partitioning() {
        return PartitionPaths.concat(PartitionPaths.hourly(),
                PartitionPaths.byField("bucket", r -> Long.parseLong(r.value()) % 3));
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[4]);
        FileSink<String, String> json = FileSink.builder(out.resolve("json"), FileSinkFormat.<String, String>jsonLines(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", r.partition());
            row.put("offset", r.offset());
            row.put("key", r.key());
            row.put("value", r.value());
            return row;
        })).partitionBy(partitioning()).build();
        FileSink<String, String> csv = FileSink.builder(out.resolve("csv"), FileSinkFormat.<String, String>csv(
                List.of("partition", "offset", "key", "value"),
                r -> List.of(r.partition(), r.offset(), r.key(), r.value()))).partitionBy(partitioning()).build();
        FileSink<String, String> avro = FileSink.builder(out.resolve("avro"), FileSinkFormat.<String, String>avro(ROW,
                r -> new GenericRecordBuilder(ROW).set("partition", r.partition()).set("offset", r.offset())
                        .set("key", r.key()).set("value", r.value()).build())).partitionBy(partitioning()).build();

        EddyApp app = EddyApp.builder(args[2])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .instanceId("fscrash-instance")   // static membership: a restart takes over at once
                .stateDir(Path.of(args[3]))
                .threads(2)
                .maxRecordsPerBatch(500)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> {
                    RecordStream<String, String> in = p.kafka(args[1], Consumed.with(Serdes.string(), Serdes.string()));
                    in.foreach(json);
                    in.foreach(csv);
                    in.foreach(avro);
                })
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
}
