import AdminServer
import ArgumentParser
import Foundation
import Logging
import PlanningRPC
import RPCServer
import RPCServices
import ServiceLifecycle

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

    @Flag(help: "Load the demo cycle, report, documents and PDE catalog at start (idempotent).")
    var demoData = false

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

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be 0...65535") }
        guard (0...65535).contains(self.adminPort) else { throw ValidationError("--admin-port must be 0...65535") }
        guard self.maxConcurrentStreams > 0 else { throw ValidationError("--max-concurrent-streams must be positive") }
        guard self.maxReceiveMessageSize > 0 else { throw ValidationError("--max-receive-message-size must be positive") }
        guard (65535...Int(Int32.max)).contains(self.streamWindow) else {
            throw ValidationError("--stream-window must be 65535...2147483647")
        }
        guard (65535...Int(Int32.max)).contains(self.connectionWindow) else {
            throw ValidationError("--connection-window must be 65535...2147483647")
        }
        guard Logger.Level(rawValue: self.logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        MallocTuning.apply()
        let level = Logger.Level(rawValue: self.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "planning-rpcd")
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

        let store: SQLiteStore
        do {
            store = try SQLiteStore(directory: URL(fileURLWithPath: self.dataDir, isDirectory: true))
        } catch {
            logger.critical("cannot open the database", metadata: ["data-dir": "\(self.dataDir)", "error": "\(error)"])
            throw ExitCode.failure
        }
        logger.info("database open", metadata: ["data-dir": "\(self.dataDir)"])
        if self.demoData {
            try await DemoData.load(into: store, logger: logger)
        }

        var router = RPCRouter()
        router.register(CatalogService(store: store))
        if self.enableBenchService {
            router.register(EchoService())
        }
        try surface.register(into: &router)
        let server = RPCServer(configuration: configuration, router: router, logger: logger)
        let admin = surface.adminServer(host: self.adminHost, port: self.adminPort, server: server, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(
                        service: ServerService(server: server, health: surface.health, admin: admin),
                        successTerminationBehavior: .gracefullyShutdownGroup
                    )
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
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

    func run() async throws {
        try await self.server.start()
        try await self.admin.start()
        try? await gracefulShutdown()
        self.health.beginGracefulShutdown()
        await self.server.shutdownGracefully()
        await self.admin.shutdown()
    }
}
