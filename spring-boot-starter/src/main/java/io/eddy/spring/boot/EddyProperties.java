package io.eddy.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code eddy.*} properties of the starter's {@link io.eddy.EddyApp}. A property left unset keeps
 * the builder's default; every value is checked by {@link io.eddy.EddyApp.Builder#build()} when the
 * context starts, and a bad one fails the start with an {@link io.eddy.InvalidConfigException} naming
 * the property and its value.
 *
 * <pre>
 * eddy.application-id=orders-per-minute
 * eddy.bootstrap-servers=kafka-0:9092,kafka-1:9092
 * eddy.guarantee=exactly-once
 * eddy.trigger-interval=500ms
 * eddy.threads=2
 * eddy.state-dir=/var/lib/orders/state
 * eddy.state-memory=256MB
 * eddy.client.security.protocol=SASL_SSL
 * eddy.client.sasl.jaas.config=${KAFKA_JAAS}
 * </pre>
 *
 * <p>{@link #toString()} hides the values of secret client settings ({@code *password*}, {@code *secret*},
 * {@code *token*}, {@code sasl.jaas.config}, {@code *.key}, …) and the monitoring token. Mutable, as
 * Spring's binder needs; not thread-safe; read once when the application is built.
 */
@ConfigurationProperties(prefix = "eddy")
public class EddyProperties {

    /** Whether the starter creates and runs an application. */
    private boolean enabled = true;
    /** The application id: the consumer group, the prefix of the transactional ids and internal topics. Required. */
    private String applicationId;
    /** The Kafka bootstrap servers, host:port[,host:port...]. Required. */
    private String bootstrapServers;
    /** exactly-once (the builder's default) or at-least-once. */
    private String guarantee;
    /** The micro-batch trigger interval (Trigger.every); the builder's default is 100ms. */
    private Duration triggerInterval;
    /** Worker threads (group members) in this instance; the builder's default is 1. */
    private Integer threads;
    /** Where state stores live; the builder's default is <java.io.tmpdir>/eddy-state. */
    private String stateDir;
    /** The memory RocksDB may use for all stores of this instance; the builder's default is 64MB. */
    private DataSize stateMemory;
    /** A static-membership instance id (worker i joins as <id>-<i>); for example the pod name. */
    private String instanceId;
    /**
     * The host:port other instances reach this one at for interactive queries (advertised through
     * the group); unset: keys held elsewhere cannot be forwarded to.
     */
    private String applicationServer;
    /** Warm copies of each task's stores kept on other instances; the builder's default is 0. */
    private Integer standbyReplicas;
    /** Ends a batch early once it holds this many records; the builder's default is unbounded. */
    private Integer maxRecordsPerBatch;
    /** The longest a commit may take before the batch is aborted; the builder's default is 60s. */
    private Duration commitTimeout;
    /** The longest start() waits for the broker to describe the input topics; the builder's default is 30s. */
    private Duration startTimeout;
    /** How long closing the application (commit of the open batch, leaving the group) may take at shutdown. */
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    /** Whether the application starts with the context; if false, start the EddyLifecycle bean yourself. */
    private boolean autoStartup = true;
    /** Settings for every Kafka client (security above all): eddy.client.<kafka setting>=<value>. */
    private Map<String, String> client = new LinkedHashMap<>();
    /** Settings for the workers' consumers only: eddy.consumer.<kafka setting>=<value>. */
    private Map<String, String> consumer = new LinkedHashMap<>();
    /** Settings for the workers' producers only: eddy.producer.<kafka setting>=<value>. */
    private Map<String, String> producer = new LinkedHashMap<>();
    /** Settings for the admin clients only: eddy.admin.<kafka setting>=<value>. */
    private Map<String, String> admin = new LinkedHashMap<>();
    private final Health health = new Health();
    private final Metrics metrics = new Metrics();
    private final Monitoring monitoring = new Monitoring();

    /** The health indicators' settings ({@code eddy.health.*}). */
    public static class Health {
        /**
         * Readiness stays UP while stores restore if at most this many changelog records are left to
         * restore in this instance; 0: not ready while any store restores.
         */
        private long readyRestoreBacklog;

