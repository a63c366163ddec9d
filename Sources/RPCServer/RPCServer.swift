public import Logging
public import NIOCore
internal import NIOConcurrencyHelpers
public import NIOPosix
internal import NIOSSL
internal import RPCTLS

/// A gRPC server over HTTP/2 on nghttp2 and SwiftNIO: cleartext with prior knowledge, or TLS with ALPN h2 when
/// ``ServerConfiguration/tls`` is set.
///
/// ```swift
/// var router = RPCRouter()
/// router.register(EchoService())
/// let server = RPCServer(configuration: configuration, router: router, logger: logger)
/// let address = try await server.start()
/// // ...
/// await server.shutdownGracefully()
/// ```
public final class RPCServer: Sendable {
    public let configuration: ServerConfiguration
    private let router: RPCRouter
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool
    private let state = NIOLockedValueBox(State())
    /// The TLS context new connections use; ``reloadTLS()`` replaces it. Never read on cleartext servers.
    private let tlsContext = NIOLockedValueBox<NIOSSLContext?>(nil)

    private struct State {
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
    }

    public init(
        configuration: ServerConfiguration,
        router: RPCRouter,
        logger: Logger,
        group: MultiThreadedEventLoopGroup? = nil
    ) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        if let group {
            self.group = group
            self.ownsGroup = false
        } else {
            self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
            self.ownsGroup = true
        }
    }

    /// Binds and starts accepting; returns the bound address (useful with port 0).
    ///
    /// - Throws: ``TLSConfigurationError`` naming the file and the problem when TLS is configured and a file is
    ///   missing, unreadable, not PEM, or the key does not belong to the certificate; or the bind error.
    @discardableResult
    public func start() async throws -> SocketAddress {
        let configuration = self.configuration
        let router = self.router
        let logger = self.logger
        // Cleartext connections never touch the TLS context's lock: the box is captured only for TLS servers.
        let tlsContext: NIOLockedValueBox<NIOSSLContext?>?
        if let tls = configuration.tls {
            let loaded = try ServerTLSContext(tls)
            self.tlsContext.withLockedValue { $0 = loaded.context }
            tlsContext = self.tlsContext
            self.logger.info(
                "TLS enabled",
                metadata: ["tls.serial": "\(loaded.serial)", "tls.client-auth": "\(tls.clientAuthentication.rawValue)"]
            )
        } else {
            tlsContext = nil
        }
        let bootstrap = ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { [weak self] channel in
                self?.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let peer = Self.describe(channel.remoteAddress)
                    var peerLogger = logger
                    peerLogger[metadataKey: "peer"] = "\(peer)"
                    let connectionLogger = peerLogger
                    let makeHandler = { (tlsPeerSubject: String?) in
                        HTTP2ServerHandler(
                            connection: HTTP2ServerConnection(
                                configuration: configuration,
                                router: router,
                                eventLoop: channel.eventLoop,
                                peer: peer,
                                tlsPeerSubject: tlsPeerSubject,
                                logger: connectionLogger
                            )
                        )
                    }
                    guard let context = tlsContext?.withLockedValue({ $0 }) else {
                        try channel.pipeline.syncOperations.addHandler(makeHandler(nil))
                        return
                    }
                    // TLS: the HTTP/2 handler joins once the handshake has negotiated h2 (TLSServerHandshakeHandler).
                    try channel.pipeline.syncOperations.addHandlers(
                        NIOSSLServerHandler(context: context),
                        TLSServerHandshakeHandler(
                            timeout: TimeAmount(configuration.handshakeTimeout),
                            logger: connectionLogger,
                            makeHandler: makeHandler
                        )
                    )
                }
            }
        let listener = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        self.state.withLockedValue { $0.listener = listener }
        let address = listener.localAddress!
        self.logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(address.port ?? 0)"])
        return address
    }

    /// Reads the TLS certificate chain, private key and client CA bundle again (after they were renewed on disk):
    /// connections accepted from now on use them, open connections keep the ones they started with.
    ///
    /// - Throws: ``TLSConfigurationError`` when TLS is not configured or a file cannot be used; the server then
    ///   keeps the certificates it had.
    /// - Returns: the serial number of the new server certificate, in hex.
    @discardableResult
    public func reloadTLS() throws -> String {
        guard let tls = self.configuration.tls else {
            throw TLSConfigurationError("TLS is not configured; nothing to reload")
        }
        let loaded: ServerTLSContext
        do {
            loaded = try ServerTLSContext(tls)
        } catch {
            self.logger.error("TLS reload failed; keeping the previous certificates", metadata: ["error": "\(error)"])
            throw error
        }
        self.tlsContext.withLockedValue { $0 = loaded.context }
        self.logger.info("TLS certificates reloaded", metadata: ["tls.serial": "\(loaded.serial)"])
        return loaded.serial
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let accepted = self.state.withLockedValue { state -> Bool in
            guard !state.shuttingDown else { return false }
            state.connections[id] = channel
            return true
        }
        guard accepted else {
            channel.close(promise: nil)
            return
        }
        ConnectionMetrics.accepted.increment()
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLockedValue { _ = $0.connections.removeValue(forKey: id) }
        }
    }

    /// Number of open client connections.
    public var connectionCount: Int {
        self.state.withLockedValue { $0.connections.count }
    }

    /// Streams open over every connection, counted on each connection's event loop: for a metrics scrape, so that
    /// the per-stream path carries no shared counter.
    public func openStreamCount() async -> Int {
        let channels = self.state.withLockedValue { Array($0.connections.values) }
        var total = 0
        for channel in channels {
            let count = try? await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.handler(type: HTTP2ServerHandler.self).connection.streamCount
            }.get()
            total += count ?? 0
        }
        return total
    }

    /// Stops accepting, drains every connection (GOAWAY in two steps, calls in flight finish),
    /// and after `drainTimeout` closes what is left, cancelling its calls.
    /// A second call returns at once: the first one owns the drain (and the event loops).
    public func shutdownGracefully() async {
        let (first, listener, connections) = self.state.withLockedValue { state in
            defer { state.shuttingDown = true }
            return (!state.shuttingDown, state.listener, Array(state.connections.values))
        }
        guard first else { return }
        self.logger.info("shutting down", metadata: ["connections": "\(connections.count)"])
        try? await listener?.close()
        for channel in connections {
            channel.pipeline.fireUserInboundEventTriggered(DrainConnectionEvent())
        }
        let deadline = ContinuousClock.now + self.configuration.drainTimeout
        while ContinuousClock.now < deadline, self.connectionCount > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let remaining = self.state.withLockedValue { Array($0.connections.values) }
        if !remaining.isEmpty {
            self.logger.warning("drain timeout passed; closing connections", metadata: ["count": "\(remaining.count)"])
            for channel in remaining {
                try? await channel.close()
            }
        }
        if self.ownsGroup {
            try? await self.group.shutdownGracefully()
        }
        self.logger.info("stopped")
    }

    private static func describe(_ address: SocketAddress?) -> String {
        switch address {
        case .v4(let v4)?: "ipv4:\(v4.host):\(address?.port ?? 0)"
        case .v6(let v6)?: "ipv6:[\(v6.host)]:\(address?.port ?? 0)"
        case .unixDomainSocket?: "unix:\(address?.pathname ?? "")"
        case nil: "unknown"
        }
    }
}
