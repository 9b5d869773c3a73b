/**
 * Optional monitoring of an Eddy application: {@link io.eddy.monitoring.EddyMeterBinder} publishes
 * its progress to Micrometer, {@link io.eddy.monitoring.MeteredClientFactory} its Kafka clients'
 * metrics, and {@link io.eddy.monitoring.MonitoringServer} serves status, progress, topology,
 * Prometheus metrics, health, tasks and a live web UI over HTTP. Depends on the framework's public
 * API only.
 */
package io.eddy.monitoring;
