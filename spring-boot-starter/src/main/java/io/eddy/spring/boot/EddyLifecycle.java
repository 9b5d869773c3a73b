package io.eddy.spring.boot;

import io.eddy.EddyApp;
import io.eddy.monitoring.MonitoringServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the starter's {@link EddyApp} with the application context and closes it when the context
 * closes: {@link #stop()} commits every worker's open batch, leaves the group and closes the clients,
 * waiting up to {@code eddy.shutdown-timeout}. Also starts and stops the monitoring module's own
 * server when {@code eddy.monitoring.port} is set, and closes the metered client factory.
 *
 * <p>Its phase is {@link SmartLifecycle#DEFAULT_PHASE}: it starts after the web server (so health
 * answers while stores restore) and stops before it. A failing {@link EddyApp#start()} (a missing
 * input topic, a refused credential) fails the context's start with Eddy's exception. Thread-safe.
 */
public final class EddyLifecycle implements SmartLifecycle, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(EddyLifecycle.class);

    private final EddyApp app;
    private final Duration shutdownTimeout;
    private final boolean autoStartup;
    private final MonitoringServer.Builder monitoring;
    private final List<AutoCloseable> closeAfterApp;
    private MonitoringServer server;
    private volatile boolean running;
    private volatile Boolean closedInTime;

    EddyLifecycle(EddyApp app, Duration shutdownTimeout, boolean autoStartup, MonitoringServer.Builder monitoring,
                  List<AutoCloseable> closeAfterApp) {
        this.app = Objects.requireNonNull(app, "app");
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        this.autoStartup = autoStartup;
        this.monitoring = monitoring;
        this.closeAfterApp = new ArrayList<>(closeAfterApp);
    }

    /**
     * Starts the monitoring server (if configured), then the application.
     *
     * @throws RuntimeException what {@link EddyApp#start()} or {@link MonitoringServer#start()} throws
     */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        if (monitoring != null && server == null) {
            server = monitoring.build().start();
        }
        app.start();
        running = true;
    }

    /** Closes the application, waiting up to {@code eddy.shutdown-timeout}; then the monitoring server. */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        closeApp();
    }

    private void closeApp() {
        if (closedInTime == null) {
            boolean inTime = app.close(shutdownTimeout);
            closedInTime = inTime;
            if (!inTime) {
                log.warn("Eddy application '{}' did not stop within eddy.shutdown-timeout={}; "
                        + "its open batches are aborted by the broker and processed again by the next owner",
                        app.status().applicationId(), shutdownTimeout);
            }
        }
        if (server != null) {
            server.close();
            server = null;
        }
        for (AutoCloseable c : closeAfterApp) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {} failed", c, e);
            }
        }
        closeAfterApp.clear();
    }

    /** Whether the application was started by this lifecycle and not stopped since. */
    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    /**
     * Whether the last close finished within {@code eddy.shutdown-timeout}: every worker committed
     * its open batch and stopped. Empty before a close.
     */
    public Optional<Boolean> closedInTime() {
        return Optional.ofNullable(closedInTime);
    }

    /** The monitoring server while it runs (with {@code eddy.monitoring.port} set); else empty. */
    public synchronized Optional<MonitoringServer> monitoringServer() {
        return Optional.ofNullable(server);
    }

    /** Closes the application if it was never started or stopped (a context that failed to start). */
    @Override
    public synchronized void destroy() {
        running = false;
        closeApp();
    }

    @Override
    public String toString() {
        return "EddyLifecycle[" + app.status().applicationId() + ", running=" + running + "]";
    }
}
