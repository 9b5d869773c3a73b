package io.eddy.testkit.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real schema registry in a child process, for tests that must talk to a server rather than a
 * stub: Apicurio Registry with in-memory storage, serving the Confluent-compatible REST API.
 *
 * <pre>{@code
 * static SchemaRegistryServer registry;
 *
 * @BeforeAll static void startRegistry() { registry = SchemaRegistryServer.start(); }
 * @AfterAll  static void stopRegistry()  { registry.close(); }
 *
 * SchemaRegistry client = SchemaRegistry.builder().url(registry.url()).build();
 * }</pre>
 *
 * <p><b>The server</b> is the runnable application the {@code schema-registry-server} module builds
 * ({@code target/quarkus-app/quarkus-run.jar}). It is found through the system property {@value
 * #JAR_PROPERTY}, else at {@code ../schema-registry-server/target/quarkus-app/quarkus-run.jar} or
 * {@code schema-registry-server/target/quarkus-app/quarkus-run.jar} relative to the working directory
 * (a module directory, as under Surefire, or the repository root). If none exists, {@link #start()}
 * fails and says how to build it.
 *
 * <p><b>Differences from Confluent's server</b> (see {@code shared/NOTES-kafka.md}): responses are
 * {@code application/json}; a lookup miss on an existing subject answers error code 40401, not
 * 40403; a 409 carries error code 0; compatibility answers carry {@code reason}, not {@code
 * messages}; the default compatibility level is {@code NONE}. Storage is in memory: nothing survives
 * {@link #stop()}, and ids restart from 1 in a new server.
 *
 * <p><b>Cost</b> (2-core machine): about 2 to 3 s to start and about 200 MB of resident memory, so
 * start one per test class or per suite, not per test. It listens on {@code 127.0.0.1} only, on a
 * port the operating system picks when it binds (no race with other processes for a "free" port).
 *
 * <p><b>No orphans.</b> Every server still running is killed when this JVM shuts down (a shutdown
 * hook). A server also halts by itself when this JVM dies without running hooks: it watches its
 * standard input, which this JVM holds open, for end-of-file.
 *
 * <p>Thread-safety: all methods may be called from any thread; {@link #stop()}, {@link #kill()} and
 * {@link #close()} are serialized on the instance. Nothing here returns null.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    /** The system property naming the runner jar ({@code quarkus-run.jar}) to start. */
    public static final String JAR_PROPERTY = "eddy.registry.jar";

    /** The path of the Confluent-compatible API below the server's root. */
    public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

    private static final String RUNNER_JAR_IN_MODULE = "schema-registry-server/target/quarkus-app/quarkus-run.jar";
    private static final String BUILD_HINT = "build schema-registry-server first: mvn -pl schema-registry-server package";
    private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^\\s:]+:(\\d+)");
    private static final Set<SchemaRegistryServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(SchemaRegistryServer::killAllLive, "eddy-schema-registry-reaper"));
    }

    private final Process process;
    // The write end of the child's standard input. Never written; kept open (and reachable) for the
    // child's whole life, because the child halts when it closes. See RegistryProcessMain.
    private final OutputStream parentLifeline;
    private final Path logFile;
    private final long logStartOffset;
    private final Path runnerJar;
    private volatile int port;

    private SchemaRegistryServer(Process process, Path logFile, long logStartOffset, Path runnerJar) {
        this.process = process;
        this.parentLifeline = process.getOutputStream();
        this.logFile = logFile;
        this.logStartOffset = logStartOffset;
        this.runnerJar = runnerJar;
    }

    /**
     * Starts a registry with the default settings and returns once it answers requests.
     *
     * @return a running registry; the caller must {@link #close()} it
     * @throws IllegalStateException if the runner jar cannot be found (the message says how to build
     *     it), or the server exits or does not answer within 60 s (the message holds the end of its
     *     log)
     * @throws UncheckedIOException if the process or its log file cannot be created
     */
    public static SchemaRegistryServer start() {
        return builder().start();
    }

    /**
     * Describes a registry with extra settings.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The base URL of the Confluent-compatible API, the URL a Confluent-style client is given, for
     * example {@code http://127.0.0.1:41187/apis/ccompat/v7} (no trailing slash).
     *
     * @return the API's base URL; valid while the server runs
     */
    public String url() {
        return rootUrl() + CONFLUENT_API_PATH;
    }

    /**
     * The server's root URL, for example {@code http://127.0.0.1:41187} (no trailing slash); Apicurio's
     * own API lives under {@code /apis/registry/v2}.
     *
     * @return the root URL; valid while the server runs
     */
    public String rootUrl() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * The TCP port the server listens on, on {@code 127.0.0.1}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The operating system's process id of the server.
     *
     * @return the pid, also after the process has exited
     */
    public long pid() {
        return process.pid();
    }

    /**
     * The file that receives the server's standard output and standard error.
     *
     * @return the log file
     */
    public Path logFile() {
        return logFile;
    }

    /**
     * The runner jar this server was started from.
     *
     * @return the absolute path of {@code quarkus-run.jar}
     */
    public Path runnerJar() {
        return runnerJar;
    }

    /**
     * Whether the server process has not exited.
     *
     * @return {@code true} until the process has exited
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops the server gracefully with SIGTERM, waits up to 10 s, then kills it with SIGKILL if it is
     * still running. Does nothing if it has already exited. Every schema it held is lost.
     *
     * @throws IllegalStateException if the process has not exited 10 s after SIGKILL
     */
    public synchronized void stop() {
        if (process.isAlive()) {
            // Not process.destroy(): that also closes the child's standard input, which the child
            // takes as its parent dying and halts at once.
            process.toHandle().destroy();
            if (!waitForExit(STOP_GRACE)) {
                process.destroyForcibly();
                awaitExit(KILL_WAIT, "SIGKILL after a SIGTERM grace of " + STOP_GRACE.toMillis() + " ms");
            }
        }
        released();
    }

    /**
     * Kills the server with SIGKILL and waits until it has exited: a crash. Does nothing if it has
     * already exited.
     *
     * @throws IllegalStateException if the process has not exited 10 s after SIGKILL
     */
    public synchronized void kill() {
        process.destroyForcibly();
        awaitExit(KILL_WAIT, "SIGKILL");
        released();
    }

    /**
     * Stops the server as {@link #stop()} does. Idempotent.
     *
     * @throws IllegalStateException if the process cannot be ended
     */
    @Override
    public void close() {
        stop();
    }

    /** Names the URL, pid and log file, for messages. */
    @Override
    public String toString() {
        return "schema registry " + (port == 0 ? "(starting)" : rootUrl()) + " (pid " + process.pid() + ", log " + logFile + ")";
    }

    /**
     * Finds the runner jar: the system property {@value #JAR_PROPERTY} if set (which must then name an
     * existing file), else the module's build output relative to the working directory.
     *
     * @return the absolute path of an existing {@code quarkus-run.jar}
     * @throws IllegalStateException if there is none; the message says how to build it
     */
    static Path locateRunnerJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path jar = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(
                        BUILD_HINT + " (no runner jar at " + jar + ", named by -D" + JAR_PROPERTY + ")");
            }
            return jar;
        }
        Path workingDir = Path.of("").toAbsolutePath();
        List<Path> candidates =
                List.of(workingDir.resolveSibling(RUNNER_JAR_IN_MODULE), workingDir.resolve(RUNNER_JAR_IN_MODULE));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException(
                BUILD_HINT
                        + " (no runner jar at "
                        + candidates.get(0).normalize()
                        + " or "
                        + candidates.get(1).normalize()
                        + "; or set -D"
                        + JAR_PROPERTY
                        + "=<path to quarkus-run.jar>)");
    }

    /** Waits until the server has bound its port and answers the API, or fails with its log. */
    private void awaitReady(int fixedPort, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long start = System.nanoTime();
        String lastProbe = "no request sent yet";
        while (true) {
            boolean exited = !process.isAlive();
            if (port == 0) {
                port = fixedPort != 0 ? fixedPort : listeningPort().orElse(0);
            }
            if (port != 0) {
                try {
                    HttpResponse<String> response =
                            http.send(
                                    HttpRequest.newBuilder(new URI(url() + "/subjects"))
                                            .timeout(Duration.ofSeconds(5))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return;
                    }
                    lastProbe = "GET /subjects answered " + response.statusCode() + ": " + response.body();
                } catch (IOException e) {
                    lastProbe = "GET /subjects failed: " + e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + this, e);
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (exited) {
                throw new IllegalStateException(
                        this + " exited with status " + process.exitValue() + " before it was ready; log ends with:\n" + logTail());
            }
            if (System.nanoTime() - start >= timeout.toNanos()) {
                throw new IllegalStateException(
                        this + " not ready within " + timeout.toMillis() + " ms (" + lastProbe + "); log ends with:\n" + logTail());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
    }

    /** The port from Quarkus's "Listening on: http://127.0.0.1:PORT" line, once it is written. */
    private Optional<Integer> listeningPort() {
        Matcher matcher = LISTENING.matcher(logSinceStart());
        return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    }

    private String logSinceStart() {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(all.length, logStartOffset);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        }
    }

    /** The last lines this server wrote, for failure messages. */
    private String logTail() {
        Deque<String> tail = new ArrayDeque<>();
        for (String line : logSinceStart().split("\r?\n")) {
            if (tail.size() == 40) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
        return String.join("\n", tail);
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while waiting for " + this + " to exit", e);
        }
    }

    private void awaitExit(Duration timeout, String after) {
        if (!waitForExit(timeout)) {
            throw new IllegalStateException(this + " has not exited " + timeout.toMillis() + " ms after " + after);
        }
    }

    private void released() {
        LIVE.remove(this);
        try {
            parentLifeline.close();
        } catch (IOException ignored) {
            // The child is gone; a pipe that cannot be closed cleanly does not matter.
        }
    }

    private static void killAllLive() {
        for (SchemaRegistryServer server : LIVE) {
            server.process.destroyForcibly();
        }
    }

    /** The class path entry (jar or directory) holding the orphan guard, if it can be found. */
    private static Optional<Path> guardLocation() {
        try {
            CodeSource source = RegistryProcessMain.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            return Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * Describes a registry server. Each setting may be given once, or repeated where noted; the
     * builder is not thread-safe and may be used to start several servers.
     */
    public static final class Builder {
        private Path runnerJar;
        private int port;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Path logFile;
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        private final Map<String, String> systemProperties = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the runner jar to start instead of the one found as described in {@link
         * SchemaRegistryServer}.
         *
         * @param runnerJar the path of {@code quarkus-run.jar} inside a built {@code quarkus-app}
         *     directory; not null
         * @return this builder
         */
        public Builder runnerJar(Path runnerJar) {
            this.runnerJar = Objects.requireNonNull(runnerJar, "runnerJar");
            return this;
        }

        /**
         * Sets the port to listen on. The default, 0, lets the operating system pick a free one when
         * the server binds, which cannot clash with another process.
         *
         * @param port 0, or a port from 1 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (any) or 1..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets how long {@link #start()} waits for the server to answer. Default 60 s.
         *
         * @param startupTimeout not null, positive
         * @return this builder
         */
        public Builder startupTimeout(Duration startupTimeout) {
            Objects.requireNonNull(startupTimeout, "startupTimeout");
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive: " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /**
         * Sets a configuration property of the server (a Quarkus or Apicurio setting such as {@code
         * registry.ccompat.legacy-id-mode.enabled}), passed as a system property, which overrides the
         * built-in configuration. Repeatable; a later call for the same key wins. The host and port
         * are set by this class and cannot be overridden here.
         *
         * @param key the property name; not null, not empty
         * @param value the value; not null
         * @return this builder
         */
        public Builder property(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("property name must not be empty");
            }
            if (key.equals("quarkus.http.host") || key.equals("quarkus.http.port")) {
                throw new IllegalArgumentException(key + " is set by SchemaRegistryServer; use port(int)");
            }
            systemProperties.put(key, value);
            return this;
        }

        /**
         * Appends an option for the server's {@code java} command. The defaults are {@code -Xmx256m
         * -XX:+UseSerialGC -XX:TieredStopAtLevel=1} (fast start, small footprint); options given here
         * come after them, so a later {@code -Xmx} wins.
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
         * Sets the file that receives the server's output; created if missing, appended to if present,
         * never deleted. Without this a temporary file is used, deleted when this JVM exits normally.
         *
         * @param logFile the log file; not null; its directory must exist
         * @return this builder
         */
        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile");
            return this;
        }

        /**
         * Launches the server and waits until it answers {@code GET /apis/ccompat/v7/subjects}.
         *
         * @return the running server; the caller must {@link SchemaRegistryServer#close()} it
         * @throws IllegalStateException if the runner jar cannot be found (the message says how to
         *     build it), or the server exits or does not answer within the startup timeout (the message
         *     holds the end of its log); the process is killed in both of the latter cases
         * @throws UncheckedIOException if the log file cannot be created or the process cannot start
         */
        public SchemaRegistryServer start() {
            Path jar = (runnerJar != null ? runnerJar : locateRunnerJar()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(BUILD_HINT + " (no runner jar at " + jar + ")");
            }
            SchemaRegistryServer server;
            try {
                Path log = logFile;
                if (log == null) {
                    log = Files.createTempFile("eddy-schema-registry-", ".log");
                    log.toFile().deleteOnExit();
                }
                Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
                long startOffset = Files.size(log);
                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(jvmOptions);
                systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
                command.add("-Dquarkus.http.host=127.0.0.1");
                command.add("-Dquarkus.http.port=" + port);
                Optional<Path> guard = guardLocation();
                if (guard.isPresent()) {
                    command.add("-cp");
                    command.add(jar + System.getProperty("path.separator") + guard.get());
                    command.add(RegistryProcessMain.class.getName());
                } else {
                    command.add("-jar");
                    command.add(jar.toString());
                }
                Process process =
                        new ProcessBuilder(command)
                                .directory(jar.getParent().toFile())
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                                .redirectInput(ProcessBuilder.Redirect.PIPE)
                                .start();
                server = new SchemaRegistryServer(process, log, startOffset, jar);
                LIVE.add(server);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a schema registry from " + jar, e);
            }
            try {
                server.awaitReady(port, startupTimeout);
            } catch (RuntimeException e) {
                server.kill();
                throw e;
            }
            return server;
        }
    }
}
