package io.eddy.testkit.registry;

import java.io.IOException;

/**
 * The entry point of the registry's child JVM: guards against orphans, then hands over to Quarkus.
 *
 * <p>{@link SchemaRegistryServer} kills its child from a shutdown hook, but a test JVM that is itself
 * killed (a Surefire fork that times out) runs no hooks. So the parent keeps the write end of the
 * child's standard input open for the child's whole life, and a daemon thread here halts the child
 * when it reads end-of-file, which the operating system delivers when the parent dies, however it
 * dies. Quarkus in production mode never reads standard input.
 *
 * <p>The child's class path is the runner jar ({@code quarkus-run.jar}, whose manifest lists the
 * boot libraries) followed by the location of this class. Quarkus finds its application directory
 * from the location of its own boot classes, so starting it through {@code -cp} works as {@code -jar}
 * does. This class touches no logging, so Quarkus can still install its log manager.
 */
final class RegistryProcessMain {

    /** Exit status used when the parent disappears. */
    static final int ORPHANED_EXIT_STATUS = 86;

    /** The main class in {@code quarkus-run.jar}. */
    static final String QUARKUS_MAIN = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";

    private RegistryProcessMain() {}

    public static void main(String[] args) throws Throwable {
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
                            System.err.println("eddy schema registry: parent process is gone, halting");
                            Runtime.getRuntime().halt(ORPHANED_EXIT_STATUS);
                        },
                        "eddy-parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
        try {
            Class.forName(QUARKUS_MAIN)
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
