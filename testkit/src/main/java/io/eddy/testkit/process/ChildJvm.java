package io.eddy.testkit.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Java main class running in a child JVM on this JVM's classpath, for tests that kill, stop or
 * freeze a process: broker loss, crash recovery, a stalled consumer.
 *
 * <pre>{@code
 * try (ChildJvm app = ChildJvm.builder("com.example.Pipeline")
 *         .args("--bootstrap", kafka.bootstrapServers())
 *         .jvmOption("-Xmx256m")
 *         .systemProperty("eddy.instance", "a")
 *         .start()) {
 *   app.awaitLogLine("READY", Duration.ofSeconds(20));
 *   app.kill();                                   // SIGKILL: no shutdown hooks run
 * }
 * }</pre>
 *
 * <p><b>Output.</b> Standard output and standard error go, merged, to one log file ({@link
 * #logFile()}); output is appended, so several children (or a restarted one) may share a file.
 * {@link #awaitLogLine} only looks at output written after this child started.
 *
 * <p><b>No orphans.</b> Every child is killed with SIGKILL when this JVM shuts down (a shutdown
 * hook). A child also halts by itself when this JVM dies without running hooks: the parent holds the
 * child's standard input open, and the child watches it for end-of-file. Standard input is
 * therefore reserved; the main class must not read it.
 *
 * <p><b>Signals</b> are POSIX: {@link #kill()} is SIGKILL, {@link #stop(Duration)} SIGTERM (the
 * child's shutdown hooks run), {@link #pause()} / {@link #resume()} SIGSTOP / SIGCONT sent with the
 * {@code kill} command. Linux and macOS only.
 *
 * <p>Thread-safety: all methods may be called from any thread; the signalling methods are
 * serialized on this object. Nothing here returns null.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(ChildJvm::killAllLive, "eddy-child-jvm-reaper"));
    }

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 25;

    private final String mainClass;
    private final Process process;
    // The write end of the child's standard input. Never written; kept open (and reachable) for the
    // child's whole life, because the child halts when it closes. See ChildJvmMain.
    private final OutputStream parentLifeline;
    private final Path logFile;
    private final long logStartOffset;
    private boolean paused;

    private ChildJvm(String mainClass, Process process, Path logFile, long logStartOffset) {
        this.mainClass = mainClass;
        this.process = process;
        this.parentLifeline = process.getOutputStream();
        this.logFile = logFile;
        this.logStartOffset = logStartOffset;
    }

    /**
     * Starts describing a child JVM that will run {@code mainClass}.
     *
     * @param mainClass the binary name of a class on this JVM's classpath with a static {@code
     *     main(String[])} method, which may be package-private; not null
     * @return a new builder; not thread-safe
     */
    public static Builder builder(String mainClass) {
        return new Builder(Objects.requireNonNull(mainClass, "mainClass"));
    }

    /**
     * Starts describing a child JVM that will run {@code mainClass}.
     *
     * @param mainClass a class with a static {@code main(String[])} method; not null
     * @return a new builder; not thread-safe
     */
    public static Builder builder(Class<?> mainClass) {
        return builder(Objects.requireNonNull(mainClass, "mainClass").getName());
    }

    /**
     * The operating system's process id of the child.
     *
     * @return the pid, also after the child has exited
     */
    public long pid() {
        return process.pid();
    }

    /**
     * The file that receives the child's standard output and standard error.
     *
     * @return the log file; never null
     */
    public Path logFile() {
        return logFile;
    }

    /**
     * Whether the child process has not exited. A paused child is alive.
     *
     * @return {@code true} until the process has exited
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Whether the child is stopped by {@link #pause()} and not yet resumed.
     *
     * @return {@code true} while paused
     */
    public synchronized boolean isPaused() {
        return paused && process.isAlive();
    }

    /**
     * Kills the child with SIGKILL and waits until it has exited. No shutdown hooks run in the child:
     * this is a crash. Does nothing if the child has already exited.
     *
     * @throws IllegalStateException if the process has not exited 10 s after SIGKILL
     */
    public synchronized void kill() {
        process.destroyForcibly();
        awaitExit(KILL_WAIT, "SIGKILL");
        paused = false;
    }

    /**
     * Stops the child gracefully: sends SIGTERM (resuming it first if paused, so it can react), waits
     * up to {@code grace} for it to exit, and kills it with SIGKILL if it has not.
     *
     * @param grace how long the child may take to shut down; not null, not negative
     * @return the exit status; 143 (128 + SIGTERM) is usual for a JVM stopped this way, 137 if it had
     *     to be killed
     * @throws IllegalStateException if the process has not exited 10 s after SIGKILL
     */
    public synchronized int stop(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (!process.isAlive()) {
            return process.exitValue();
        }
        if (paused) {
            resume();
        }
        // Not process.destroy(): besides sending SIGTERM it closes the child's standard input, which the
        // child takes as its parent dying and halts at once, skipping its shutdown hooks.
        process.toHandle().destroy();
        try {
            if (!process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                awaitExit(KILL_WAIT, "SIGKILL after a SIGTERM grace of " + grace.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while stopping " + this, e);
        }
        return process.exitValue();
    }

    /**
     * Freezes the child with SIGSTOP: it stays alive and keeps its sockets open but runs no code, as
     * a process in a long GC pause or on a stalled machine would. Its peers see timeouts, not
     * connection resets. Does nothing if already paused.
     *
     * @throws IllegalStateException if the child has exited or the signal cannot be sent
     */
    public synchronized void pause() {
        if (!paused) {
            signal("STOP");
            paused = true;
        }
    }

    /**
     * Lets a child frozen by {@link #pause()} run again with SIGCONT. Does nothing if not paused.
     *
     * @throws IllegalStateException if the child has exited or the signal cannot be sent
     */
    public synchronized void resume() {
        if (paused) {
            signal("CONT");
            paused = false;
        }
    }

    /**
     * Waits for the child to exit by itself.
     *
     * @param timeout how long to wait at most; not null
     * @return the exit status
     * @throws AssertionError if the child is still running after {@code timeout}; the message holds the
     *     end of its log
     */
    public int waitFor(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + this + " to exit", e);
        }
        throw new AssertionError(
                this + " still running after " + timeout.toMillis() + " ms; log ends with:\n" + logTail());
    }

    /**
     * Waits until the child has written a line containing {@code contains}, the usual handshake for
     * "started and ready". Only output written since this child started is searched; the search
     * starts from that point on every call, so it also finds lines written before the call.
     *
     * <p>Polls the log file every 25 ms. Fails early if the child exits without writing the line.
     *
     * @param contains the text to look for; not null, not empty
     * @param deadline how long to wait at most; not null
     * @return the whole first matching line, without its line terminator
     * @throws AssertionError if the child exits first or the deadline passes; the message holds the
     *     end of the child's log
     */
    public String awaitLogLine(String contains, Duration deadline) {
        Objects.requireNonNull(contains, "contains");
        Objects.requireNonNull(deadline, "deadline");
        if (contains.isEmpty()) {
            throw new IllegalArgumentException("contains must not be empty");
        }
        LogScanner scanner = new LogScanner(logFile, logStartOffset);
        long start = System.nanoTime();
        while (true) {
            boolean exited = !process.isAlive();
            for (String line : scanner.readNewLines()) {
                if (line.contains(contains)) {
                    return line;
                }
            }
            if (exited) {
                throw new AssertionError(
                        this
                                + " exited with status "
                                + process.exitValue()
                                + " before writing a line containing \""
                                + contains
                                + "\"; log ends with:\n"
                                + logTail());
            }
            if (System.nanoTime() - start >= deadline.toNanos()) {
                throw new AssertionError(
                        "no line containing \""
                                + contains
                                + "\" from "
                                + this
                                + " within "
                                + deadline.toMillis()
                                + " ms; log ends with:\n"
                                + logTail());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
    }

    /**
     * Kills the child with SIGKILL if it is still alive (see {@link #kill()}); use {@link
     * #stop(Duration)} first for a graceful end. Idempotent.
     */
    @Override
    public void close() {
        kill();
    }

    /** Names the main class, pid and log file, for messages. */
    @Override
    public String toString() {
        return "child JVM " + mainClass + " (pid " + process.pid() + ", log " + logFile + ")";
    }

    /** The last lines this child wrote, for failure messages. */
    String logTail() {
        Deque<String> tail = new ArrayDeque<>();
        for (String line : new LogScanner(logFile, logStartOffset).readNewLines()) {
            if (tail.size() == 30) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
        return String.join("\n", tail);
    }

    private void signal(String name) {
        if (!process.isAlive()) {
            throw new IllegalStateException("cannot send SIG" + name + " to " + this + ": it has exited");
        }
        try {
            Process kill =
                    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                            .redirectErrorStream(true)
                            .start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = kill.waitFor();
            if (status != 0) {
                throw new IllegalStateException(
                        "kill -" + name + " " + process.pid() + " failed with status " + status + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name + " to " + this, e);
        }
    }

    private void closeLifeline() {
        try {
            parentLifeline.close();
        } catch (IOException ignored) {
            // The child is gone; a pipe that cannot be closed cleanly does not matter.
        }
    }

    private void awaitExit(Duration timeout, String after) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException(
                        this + " has not exited " + timeout.toMillis() + " ms after " + after);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + this + " to exit", e);
        }
    }

    private static void killAllLive() {
        for (ChildJvm child : LIVE) {
            child.process.destroyForcibly();
        }
    }

    /**
     * Describes a child JVM. Each setting may be given once or repeated where noted; the builder is
     * not thread-safe and may be used to start several children.
     */
    public static final class Builder {
        private final String mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private Path logFile;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
        }

        /**
         * Appends program arguments passed to {@code main}.
         *
         * @param args the arguments; none null
         * @return this builder
         */
        public Builder args(String... args) {
            for (String arg : args) {
                this.args.add(Objects.requireNonNull(arg, "arg"));
            }
            return this;
        }

        /**
         * Appends an option for the {@code java} command, such as {@code -Xmx512m} or {@code
         * -XX:+UseSerialGC}. Options come before the main class.
         *
         * @param option one option; not null, starting with {@code -}
         * @return this builder
         */
        public Builder jvmOption(String option) {
            Objects.requireNonNull(option, "option");
            if (!option.startsWith("-")) {
                throw new IllegalArgumentException("a JVM option starts with '-': " + option);
            }
            jvmOptions.add(option);
            return this;
        }

        /**
         * Sets a system property in the child ({@code -Dkey=value}); a later call for the same key wins.
         *
         * @param key the property name; not null, not empty
         * @param value the value; not null
         * @return this builder
         */
        public Builder systemProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("system property name must not be empty");
            }
            systemProperties.put(key, value);
            return this;
        }

        /**
         * Sets the file that receives the child's output; it is created if missing and appended to if
         * present, and never deleted. Without this a new temporary file is used, deleted when this JVM
         * exits normally (failure messages from {@link ChildJvm#awaitLogLine} and {@link
         * ChildJvm#waitFor} quote the end of the log).
         *
         * @param logFile the log file; not null; its directory must exist
         * @return this builder
         */
        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile");
            return this;
        }

        /**
         * Launches the child JVM with this JVM's {@code java} executable and classpath, and returns
         * without waiting for it to do anything (use {@link ChildJvm#awaitLogLine} for that).
         *
         * @return the running child
         * @throws UncheckedIOException if the log file cannot be created or the process cannot start
         */
        public ChildJvm start() {
            try {
                Path log = logFile;
                if (log == null) {
                    String simpleName = mainClass.substring(mainClass.lastIndexOf('.') + 1).replace('$', '-');
                    log = Files.createTempFile("eddy-" + simpleName + "-", ".log");
                    log.toFile().deleteOnExit();
                }
                Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
                long startOffset = Files.size(log);
                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(jvmOptions);
                systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add(ChildJvmMain.class.getName());
                command.add(mainClass);
                command.addAll(args);
                Process process =
                        new ProcessBuilder(command)
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                                .redirectInput(ProcessBuilder.Redirect.PIPE)
                                .start();
                ChildJvm child = new ChildJvm(mainClass, process, log, startOffset);
                LIVE.add(child);
                process
                        .onExit()
                        .thenRun(
                                () -> {
                                    LIVE.remove(child);
                                    child.closeLifeline();
                                });
                return child;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a child JVM for " + mainClass, e);
            }
        }
    }

    /** Reads complete lines appended to a file since an offset, decoding them as UTF-8. */
    private static final class LogScanner {
        private final Path file;
        private long position;
        private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();

        LogScanner(Path file, long position) {
            this.file = file;
            this.position = position;
        }

        List<String> readNewLines() {
            List<String> lines = new ArrayList<>();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                int read;
                while ((read = channel.read(buffer, position)) > 0) {
                    position += read;
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        byte b = buffer.get();
                        if (b == '\n') {
                            String line = partialLine.toString(StandardCharsets.UTF_8);
                            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                            partialLine.reset();
                        } else {
                            partialLine.write(b);
                        }
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            return lines;
        }
    }
}
