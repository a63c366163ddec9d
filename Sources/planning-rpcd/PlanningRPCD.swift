import AdminServer
import ArgumentParser
import DaemonConfiguration
import Foundation
import Logging
import OpenAIEngine
import PlanningEngine
import PlanningRPC
import RPCFraming
import RPCServer
import RPCServices
import ServiceLifecycle
import TraceExport
import WebGateway

@main
struct PlanningRPCD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planning-rpcd",
        abstract: "The planning RPC daemon: gRPC over HTTP/2 on nghttp2."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one; the log says which).")
    var port = 50051

    @Option(help: "Event loop threads (default: one per core).")
    var threads: Int?

    @Flag(help: "Serve /bench.Echo/Unary and /bench.Echo/Stream for benchmarks and interop tests.")
    var enableBenchService = false

    @Option(help: "Directory of the embedded SQLite database (planning.sqlite).")
    var dataDir = "./data"

    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    @Flag(help: "Load the demo cycle, report, documents and PDE catalog at start (idempotent).")
    var demoData = false

    @Option(help: "Planning engine: builtin (offline, deterministic) or openai (any Chat Completions server).")
    var modelProvider = "builtin"

    @Option(help: "Base URL of the Chat Completions API, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1.")
    var modelBaseUrl: String?

    @Option(help: "Model name for --model-provider openai.")
    var modelName: String?

    @Option(help: "Environment variable holding the model API key (never logged).")
    var modelApiKeyEnv = APIKey.defaultEnvironmentVariable

    @Option(help: "Milliseconds the engine waits before each item, as a model would (demos and tests; 0: off).")
    var simulatedModelLatencyMs = 0

    @Option(help: "Jobs that run at once.")
    var maxRunningJobs = 4

    @Option(help: "Jobs that may wait in the queue; a full queue answers RESOURCE_EXHAUSTED.")
    var maxQueuedJobs = 1000

    @Option(help: "Seconds without an event before a job stream gets a heartbeat.")
    var heartbeatInterval = 10.0

    @Option(help: "Days an ended job and its events are kept.")
    var jobRetentionDays = 7.0

    @Option(help: "Concurrent streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS).")
    var maxConcurrentStreams = 256

    @Option(help: "Largest request message in bytes, after decompression.")
    var maxReceiveMessageSize = 4 * 1024 * 1024

    @Option(help: "Largest request header list in bytes.")
    var maxHeaderListSize = 16 * 1024

    @Option(help: "Per-stream HTTP/2 receive window in bytes.")
    var streamWindow = 1024 * 1024

    @Option(help: "Per-connection HTTP/2 receive window in bytes.")
    var connectionWindow = 16 * 1024 * 1024

    @Option(help: "Seconds a connection without calls stays open (0: forever).")
    var maxConnectionIdle = 0.0

    @Option(help: "Seconds after which a connection is drained so clients rebalance (0: never).")
    var maxConnectionAge = 0.0

    @Option(help: "Seconds of silence before the server pings a connection (0: never).")
    var keepaliveInterval = 7200.0

    @Option(help: "Seconds graceful shutdown waits for calls in flight.")
    var drainTimeout = 30.0

    @Option(help: "Address of the admin HTTP listener (/metrics, /healthz, /readyz).")
    var adminHost = "127.0.0.1"

    @Option(help: "Port of the admin HTTP listener (0 picks a free one; the log says which).")
    var adminPort = 9090

    @Option(help: "Address of the web listener (gRPC-Web, Connect, the job dashboard at /).")
    var webHost = "127.0.0.1"

    @Option(help: "Port of the web listener (0 picks a free one; the log says which).")
    var webPort = 8080

    @Option(help: "Origin allowed to call the web listener from other pages (repeatable; * for any; none: CORS off).")
    var webCorsOrigin: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @OptionGroup(title: "TLS")
    var tls: ServerTLSOptions

    @OptionGroup(title: "Authentication, authorization and quotas")
    var auth: AuthOptions

    @OptionGroup(title: "Tracing")
    var otlp: OTLPOptions

    @Option(help: "YAML or JSON file of options, keyed by long option name; flags and PLANNING_RPCD_* override it.")
    var config: String?

    @Flag(help: "Print the effective configuration (secrets redacted) with each value's source, and exit.")
    var printConfig = false

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be 0...65535") }
        guard (0...65535).contains(self.adminPort) else { throw ValidationError("--admin-port must be 0...65535") }
        guard (0...65535).contains(self.webPort) else { throw ValidationError("--web-port must be 0...65535") }
        guard self.maxConcurrentStreams > 0 else { throw ValidationError("--max-concurrent-streams must be positive") }
        guard self.maxReceiveMessageSize > 0 else { throw ValidationError("--max-receive-message-size must be positive") }
        guard (65535...Int(Int32.max)).contains(self.streamWindow) else {
            throw ValidationError("--stream-window must be 65535...2147483647")
        }
        guard (65535...Int(Int32.max)).contains(self.connectionWindow) else {
            throw ValidationError("--connection-window must be 65535...2147483647")
        }
        guard ["builtin", "openai"].contains(self.modelProvider) else {
            throw ValidationError("--model-provider must be builtin or openai")
        }
        if self.modelProvider == "openai" {
            guard let url = self.modelBaseUrl, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ValidationError("--model-provider openai needs --model-base-url http(s)://...")
            }
            guard let name = self.modelName, !name.isEmpty else {
                throw ValidationError("--model-provider openai needs --model-name")
            }
        }
        guard self.maxRunningJobs > 0, self.maxQueuedJobs > 0 else {
            throw ValidationError("--max-running-jobs and --max-queued-jobs must be positive")
        }
        guard self.drainTimeout >= 0 else { throw ValidationError("--drain-timeout must not be negative") }
        guard self.heartbeatInterval > 0, self.jobRetentionDays > 0 else {
            throw ValidationError("--heartbeat-interval and --job-retention-days must be positive")
        }
        guard Logger.Level(rawValue: self.logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        try self.auth.validate(host: self.host)
    }

    func run() async throws {
        if self.printConfig {
            print(EffectiveConfiguration.rendered, terminator: "")
            return
        }
        MallocTuning.apply()
        let level = Logger.Level(rawValue: self.logLevel) ?? .info
        LoggingSystem.bootstrap(
            { label, provider in
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            }, metadataProvider: TraceContext.loggingMetadataProvider)
        let logger = Logger(label: "planning-rpcd")
        EffectiveConfiguration.log(to: logger)
        let surface = Surface.bootstrapMetrics()

        var configuration = ServerConfiguration()
        configuration.host = self.host
        configuration.port = self.port
        if let threads = self.threads { configuration.threads = threads }
        configuration.maxConcurrentStreams = self.maxConcurrentStreams
        configuration.maxReceiveMessageSize = self.maxReceiveMessageSize
        configuration.maxHeaderListSize = self.maxHeaderListSize
        configuration.initialStreamWindowSize = self.streamWindow
        configuration.connectionWindowSize = self.connectionWindow
        configuration.maxConnectionIdle = Self.duration(self.maxConnectionIdle)
        configuration.maxConnectionAge = Self.duration(self.maxConnectionAge)
        configuration.keepaliveInterval = Self.duration(self.keepaliveInterval)
        configuration.drainTimeout = Self.duration(self.drainTimeout) ?? .zero
        configuration.tls = try self.tls.configuration()

        let store: any JobStore & PlanningStore
        let closeStore: @Sendable () -> Void
        do {
            let opened = try await self.storeOptions.open(dataDir: self.dataDir, logger: logger)
            store = opened.store
            closeStore = opened.close
        } catch {
            logger.critical("cannot open the database", metadata: ["data-dir": "\(self.dataDir)", "error": "\(error)"])
            throw ExitCode.failure
        }
        defer { closeStore() }
        if self.demoData {
            try await DemoData.load(into: store, logger: logger)
        }

        var engine = try self.makeEngine(logger: logger)
        if self.simulatedModelLatencyMs > 0 {
            logger.info("simulating model latency", metadata: ["per-item-ms": "\(self.simulatedModelLatencyMs)"])
            engine = SimulatedLatencyEngine(base: engine, latency: .milliseconds(self.simulatedModelLatencyMs))
        }
        engine = MeteredEngine(base: engine, provider: self.modelProvider)
        var jobConfiguration = JobManager.Configuration()
        jobConfiguration.maxRunningJobs = self.maxRunningJobs
        jobConfiguration.maxQueuedJobs = self.maxQueuedJobs
        jobConfiguration.heartbeatInterval = .milliseconds(Int64(self.heartbeatInterval * 1000))
        jobConfiguration.retention = .seconds(Int64(self.jobRetentionDays * 86400))
        jobConfiguration.quotas = self.auth.quotas
        let tracer = try self.otlp.makeTracer(logger: logger)
        jobConfiguration.tracer = tracer
        let jobs = JobManager(store: store, engine: engine, configuration: jobConfiguration, logger: logger)
        try await jobs.start()

        var router = RPCRouter()
        router.register(CatalogService(store: store))
        router.register(PlanningService(store: store, jobs: jobs, engine: engine, logger: logger))
        if self.enableBenchService {
            router.register(EchoService())
        }
        try surface.register(into: &router)
        if let tracer { router.trace(with: tracer) }
        let reload = ReloadSignal(logger: logger)
        if let authenticator = try self.auth.makeAuthenticator(host: self.host, logger: logger) {
            router.intercept(with: authenticator)
            reload.add("credentials") { try authenticator.reload() }
        }
        let server = RPCServer(configuration: configuration, router: router, logger: logger)
        if configuration.tls != nil {
            reload.add("tls") { try server.reloadTLS() }
        }
        reload.install()
        let admin = surface.adminServer(
            host: self.adminHost, port: self.adminPort, server: server, jobs: jobs, logger: logger)
        // After the interceptors: web calls go through the same router, authentication included.
        var webConfiguration = WebGatewayConfiguration()
        webConfiguration.host = self.webHost
        webConfiguration.port = self.webPort
        webConfiguration.corsOrigins = self.webCorsOrigin
        webConfiguration.maxReceiveMessageSize = configuration.maxReceiveMessageSize
        webConfiguration.maxHeaderListSize = configuration.maxHeaderListSize
        let web = try surface.webGateway(configuration: webConfiguration, router: router, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(
                        service: ServerService(
                            server: server, health: surface.health, admin: admin, web: web, jobs: jobs,
                            tracer: tracer, drainTimeout: configuration.drainTimeout, logger: logger),
                        successTerminationBehavior: .gracefullyShutdownGroup
                    )
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    private func makeEngine(logger: Logger) throws -> any PlanningEngine {
        guard self.modelProvider == "openai", let baseURL = self.modelBaseUrl, let model = self.modelName else {
            logger.info("planning engine: built-in (offline)")
            return BuiltInEngine()
        }
        let key = APIKey.fromEnvironment(self.modelApiKeyEnv)
        if key == nil {
            logger.warning("no model API key", metadata: ["variable": "\(self.modelApiKeyEnv)"])
        }
        logger.info("planning engine: OpenAI-compatible", metadata: ["base-url": "\(baseURL)", "model": "\(model)"])
        return try OpenAIEngine(configuration: .init(baseURL: baseURL, model: model, apiKey: key), logger: logger)
    }

    private static func duration(_ seconds: Double) -> Duration? {
        seconds > 0 ? .milliseconds(Int64(seconds * 1000)) : nil
    }
}

/// Runs the server until ServiceLifecycle asks for a graceful shutdown (SIGTERM, SIGINT).
struct ServerService: Service {
    let server: RPCServer
    /// Turns NOT_SERVING when the drain begins, so health checkers stop routing here before the GOAWAY.
    let health: HealthProvider
    /// Up until the drain has finished, so that /readyz answers 503 through it.
    let admin: AdminServer
    /// gRPC-Web, Connect and the dashboard; its listener closes once the jobs and the gRPC port have drained.
    let web: WebGateway
    /// Stopped while the transport drains: running jobs halt at an item boundary and stay queued in the store,
    /// and job streams end with a `server_draining` event (then OK) so clients re-attach elsewhere.
    let jobs: JobManager
    /// Exports the spans of the calls and jobs the drain ended, within what is left of the drain's budget.
    let tracer: Tracer?
    /// The whole drain's budget; past it (and a second's grace) the process exits whatever still runs.
    let drainTimeout: Duration
    let logger: Logger

    func run() async throws {
        try await self.server.start()
        try await self.admin.start()
        try await self.web.start()
        try? await gracefulShutdown()
        self.logger.info("draining", metadata: ["drain-timeout": "\(self.drainTimeout)"])
        let drainStarted = ContinuousClock.now
        DrainWatchdog.arm(after: self.drainTimeout + .seconds(1), logger: self.logger)
        self.health.beginGracefulShutdown()
        // GOAWAY and the jobs' stop together: unary calls finish while the job streams get their last event.
        await withDiscardingTaskGroup { group in
            group.addTask { await self.jobs.shutdown() }
            group.addTask { await self.server.shutdownGracefully() }
        }
        await self.web.shutdown()
        await self.tracer?.shutdown(within: max(.zero, self.drainTimeout - (ContinuousClock.now - drainStarted)))
        await self.admin.shutdown()
    }
}
