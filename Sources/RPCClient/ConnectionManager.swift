internal import Logging
internal import NIOCore
internal import NIOPosix
internal import NIOSSL
internal import RPCFraming

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Owns a channel's connection: opens it on the first call, hands calls to it, opens a new one after a GOAWAY
/// or a drop, and spaces failed attempts with ``ConnectionBackoff``.
///
/// Confined to the channel's event loop (`@unchecked Sendable` for that reason): every method runs there, so
/// starting a call on a ready connection costs no lock and no hop when the caller is on the loop already.
final class ConnectionManager: @unchecked Sendable {
    private enum State {
        case idle
        case connecting(HTTP2ClientConnection, pending: [ClientStream])
        case ready(HTTP2ClientConnection)
        /// The last attempt failed; calls fail fast until `until`.
        case backingOff(until: NIODeadline, reason: String)
        case shutdown
    }

    let host: String
    let port: Int
    let configuration: ClientConfiguration
    let staticHeaders: StaticHeaderBlock
    let eventLoop: any EventLoop
    let logger: Logger

    /// The TLS context of every connection, built once; nil for cleartext.
    private let tls: Result<NIOSSLContext, any Error>?
    private var state = State.idle
    private var failures = 0
    /// Every connection with a live channel, including draining ones, so ``shutdown()`` can close them.
    private var channels: [ObjectIdentifier: any Channel] = [:]

