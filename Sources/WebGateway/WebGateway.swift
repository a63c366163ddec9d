public import Logging
public import NIOCore
internal import NIOHTTP1
internal import NIOPosix
public import RPCServer
internal import Synchronization

/// The web listener: HTTP/1.1 for browsers and `curl`, beside the gRPC port and on the same router.
///
/// Every method of the router is served as gRPC-Web (binary and text) and in the Connect protocol (unary JSON or
/// protobuf, `GET` for methods without side effects, enveloped streams), with the gRPC port's handlers, deadlines,
/// metadata (so its authentication), limits and per-method metrics; `/` serves the job dashboard.
public final class WebGateway: Sendable {
    /// What every connection shares.
    struct Shared: Sendable {
        let router: RPCRouter
        let catalog: WebMethodCatalog
        let configuration: WebGatewayConfiguration
        let cors: CORSPolicy
        let logger: Logger
    }

    private let shared: Shared
    private let listener = Mutex<(any Channel)?>(nil)

    public init(
        configuration: WebGatewayConfiguration,
        router: RPCRouter,
        catalog: WebMethodCatalog,
        logger: Logger
    ) {
        self.shared = Shared(
            router: router,
            catalog: catalog,
            configuration: configuration,
            cors: CORSPolicy(allowedOrigins: Set(configuration.corsOrigins)),
            logger: logger
        )
    }

    /// Binds and starts serving; returns the bound address (port 0 picks a free port).
    @discardableResult
    public func start() async throws -> SocketAddress {
        let shared = self.shared
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(WebHTTPHandler(shared: shared))
                }
            }
        let channel = try await bootstrap.bind(host: shared.configuration.host, port: shared.configuration.port).get()
        self.listener.withLock { $0 = channel }
        let address = channel.localAddress!
        // One URL, as the admin listener logs its own: a `port=` key would read as the gRPC port to log scrapers.
        shared.logger.info(
            "web listener ready",
            metadata: [
                "web.url": "http://\(shared.configuration.host):\(address.port ?? 0)",
                "web.cors":
                    "\(shared.cors.isEnabled ? shared.configuration.corsOrigins.joined(separator: " ") : "off")",
            ]
        )
        return address
    }

    /// Stops accepting; calls in flight end with their connections (a job stream's handler ends when the job
    /// manager shuts down, before this is called).
    public func shutdown() async {
        let channel = self.listener.withLock { channel in
            defer { channel = nil }
            return channel
        }
        try? await channel?.close()
    }
}
