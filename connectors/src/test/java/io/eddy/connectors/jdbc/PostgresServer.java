package io.eddy.connectors.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for a test class, from Debian's {@code postgresql} package: a fresh data
 * directory under {@code target/} ({@code initdb}, password authentication), {@code postgres}
 * listening on a free port of 127.0.0.1 only (no Unix socket), stopped by {@link #close()} (and by a
 * shutdown hook if the test JVM exits first). PostgreSQL refuses to run as root: when the tests
 * run as root, every command runs as the {@code postgres} user ({@code runuser}), which then owns
 * the data directory.
 *
 * <pre>{@code
 * static PostgresServer db;
 * @BeforeAll static void start() { db = PostgresServer.start(); }   // skips the class if PostgreSQL is missing
 * @AfterAll static void stop() { db.close(); }
 * }</pre>
 */
final class PostgresServer implements AutoCloseable {
    static final String USER = "eddy";
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    private final Path bin;
    private final Path dataDir;
    private final int port;
    private final String password;
    private final boolean asPostgresUser;
    private final Thread stopOnExit;

    private PostgresServer(Path bin, Path dataDir, int port, String password, boolean asPostgresUser) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
        this.password = password;
        this.asPostgresUser = asPostgresUser;
        this.stopOnExit = new Thread(this::stopQuietly, "postgres-stop-" + port);
    }

    /** The newest installed PostgreSQL's {@code bin} directory, if any. */
    static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres"))
                            && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(PostgresServer::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Initialises and starts a server, waiting until it accepts connections. Skips the calling test
     * (a JUnit assumption) when PostgreSQL is not installed; fails when it is installed but cannot
     * start.
     */
    static PostgresServer start() {
        Optional<Path> bin = binaries();
        Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
                + "install Debian's postgresql package (apt-get install postgresql; .ci/run does) to run this test");
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            // as root the server runs as the postgres user, who may not be able to reach the build's
            // target/ (a clone under a private temporary directory, say): it gets its own directory
            // in the system's temporary directory, which everyone can traverse
            Path dir = root ? Files.createTempDirectory("eddy-postgres-")
                    : Files.createDirectories(Path.of("target", "postgres").toAbsolutePath())
                            .resolve("pg-" + UUID.randomUUID().toString().substring(0, 8));
            Files.createDirectories(dir);
            Path data = dir.resolve("data");
            String password = "pw-" + UUID.randomUUID();
            Path pwFile = dir.resolve("pwfile");
            Files.writeString(pwFile, password + "\n", StandardCharsets.UTF_8);
            if (root) {
                run(List.of("chown", "-R", "postgres:postgres", dir.toString()), dir, Duration.ofSeconds(30));
            }
            int port = freePort();
            PostgresServer server = new PostgresServer(bin.get(), data, port, password, root);
            server.command(dir, Duration.ofSeconds(120), "initdb", "-D", data.toString(), "-U", USER, "--pwfile=" + pwFile,
                    "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
            Files.deleteIfExists(pwFile);
            Runtime.getRuntime().addShutdownHook(server.stopOnExit);
            server.command(dir, START_DEADLINE.plusSeconds(10), "pg_ctl", "-D", data.toString(), "-l",
                    dir.resolve("postgres.log").toString(), "-w", "-t", Long.toString(START_DEADLINE.toSeconds()),
                    "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off "
                            + "-c max_connections=50", "start");
            server.awaitConnectable();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDBC URL of the {@code postgres} database. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    String user() {
        return USER;
    }

    String password() {
        return password;
    }

    /** A new connection as {@link #USER} (auto-commit on). */
    Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password);
        return DriverManager.getConnection(url(), props);
    }

    private void awaitConnectable() {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect()) {
                return;
            } catch (SQLException e) {
                last = e;
                sleepBriefly();
            }
        }
        throw new IllegalStateException("PostgreSQL on port " + port + " accepted no connection within "
                + START_DEADLINE.toSeconds() + " s; see " + dataDir.resolveSibling("postgres.log"), last);
    }

    private static void sleepBriefly() {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }

    /** Stops the server (fast shutdown) and deletes its data directory. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down: the hook runs
        }
        stopQuietly();
        Path dir = dataDir.getParent();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    private void stopQuietly() {
        try {
            command(dataDir.getParent(), Duration.ofSeconds(60), "pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w",
                    "stop");
        } catch (RuntimeException | IOException e) {
            System.err.println("could not stop PostgreSQL on port " + port + ": " + e);
        }
    }

    private void command(Path workDir, Duration deadline, String program, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.add(bin.resolve(program).toString());
        cmd.addAll(List.of(args));
        run(cmd, workDir, deadline);
    }

    private static void run(List<String> cmd, Path workDir, Duration deadline) throws IOException {
        Path out = Files.createTempFile("pg-cmd", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            boolean done;
            try {
                done = p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IllegalStateException("interrupted while running " + cmd.get(cmd.size() - 1));
            }
            if (!done) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within " + deadline.toSeconds()
                        + " s: " + Files.readString(out));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": "
                        + Files.readString(out));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + url() + ", data " + dataDir + "]";
    }
}
