package io.eddy.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.testkit.Await;
import io.eddy.testkit.process.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Lives here because the testkit's tests of its public API share one package. */
class ChildJvmTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void passesArgumentsPropertiesAndJvmOptionsAndReportsTheExitStatus() {
        try (ChildJvm child = ChildJvm.builder(ExitWith.class)
                .args("3", "two words")
                .systemProperty("eddy.test", "x=y")
                .jvmOption("-Xmx64m")
                .start()) {
            String line = child.awaitLogLine("args=", DEADLINE);

            assertThat(line).isEqualTo("prop=x=y args=[3, two words] maxHeapMiB=64");
            assertThat(child.waitFor(DEADLINE)).isEqualTo(3);
            assertThat(child.isAlive()).isFalse();
        }
    }

    @Test
    void awaitingALineFailsFastWhenTheChildExits() {
        try (ChildJvm child = ChildJvm.builder(ExitWith.class).args("5").start()) {
            assertThatThrownBy(() -> child.awaitLogLine("NEVER", DEADLINE))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("exited with status 5")
                    .hasMessageContaining("prop=null");
        }
    }

    @Test
    void stopIsSigtermAndKillIsSigkill() {
        ChildJvm graceful = ChildJvm.builder(Forever.class).start();
        ChildJvm crashed = ChildJvm.builder(Forever.class).start();
        graceful.awaitLogLine("READY", DEADLINE);
        crashed.awaitLogLine("READY", DEADLINE);

        assertThat(graceful.stop(DEADLINE)).isEqualTo(128 + 15);
        assertThat(graceful.awaitLogLine("shutdown hook ran", Duration.ZERO)).isNotEmpty();
        crashed.kill();
        assertThat(crashed.waitFor(Duration.ZERO)).isEqualTo(128 + 9);
        assertThat(crashed.isAlive()).isFalse();
    }

    @Test
    void pauseStopsTheProcessAndResumeContinuesIt() {
        try (ChildJvm child = ChildJvm.builder(Forever.class).start()) {
            child.awaitLogLine("READY", DEADLINE);

            child.pause();
            assertThat(child.isPaused()).isTrue();
            Await.until(DEADLINE, () -> processState(child.pid()) == 'T', () -> "state " + processState(child.pid()));
            child.resume();
            Await.until(DEADLINE, () -> processState(child.pid()) != 'T', () -> "state " + processState(child.pid()));

            assertThat(child.isPaused()).isFalse();
            assertThat(child.isAlive()).isTrue();
        }
    }

    @Test
    void aChildHaltsWhenItsParentIsKilled() throws IOException {
        // The killed parent cannot delete its child's log, so this test owns it.
        Path grandchildLog = Files.createTempFile("eddy-grandchild-", ".log");
        try (ChildJvm parent = ChildJvm.builder(ParentOfForever.class).args(grandchildLog.toString()).start()) {
            String line = parent.awaitLogLine("GRANDCHILD", DEADLINE);
            long grandchild = Long.parseLong(line.substring(line.indexOf(' ') + 1));
            assertThat(ProcessHandle.of(grandchild)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

            parent.kill();

            Await.until(DEADLINE,
                    () -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true),
                    () -> "grandchild " + grandchild + " still alive");
            assertThat(Files.readString(grandchildLog)).contains("parent process is gone");
        } finally {
            Files.deleteIfExists(grandchildLog);
        }
    }

    @Test
    void outputOfARestartedChildIsAppendedAndOnlyNewLinesMatch() throws IOException {
        Path log = Files.createTempFile("eddy-child-test-", ".log");
        try {
            try (ChildJvm first = ChildJvm.builder(ExitWith.class).args("0").logFile(log).start()) {
                first.waitFor(DEADLINE);
            }
            try (ChildJvm second = ChildJvm.builder(Forever.class).logFile(log).start()) {
                assertThat(second.logFile()).isEqualTo(log);
                assertThat(second.awaitLogLine("READY", DEADLINE)).isEqualTo("READY");
                assertThatThrownBy(() -> second.awaitLogLine("args=", Duration.ofMillis(100)))
                        .isInstanceOf(AssertionError.class);
            }
            assertThat(Files.readString(log)).contains("args=[0]", "READY");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static char processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    /** Prints its system property, arguments and heap limit, then exits with the first argument. */
    static final class ExitWith {
        public static void main(String[] args) {
            System.out.println("prop=" + System.getProperty("eddy.test")
                    + " args=" + List.of(args)
                    + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
            System.exit(Integer.parseInt(args[0]));
        }
    }

    /** Prints READY and waits until killed; says so if its shutdown hooks run. */
    static final class Forever {
        public static void main(String[] args) throws InterruptedException {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
            System.out.println("READY");
            new CountDownLatch(1).await();
        }
    }

    /** Starts a {@link Forever} grandchild logging to args[0], prints its pid and waits until killed. */
    static final class ParentOfForever {
        public static void main(String[] args) throws InterruptedException {
            ChildJvm grandchild = ChildJvm.builder(Forever.class).logFile(Path.of(args[0])).start();
            grandchild.awaitLogLine("READY", DEADLINE);
            System.out.println("GRANDCHILD " + grandchild.pid());
            new CountDownLatch(1).await();
        }
    }
}
