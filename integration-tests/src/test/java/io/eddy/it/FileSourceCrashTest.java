package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicRecord;
import io.eddy.testkit.process.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file source under exactly-once across process crashes: the application
 * ({@link FileSourceCrashMain}) runs in a child JVM that reads a directory while a writer thread
 * keeps adding files (each written under a hidden name, then moved in), and is SIGKILLed
 * {@value #KILLS} times at random points, each time restarted. Read with read_committed, the
 * output must hold every line of every file exactly once: a batch whose records were committed is
 * never read again (its position was committed in the same transaction), and the lines of a batch
 * that died uncommitted are read again by the next owner. The seed is printed; replay with
 * {@code -Deddy.crash.seed=<seed>}.
 */
class FileSourceCrashTest extends BrokerTest {
    private static final int FILES = 150;
    private static final int MAX_LINES = 120;
    private static final int KILLS = 3;
    private static final String OUTPUT = "fscrash-out";
    private static final String APP_ID = "fscrash";

    @TempDir
    Path tmp;

    @Test
    void everyLineOfEveryFileIsInTheCommittedOutputOnceAcrossKills() throws Exception {
        long seed = Long.getLong("eddy.crash.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay with -Deddy.crash.seed=" + seed + ")";
        System.out.println("FileSourceCrashTest: " + replay);
        Random random = new Random(seed);
        Path childLog = Path.of("target", "FileSourceCrashTest-child.log").toAbsolutePath();
        Files.deleteIfExists(childLog);
        Path dir = Files.createDirectory(tmp.resolve("in"));
        kafka.createTopic(OUTPUT, 2);

        int[] lines = new int[FILES];
        long total = 0;
        for (int f = 0; f < FILES; f++) {
            lines[f] = 1 + random.nextInt(MAX_LINES);
            total += lines[f];
        }
        AtomicInteger written = new AtomicInteger();
        long writerSeed = random.nextLong();
        Thread writer = new Thread(() -> {
            Random r = new Random(writerSeed);
            try {
                for (int f = 0; f < FILES; f++) {
                    StringBuilder text = new StringBuilder();
                    for (int l = 0; l < lines[f]; l++) {
                        text.append("f").append(f).append("-l").append(l).append('\n');
                    }
                    Path hidden = dir.resolve(".f" + f + ".tmp");
                    Files.writeString(hidden, text, StandardCharsets.UTF_8);
                    Files.move(hidden, dir.resolve(String.format("f%04d.txt", f)));
                    written.incrementAndGet();
                    // files keep arriving over the whole run, kills included
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100 + r.nextInt(150)));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "file-writer");

        for (int run = 0; run <= KILLS; run++) {
            try (ChildJvm child = startChild(childLog, dir)) {
                child.awaitLogLine(FileSourceCrashMain.READY, Duration.ofSeconds(60));
                if (run == 0) {
                    writer.start();   // the files arrive while the application reads, and across the kills
                }
                if (run == KILLS) {
                    writer.join(TimeUnit.MINUTES.toMillis(2));
                    long expected = total;
                    Await.until(Duration.ofSeconds(120), () -> committedLines() >= expected,
                            () -> "last run: committed " + committedLines() + " of " + expected + " lines; " + replay);
                    break;
                }
                long before = committedLines();
                long target = before + 200 + random.nextInt(1000);
                Await.until(Duration.ofSeconds(60), () -> !child.isAlive() || committedLines() >= target,
                        () -> "committed " + committedLines() + " lines, waiting for " + target + "; " + replay);
                assertThat(child.isAlive()).as("run %d exited by itself; %s; log %s", run, replay, childLog).isTrue();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));
                child.kill();
                System.out.printf("run %d: killed with %d files written; committed lines %d -> %d of %d%n",
                        run, written.get(), before, committedLines(), total);
            }
        }

        Map<String, Integer> counts = new TreeMap<>();
        for (TopicRecord r : io.readCommittedToEnd(OUTPUT, Duration.ofSeconds(60))) {
            counts.merge(r.valueString(), 1, Integer::sum);
        }
        List<String> missing = new ArrayList<>();
        for (int f = 0; f < FILES; f++) {
            for (int l = 0; l < lines[f]; l++) {
                if (!counts.containsKey("f" + f + "-l" + l)) {
                    missing.add("f" + f + "-l" + l);
                }
            }
        }
        List<String> duplicated = counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()).toList();
        System.out.printf("FileSourceCrashTest: %d files, %d lines, %d kills; %s%n", FILES, total, KILLS, replay);
        assertThat(missing).as("lines missing from the committed output; %s; child log %s", replay, childLog).isEmpty();
        assertThat(duplicated).as("lines committed more than once; %s; child log %s", replay, childLog).isEmpty();
        assertThat(counts.values().stream().mapToLong(Integer::longValue).sum()).isEqualTo(total);
    }

    private static long committedLines() {
        return io.readCommittedToEnd(OUTPUT, Duration.ofSeconds(30)).size();
    }

    private static ChildJvm startChild(Path log, Path dir) {
        return ChildJvm.builder(FileSourceCrashMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .logFile(log)
                .args(kafka.bootstrapServers(), dir.toString(), OUTPUT, APP_ID, "fscrash-instance")
                .start();
    }
}
