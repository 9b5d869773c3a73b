package io.eddy.testkit.process;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * The entry point of every {@link ChildJvm}: guards against orphans, then runs the real main class.
 *
 * <p>A shutdown hook in the parent kills its children when the parent exits normally, but a parent
 * that is itself killed (a test fork that times out and gets SIGKILL) runs no hooks. To cover that
 * case the parent keeps the write end of the child's standard input open for the child's whole
 * life; the operating system closes it when the parent dies, however it dies. A daemon thread here
 * reads standard input and halts the child when it sees end-of-file.
 *
 * <p>Arguments: the binary name of the real main class, then that class's arguments. The real main
 * may be package-private. An exception escaping it is printed and exits with status 1, as the
 * {@code java} launcher does.
 */
final class ChildJvmMain {

    /** Exit status used when the parent disappears. */
    static final int ORPHANED_EXIT_STATUS = 86;

    private ChildJvmMain() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ChildJvmMain <main class> [args...]");
            System.exit(2);
        }
        watchParent();
        Method main = Class.forName(args[0]).getDeclaredMethod("main", String[].class);
        if (!Modifier.isStatic(main.getModifiers())) {
            throw new IllegalArgumentException(args[0] + ".main(String[]) is not static");
        }
        main.setAccessible(true);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            System.err.print("Exception in thread \"main\" ");
            e.getCause().printStackTrace();
            System.exit(1);
        }
    }

    private static void watchParent() {
        Thread watcher =
                new Thread(
                        () -> {
                            try {
                                while (System.in.read() >= 0) {
                                    // The parent never writes; anything read is ignored.
                                }
                            } catch (IOException ignored) {
                                // A broken pipe means the same as end-of-file: the parent is gone.
                            }
                            System.err.println("eddy child JVM: parent process is gone, halting");
                            Runtime.getRuntime().halt(ORPHANED_EXIT_STATUS);
                        },
                        "eddy-parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
