package io.eddy.internal.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The state directory of one application instance, {@code <stateDir>/<application id>}: task
 * store directories ({@code task-<p>/<store>}), an exclusive lock held while the instance runs
 * (a second instance pointed at the same directory fails at start), and the instance's process
 * id, kept across restarts so a restarted instance reuses its transactional ids and its
 * predecessor's open transactions are aborted at once instead of after their timeout.
 */
public final class StateDirectory implements AutoCloseable {
    private static final String LOCK = ".lock";
    private static final String PROCESS_ID = "process-id";
    private static final String APPLICATION = "application-id";

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String processId;

    private StateDirectory(Path root, FileChannel lockChannel, FileLock lock, String processId) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.processId = processId;
    }

    /**
     * Creates (if needed) and locks {@code <stateDir>/<applicationId>}.
     *
     * @throws IllegalStateException if another instance holds the lock, or the directory belongs
     *         to another application
     */
    public static StateDirectory lock(Path stateDir, String applicationId) {
        Path root = stateDir.resolve(applicationId);
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("state directory " + root + " is in use by another instance of '"
                        + applicationId + "' (its lock is held); give each instance its own stateDir");
            }
            Path owner = root.resolve(APPLICATION);
            if (Files.exists(owner)) {
                String recorded = Files.readString(owner, StandardCharsets.UTF_8).trim();
                if (!recorded.equals(applicationId)) {
                    lock.release();
                    throw new IllegalStateException("state directory " + root + " belongs to application '"
                            + recorded + "', not '" + applicationId + "'");
                }
            } else {
                Files.writeString(owner, applicationId, StandardCharsets.UTF_8);
            }
            Path pid = root.resolve(PROCESS_ID);
            String processId;
            if (Files.exists(pid)) {
                processId = Files.readString(pid, StandardCharsets.UTF_8).trim();
            } else {
                processId = UUID.randomUUID().toString();
                Path tmp = root.resolve(PROCESS_ID + ".tmp");
                Files.writeString(tmp, processId, StandardCharsets.UTF_8);
                Files.move(tmp, pid, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return new StateDirectory(root, channel, lock, processId);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("cannot use state directory " + root + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    /** The directory of task {@code taskId}. */
    public Path taskDir(int taskId) {
        return root.resolve("task-" + taskId);
    }

    /** A stable id of this instance, kept in the directory across restarts. */
    public String processId() {
        return processId;
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel close below releases it too
        }
        closeQuietly(lockChannel);
    }
}
