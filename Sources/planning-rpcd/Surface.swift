import AdminServer
import Foundation
import Logging
import Metrics
import PlanningRPC
import Prometheus
import RPCServer
import RPCServices

/// The daemon's operational surface: gRPC health and reflection on the RPC port, metrics and probes on the admin
/// port. Kept out of PlanningRPCD.swift so that the command's wiring stays a few lines.
struct Surface: Sendable {
    let registry: PrometheusCollectorRegistry
    let health = HealthProvider()

    /// Makes Prometheus the swift-metrics backend. Must run before any service registers its methods: the router
    /// creates each method's counters at registration, and counters made earlier stay on the no-op backend.
    static func bootstrapMetrics() -> Surface {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return Surface(registry: registry)
    }

    /// Registers Health and reflection; call it after every other service so that both see them all.
    func register(into router: inout RPCRouter) throws {
        router.register(HealthService(provider: self.health))
        router.register(
            try ReflectionService(descriptorSets: [PlanningDescriptorSet.data], serviceNames: router.serviceNames)
        )
        for service in router.serviceNames {
            self.health.setStatus(.serving, forService: service)
        }
    }

    func adminServer(host: String, port: Int, server: RPCServer, jobs: JobManager, logger: Logger) -> AdminServer {
        let connections = Gauge(label: "grpc_server_connections_open")
        let streams = Gauge(label: "grpc_server_streams_open")
        // Levels read from the job manager at each scrape: this process's queue and workers.
        let queueDepth = Gauge(label: "planning_job_queue_depth")
        let queued = Gauge(label: "planning_jobs", dimensions: [("state", "queued")])
        let running = Gauge(label: "planning_jobs", dimensions: [("state", "running")])
        let watchers = Gauge(label: "planning_job_watchers")
        let health = self.health
        return AdminServer(
            host: host,
            port: port,
            registry: self.registry,
            logger: logger,
            isReady: { !health.isShuttingDown },
            beforeScrape: {
                connections.record(server.connectionCount)
                streams.record(await server.openStreamCount())
                let waiting = jobs.queuedJobCount
                queueDepth.record(waiting)
                queued.record(waiting)
                running.record(max(0, jobs.liveJobCount - waiting))
                watchers.record(jobs.liveWatcherCount)
            }
        )
    }
}
