internal import Logging
internal import NIOCore
internal import NIOSSL
internal import NIOTLS
internal import RPCTLS

/// Sits behind `NIOSSLServerHandler` until the TLS handshake is over, then puts the HTTP/2 handler in its place.
///
/// A client that did not negotiate ALPN `h2` is refused here: a log line, then the connection is closed (TLS
/// close_notify, then FIN). No HTTP/1.1 error: a client without h2 may not speak HTTP/1.1 either, and gRPC C++
/// and grpc-go (1.67+) refuse such clients the same way, by closing after the handshake. (Go's crypto/tls sends a
/// fatal `no_application_protocol` alert when a client offers ALPN without h2; BoringSSL's ALPN callback in
/// NIOSSL completes the handshake without ALPN instead, so the refusal comes right after it.)
///
/// Also closes a connection whose handshake does not finish within the handshake timeout, and one that is asked
/// to drain before it got to HTTP/2.
final class TLSServerHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let logger: Logger
    /// Makes the HTTP/2 handler of the connection once the client certificate's subject is known.
    private let makeHandler: (_ tlsPeerSubject: String?) -> HTTP2ServerHandler
    private var timer: Scheduled<Void>?
    private var done = false

    init(timeout: TimeAmount, logger: Logger, makeHandler: @escaping (_ tlsPeerSubject: String?) -> HTTP2ServerHandler)
    {
        self.timeout = timeout
        self.logger = logger
        self.makeHandler = makeHandler
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let logger = self.logger
        self.timer = context.eventLoop.scheduleTask(in: self.timeout) {
            logger.debug("no TLS handshake in time; closing")
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.timer?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainConnectionEvent {
            context.close(promise: nil)
            return
        }
        guard let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = tlsEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        self.timer?.cancel()
        self.done = true
        guard negotiated == "h2" else {
            self.logger.warning(
                "refusing a TLS client that did not negotiate ALPN h2",
                metadata: ["alpn": "\(negotiated ?? "none")"]
            )
            context.close(promise: nil)
            return
        }
        let ssl = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
        let subject = ssl?.peerCertificate.flatMap { CertificateSubject.rfc4514(of: $0) }
        do {
            try context.pipeline.syncOperations.addHandler(self.makeHandler(subject), position: .after(self))
        } catch {
            self.logger.error("cannot start HTTP/2 after the TLS handshake", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // NIOSSL passes on no plaintext before the handshake completes, and after it this handler is gone;
        // bytes here would come from a handshake we refused, so they are dropped.
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !self.done {
            // A bad or missing client certificate, a protocol version or cipher mismatch, a plaintext client
            // on the TLS port: what an operator looks for when a client cannot connect.
            self.logger.info(
                "TLS handshake failed",
                metadata: ["error": "\(TLSErrorDescription.describe(error))"]
            )
        }
        context.close(promise: nil)
    }
}
