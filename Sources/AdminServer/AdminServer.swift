public import Logging
public import NIOCore
internal import NIOHTTP1
internal import NIOPosix
public import Prometheus
internal import Synchronization

/// The admin listener: plain HTTP/1.1 beside the gRPC port, for what operators and orchestrators poll.
///
/// - `GET /metrics`: every swift-metrics instrument of the process in the Prometheus text format (the
///   `PrometheusMetricsFactory` of `registry` must be the bootstrapped metrics backend);
/// - `GET /healthz`: 200 while the process runs (liveness);
/// - `GET /readyz`: 200 while `isReady()` says so, 503 otherwise, e.g. during the graceful drain (readiness).
///
/// Meant for a loopback or cluster-internal address: it has no authentication.
public final class AdminServer: Sendable {
    /// What the admin listener serves, shared by its connections.
    struct Endpoints: Sendable {
        let registry: PrometheusCollectorRegistry
        let isReady: @Sendable () -> Bool
        let beforeScrape: @Sendable () async -> Void
    }

    private let host: String
    private let port: Int
    private let endpoints: Endpoints
    private let logger: Logger
    private let listener = Mutex<(any Channel)?>(nil)

    /// - Parameters:
    ///   - beforeScrape: runs before each `/metrics` answer, to refresh gauges that are cheaper to read than to
    ///     keep current (open connections and streams).
    public init(
        host: String,
        port: Int,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        isReady: @escaping @Sendable () -> Bool,
        beforeScrape: @escaping @Sendable () async -> Void = {}
    ) {
        self.host = host
        self.port = port
        self.endpoints = Endpoints(registry: registry, isReady: isReady, beforeScrape: beforeScrape)
        self.logger = logger
    }

    /// Binds and starts serving; returns the bound address (port 0 picks a free port).
    @discardableResult
    public func start() async throws -> SocketAddress {
        let endpoints = self.endpoints
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminHTTPHandler(endpoints: endpoints))
                }
            }
        let channel = try await bootstrap.bind(host: self.host, port: self.port).get()
        self.listener.withLock { $0 = channel }
        let address = channel.localAddress!
        // Logged as one URL: a `port=` key would read as the gRPC port to tools that scrape the log for it.
        self.logger.info("admin listener ready", metadata: ["admin.url": "http://\(self.host):\(address.port ?? 0)"])
        return address
    }

    /// Stops accepting and closes the listener; scrapes in flight finish on their own connections.
    public func shutdown() async {
        let channel = self.listener.withLock { channel in
            defer { channel = nil }
            return channel
        }
        try? await channel?.close()
    }
}
