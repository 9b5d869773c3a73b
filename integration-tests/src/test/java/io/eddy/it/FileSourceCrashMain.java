package io.eddy.it;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.connectors.file.FileFormat;
import io.eddy.connectors.file.FileSource;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The application {@link FileSourceCrashTest} runs in a child JVM and kills: the file source
 * (text files, a few files and about 1 KiB per batch, so files span batches) into an output topic
 * under exactly-once, with a static instance id. Prints {@code READY} after {@code start()} and
 * runs until killed.
 *
 * <p>Arguments: bootstrap servers, directory, output topic, application id, instance id.
 */
final class FileSourceCrashMain {
    static final String READY = "READY";

    private FileSourceCrashMain() {
    }

    public static void main(String[] args) throws Exception {
        EddyApp app = EddyApp.builder(args[3])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .instanceId(args[4])
                .threads(2)
                .trigger(Trigger.every(Duration.ofMillis(50)))
                .pipeline(p -> p.source("files", FileSource.builder(Path.of(args[1]), FileFormat.text())
                                .glob("*.txt").maxFilesPerBatch(3).maxBytesPerBatch(1024).partitions(2).build())
                        .toKafka(args[2], Produced.with(Serdes.string(), Serdes.string())))
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
