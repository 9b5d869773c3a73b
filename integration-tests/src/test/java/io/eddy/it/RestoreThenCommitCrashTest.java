package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.state.internal.BytesStore;
import io.eddy.state.internal.StateEnvironment;
import io.eddy.state.internal.StoreOptions;
import io.eddy.testkit.process.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store restored from its changelog (written without the WAL), then one committed batch (written
 * with the WAL), then the process dies (SIGKILL): reopened, the store must hold both the batch's
 * offset and the restored records. It used to lose the restored records while keeping the later
 * offset, so a restart skipped them (found by the event-time crash test).
 */
class RestoreThenCommitCrashTest {
    @TempDir
    Path tmp;

    /**
     * Child: restore k1 (offsets 0..9), commit k2 at offset 10 together with enough other keys to
     * pass the store's write-behind budget (so the commit reaches RocksDB, with its write-ahead
     * log, at once), say DONE, wait to be killed.
     */
    static final class Child {
        public static void main(String[] args) throws Exception {
            StateEnvironment env = StateEnvironment.rocksDb(64L << 20);
            BytesStore store = env.openKeyValue(Path.of(args[0]), "s", StoreOptions.DEFAULT);
            store.restore(List.of(Map.entry(b("k1"), b("restored"))), 9);
            store.put(b("k2"), b("processed"));
            for (int i = 0; i < 10_000; i++) {
                store.put(b("filler-" + i), new byte[100]);
            }
            store.commit(10);
            System.out.println("DONE offset=" + store.committedOffset());
            System.out.flush();
            Thread.sleep(60_000);   // the test kills this process; it never wakes
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void restoredRecordsSurviveACrashAfterTheNextCommit() {
        Path dir = tmp.resolve("s");
        try (ChildJvm child = ChildJvm.builder(Child.class).args(dir.toString()).start()) {
            child.awaitLogLine("DONE", Duration.ofSeconds(30));
            child.kill();
        }
        try (StateEnvironment env = StateEnvironment.rocksDb(64L << 20)) {
            BytesStore store = env.openKeyValue(dir, "s", StoreOptions.DEFAULT);
            long offset = store.committedOffset();
            byte[] k1 = store.get(b("k1"));
            byte[] k2 = store.get(b("k2"));
            assertThat(offset).isEqualTo(10);
            assertThat(k1).as("k1, restored before the commit of offset 10").isNotNull();
            assertThat(k2).as("k2, committed at offset 10").isNotNull();
            store.close();
        }
    }
}