    init(
        host: String,
        port: Int,
        configuration: ClientConfiguration,
        staticHeaders: StaticHeaderBlock,
        eventLoop: any EventLoop,
        logger: Logger
    ) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.staticHeaders = staticHeaders
        self.eventLoop = eventLoop
        self.logger = logger
        self.tls = configuration.tls.map { tls in Result { try tls.makeContext() } }
    }

    private var target: String { "\(self.host):\(self.port)" }

    /// Starts a call, connecting first if needed. On the loop.
    func start(_ stream: ClientStream) {
        self.eventLoop.preconditionInEventLoop()
        switch self.state {
        case .ready(let connection):
            stream.start(on: connection)
        case .connecting(let connection, var pending):
            self.state = .idle  // Avoids a copy-on-write of `pending`.
            pending.append(stream)
            self.state = .connecting(connection, pending: pending)
            self.armPendingDeadline(stream)
        case .idle:
            self.connect(first: stream)
        case .backingOff(let until, let reason):
            if NIODeadline.now() >= until {
                self.connect(first: stream)
            } else {
                let wait = (until - NIODeadline.now()).nanoseconds / 1_000_000
                stream.fail(RPCError(code: .unavailable, message: "\(reason) (next attempt in \(wait) ms)"))
            }
        case .shutdown:
            stream.fail(RPCError(code: .unavailable, message: "the channel is closed"))
        }
    }

    /// A call waiting for the connection still has its deadline.
    private func armPendingDeadline(_ stream: ClientStream) {
        guard let deadline = stream.deadline else { return }
        self.eventLoop.scheduleTask(deadline: deadline) {
            if stream.connection == nil {
                stream.fail(RPCError(code: .deadlineExceeded, message: "deadline exceeded while connecting"))
            }
        }
    }

    private func connect(first stream: ClientStream) {
        let connection = HTTP2ClientConnection(
            configuration: self.configuration,
            staticHeaders: self.staticHeaders,
            eventLoop: self.eventLoop,
            logger: self.logger
        )
        connection.onActive = { [self] connection in self.connected(connection) }
        connection.onUnusable = { [self] connection in self.unusable(connection) }
        self.state = .connecting(connection, pending: [stream])
        self.armPendingDeadline(stream)
        self.logger.debug("connecting", metadata: ["rpc.target": "\(self.target)"])
        let sslContext: NIOSSLContext?
        switch self.tls {
        case nil:
            sslContext = nil
        case .success(let context)?:
            sslContext = context
        case .failure(let error)?:
            self.connectFailed(connection, reason: "TLS configuration: \(error)")
            return
        }
        let serverHostname = self.configuration.tls?.sniHostname(connectingTo: self.host)
        let target = self.target
        ClientBootstrap(group: self.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount.nanoseconds(self.configuration.connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let sslContext else {
                        try channel.pipeline.syncOperations.addHandler(HTTP2ClientHandler(connection: connection))
                        return
                    }
                    // TLS: the HTTP/2 handler joins once the handshake has verified the server and negotiated h2.
                    try channel.pipeline.syncOperations.addHandlers(
                        NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname),
                        TLSClientHandshakeHandler(connection: connection, target: target)
                    )
                }
            }
            .connect(host: self.host, port: self.port)
            .hop(to: self.eventLoop)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    self.track(channel)
                case .failure(let error):
                    let reason = "cannot connect to \(self.target): \(Self.describe(error))"
                    self.connectFailed(connection, reason: reason)
                }
            }
    }

    /// NIO's connection errors list every address tried; a person wants the cause ("Connection refused").
    private static func describe(_ error: any Error) -> String {
        var cause: any Error = error
        if let connection = error as? NIOConnectionError {
            cause = connection.connectionErrors.first?.error ?? connection.dnsAAAAError ?? connection.dnsAError ?? error
        }
        if let io = cause as? IOError {
            return String(cString: strerror(io.errnoCode))
        }
        return "\(cause)"
    }

    private func track(_ channel: any Channel) {
        if case .shutdown = self.state {
            channel.close(promise: nil)
            return
        }
        let id = ObjectIdentifier(channel)
        self.channels[id] = channel
        channel.closeFuture.hop(to: self.eventLoop).whenComplete { [self] _ in
            self.channels.removeValue(forKey: id)
        }
    }

    private func connected(_ connection: HTTP2ClientConnection) {
        guard case .connecting(let current, let pending) = self.state, current === connection else { return }
        self.failures = 0
        self.state = .ready(connection)
        for stream in pending {
            stream.start(on: connection)
        }
    }

    private func connectFailed(_ connection: HTTP2ClientConnection, reason: String) {
        guard case .connecting(let current, let pending) = self.state, current === connection else { return }
        self.failures += 1
        let delay = self.configuration.backoff.delay(afterFailures: self.failures)
        self.state = .backingOff(until: .now() + .nanoseconds(delay.nanoseconds), reason: reason)
        self.logger.debug("connection attempt failed", metadata: ["rpc.target": "\(self.target)", "error": "\(reason)"])
        for stream in pending {
            stream.fail(RPCError(code: .unavailable, message: reason))
        }
    }

    /// GOAWAY or close: new calls need a new connection; calls in flight on this one finish or fail there.
    private func unusable(_ connection: HTTP2ClientConnection) {
        switch self.state {
        case .ready(let current) where current === connection:
            self.state = .idle
        case .connecting(let current, _) where current === connection:
            let reason = connection.failureReason ?? "the connection to \(self.target) closed during the handshake"
            self.connectFailed(connection, reason: reason)
        default:
            break
        }
    }

    /// Closes every connection; calls in flight fail with UNAVAILABLE, new calls too.
    func shutdown() -> EventLoopFuture<Void> {
        self.eventLoop.preconditionInEventLoop()
        if case .connecting(_, let pending) = self.state {
            for stream in pending {
                stream.fail(RPCError(code: .unavailable, message: "the channel is closed"))
            }
        }
        self.state = .shutdown
        let closes = self.channels.values.map { channel in
            channel.close().recover { _ in }
        }
        return EventLoopFuture.andAllComplete(closes, on: self.eventLoop)
    }

    /// The connection calls start on now, if any (tests and the bench).
    var currentConnection: HTTP2ClientConnection? {
        if case .ready(let connection) = self.state { return connection }
        return nil
    }
}
