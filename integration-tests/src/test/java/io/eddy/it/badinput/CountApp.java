package io.eddy.it.badinput;

import io.eddy.testkit.process.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link CountAppMain} running in a child JVM: started with its arguments, its output lines read
 * back from its own log file. Closing kills it (SIGKILL); {@link #stop()} ends it gracefully.
 * Thread-safe as {@link ChildJvm} is.
 */
final class CountApp implements AutoCloseable {
    private final ChildJvm child;
    private final Path logFile;

    private CountApp(ChildJvm child, Path logFile) {
        this.child = child;
        this.logFile = logFile;
    }

    /**
     * Starts the application and waits until it has printed {@link CountAppMain#READY}.
     *
     * @param logFile a file of its own for this child's output (replaced if it exists; must not be shared)
     * @param maxHeap the child's {@code -Xmx}, for example {@code 128m}
     * @param args {@link CountAppMain}'s arguments, name to value
     * @throws AssertionError if the child exits or is not ready within 60 s
     */
    static CountApp start(Path logFile, String maxHeap, Map<String, String> args) {
        try {
            Files.deleteIfExists(logFile);   // lines() reads the whole file: no output of an earlier run
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChildJvm.Builder builder = ChildJvm.builder(CountAppMain.class)
                .jvmOption("-Xmx" + maxHeap)
                .logFile(logFile);
        args.forEach((k, v) -> builder.args(k + "=" + v));
        ChildJvm child = builder.start();
        CountApp app = new CountApp(child, logFile);
        try {
            child.awaitLogLine(CountAppMain.READY, Duration.ofSeconds(60));
        } catch (AssertionError e) {
            child.kill();
            throw e;
        }
        return app;
    }

    long pid() {
        return child.pid();
    }

    boolean isAlive() {
        return child.isAlive();
    }

    /** Waits for a line containing {@code text} (see {@link ChildJvm#awaitLogLine}). */
    String awaitLine(String text, Duration deadline) {
        return child.awaitLogLine(text, deadline);
    }

    /** Every line the child has written so far that starts with {@code prefix}. */
    List<String> lines(String prefix) {
        try {
            List<String> matching = new ArrayList<>();
            for (String line : Files.readAllLines(logFile)) {
                if (line.startsWith(prefix)) {
                    matching.add(line);
                }
            }
            return matching;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole output so far, for failure messages. */
    String output() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** The value of {@code name=<long>} in {@code line}. */
    static long field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new IllegalArgumentException("no " + name + " in: " + line);
    }

    /** SIGTERM: the application closes (committing its open batch); returns the exit status. */
    int stop() {
        return child.stop(Duration.ofSeconds(30));
    }

    /** Waits for the child to exit by itself; returns its status. */
    int waitFor(Duration timeout) {
        return child.waitFor(timeout);
    }

    @Override
    public void close() {
        child.kill();
    }

    @Override
    public String toString() {
        return child.toString();
    }
}