        /** @return the backlog readiness tolerates; 0 by default */
        public long getReadyRestoreBacklog() {
            return readyRestoreBacklog;
        }

        /** @param readyRestoreBacklog the backlog readiness tolerates; not negative */
        public void setReadyRestoreBacklog(long readyRestoreBacklog) {
            this.readyRestoreBacklog = readyRestoreBacklog;
        }
    }

    /** The Micrometer binding's settings ({@code eddy.metrics.*}). */
    public static class Metrics {
        /** Whether the Kafka clients' own metrics go to the MeterRegistry too (MeteredClientFactory). */
        private boolean kafkaClients = true;

        /** @return whether the Kafka clients are metered; true by default */
        public boolean isKafkaClients() {
            return kafkaClients;
        }

        /** @param kafkaClients whether the Kafka clients are metered */
        public void setKafkaClients(boolean kafkaClients) {
            this.kafkaClients = kafkaClients;
        }
    }

    /** The monitoring module's own HTTP server ({@code eddy.monitoring.*}), off unless a port is set. */
    public static class Monitoring {
        /** The port of the monitoring server (status, progress, metrics, health, web UI); 0 for any free port; unset: no server. */
        private Integer port;
        /** The address the monitoring server binds. */
        private String bindAddress = "127.0.0.1";
        /** When set, every request to the monitoring server must carry Authorization: Bearer <token>. */
        private String bearerToken;

        /** @return the port, or null when the server is off */
        public Integer getPort() {
            return port;
        }

        /** @param port the port; 0 for any free one; null for no server */
        public void setPort(Integer port) {
            this.port = port;
        }

        /** @return the bind address; 127.0.0.1 by default */
        public String getBindAddress() {
            return bindAddress;
        }

        /** @param bindAddress the bind address */
        public void setBindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
        }

        /** @return the bearer token, or null */
        public String getBearerToken() {
            return bearerToken;
        }

        /** @param bearerToken the token every request must carry; null for none */
        public void setBearerToken(String bearerToken) {
            this.bearerToken = bearerToken;
        }

