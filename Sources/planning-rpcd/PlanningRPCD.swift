import ArgumentParser
import Logging
import RPCServer
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

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be 0...65535") }
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

        var router = RPCRouter()
        if self.enableBenchService {
            router.register(EchoService())
        }
        let server = RPCServer(configuration: configuration, router: router, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: ServerService(server: server), successTerminationBehavior: .gracefullyShutdownGroup)],
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

    func run() async throws {
        try await self.server.start()
        try? await gracefulShutdown()
        await self.server.shutdownGracefully()
    }
}
