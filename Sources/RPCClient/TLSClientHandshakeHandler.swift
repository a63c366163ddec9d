internal import NIOCore
internal import NIOSSL
internal import NIOTLS
internal import RPCTLS

/// Sits behind `NIOSSLClientHandler` until the TLS handshake is over, then puts the HTTP/2 handler in its place,
/// so that the connection counts as ready only once the server is verified and has agreed to h2. A handshake that
/// fails (an untrusted or misnamed certificate, a refused client certificate, no h2) fails the connection attempt
/// with a reason the calls waiting for it report.
final class TLSClientHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let connection: HTTP2ClientConnection
    private let target: String
    private var failure: String?

    init(connection: HTTP2ClientConnection, target: String) {
        self.connection = connection
        self.target = target
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = tlsEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard negotiated == "h2" else {
            self.fail(context: context, reason: "the server at \(self.target) did not negotiate ALPN h2")
            return
        }
        do {
            try context.pipeline.syncOperations.addHandler(
                HTTP2ClientHandler(connection: self.connection),
                position: .after(self)
            )
        } catch {
            self.fail(context: context, reason: "cannot start HTTP/2 after the TLS handshake: \(error)")
            return
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.fail(
            context: context,
            reason: "TLS handshake with \(self.target) failed: \(TLSErrorDescription.describe(error))"
        )
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Closed before HTTP/2 started: the attempt failed; the first reason seen is the one reported.
        self.connection.close(reason: self.failure ?? "the connection to \(self.target) closed during the TLS handshake")
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, reason: String) {
        if self.failure == nil {
            self.failure = reason
            self.connection.failureReason = reason
        }
        context.close(promise: nil)
    }
}