        @Override
        public String toString() {
            return "Monitoring[port=" + port + ", bindAddress=" + bindAddress
                    + (bearerToken == null ? "" : ", bearerToken=" + Secrets.HIDDEN) + "]";
        }
    }

    /** @return whether the starter runs an application; true by default */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the starter runs an application */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the application id, or null if unset */
    public String getApplicationId() {
        return applicationId;
    }

    /** @param applicationId the application id */
    public void setApplicationId(String applicationId) {
        this.applicationId = applicationId;
    }

    /** @return the bootstrap servers, or null if unset */
    public String getBootstrapServers() {
        return bootstrapServers;
    }

    /** @param bootstrapServers the bootstrap servers */
    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** @return the guarantee as written, or null if unset */
    public String getGuarantee() {
        return guarantee;
    }

    /** @param guarantee {@code exactly-once} or {@code at-least-once} (case and '-'/'_' do not matter) */
    public void setGuarantee(String guarantee) {
        this.guarantee = guarantee;
    }

    /** @return the trigger interval, or null if unset */
    public Duration getTriggerInterval() {
        return triggerInterval;
    }

    /** @param triggerInterval the trigger interval */
    public void setTriggerInterval(Duration triggerInterval) {
        this.triggerInterval = triggerInterval;
    }

    /** @return the worker threads, or null if unset */
    public Integer getThreads() {
        return threads;
    }

    /** @param threads the worker threads */
    public void setThreads(Integer threads) {
        this.threads = threads;
    }

    /** @return the state directory, or null if unset */
    public String getStateDir() {
        return stateDir;
    }

    /** @param stateDir the state directory */
    public void setStateDir(String stateDir) {
        this.stateDir = stateDir;
    }

    /** @return the state memory, or null if unset */
    public DataSize getStateMemory() {
        return stateMemory;
    }

    /** @param stateMemory the state memory, e.g. {@code 256MB} */
    public void setStateMemory(DataSize stateMemory) {
        this.stateMemory = stateMemory;
    }

    /** @return the static-membership instance id, or null if unset (dynamic membership) */
    public String getInstanceId() {
        return instanceId;
    }

    /** @param instanceId the static-membership instance id; blank counts as unset */
    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    /** @return the advertised host:port for interactive queries, or null if unset */
    public String getApplicationServer() {
        return applicationServer;
    }

    /** @param applicationServer the advertised host:port, e.g. {@code orders-0.orders:8080}; blank counts as unset */
    public void setApplicationServer(String applicationServer) {
        this.applicationServer = applicationServer;
    }

    /** @return the number of standby replicas, or null if unset */
    public Integer getStandbyReplicas() {
        return standbyReplicas;
    }

    /** @param standbyReplicas the number of standby replicas per task */
    public void setStandbyReplicas(Integer standbyReplicas) {
        this.standbyReplicas = standbyReplicas;
    }

    /** @return the batch bound, or null if unset */
    public Integer getMaxRecordsPerBatch() {
        return maxRecordsPerBatch;
    }

    /** @param maxRecordsPerBatch the batch bound */
    public void setMaxRecordsPerBatch(Integer maxRecordsPerBatch) {
        this.maxRecordsPerBatch = maxRecordsPerBatch;
    }

    /** @return the commit timeout, or null if unset */
    public Duration getCommitTimeout() {
        return commitTimeout;
    }

    /** @param commitTimeout the commit timeout */
    public void setCommitTimeout(Duration commitTimeout) {
        this.commitTimeout = commitTimeout;
    }

    /** @return the start timeout, or null if unset */
    public Duration getStartTimeout() {
        return startTimeout;
    }

    /** @param startTimeout the start timeout */
    public void setStartTimeout(Duration startTimeout) {
        this.startTimeout = startTimeout;
    }

    /** @return how long the close at shutdown may take; 30s by default */
    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    /** @param shutdownTimeout how long the close at shutdown may take; positive */
    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** @return whether the application starts with the context; true by default */
    public boolean isAutoStartup() {
        return autoStartup;
    }

    /** @param autoStartup whether the application starts with the context */
    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    /** @return the settings for every client; never null; mutable */
    public Map<String, String> getClient() {
        return client;
    }

    /** @param client the settings for every client */
    public void setClient(Map<String, String> client) {
        this.client = client;
    }

    /** @return the workers' consumer settings; never null; mutable */
    public Map<String, String> getConsumer() {
        return consumer;
    }

    /** @param consumer the workers' consumer settings */
    public void setConsumer(Map<String, String> consumer) {
        this.consumer = consumer;
    }

    /** @return the workers' producer settings; never null; mutable */
    public Map<String, String> getProducer() {
        return producer;
    }

    /** @param producer the workers' producer settings */
    public void setProducer(Map<String, String> producer) {
        this.producer = producer;
    }

    /** @return the admin clients' settings; never null; mutable */
    public Map<String, String> getAdmin() {
        return admin;
    }

    /** @param admin the admin clients' settings */
    public void setAdmin(Map<String, String> admin) {
        this.admin = admin;
    }

    /** @return the health settings; never null */
    public Health getHealth() {
        return health;
    }

    /** @return the metrics settings; never null */
    public Metrics getMetrics() {
        return metrics;
    }

    /** @return the monitoring server's settings; never null */
    public Monitoring getMonitoring() {
        return monitoring;
    }

    /** The properties, with the values of secret client settings and the monitoring token hidden. */
    @Override
    public String toString() {
        return "EddyProperties[applicationId=" + applicationId + ", bootstrapServers=" + bootstrapServers
                + ", guarantee=" + guarantee + ", triggerInterval=" + triggerInterval + ", threads=" + threads
                + ", stateDir=" + stateDir + ", stateMemory=" + stateMemory + ", instanceId=" + instanceId
                + ", applicationServer=" + applicationServer + ", standbyReplicas=" + standbyReplicas
                + ", shutdownTimeout=" + shutdownTimeout + ", client=" + Secrets.shown(client)
                + ", consumer=" + Secrets.shown(consumer) + ", producer=" + Secrets.shown(producer)
                + ", admin=" + Secrets.shown(admin) + ", monitoring=" + monitoring + "]";
    }
}
