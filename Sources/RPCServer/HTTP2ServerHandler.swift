internal import Logging
internal import NIOCore

/// Asks a connection to drain: GOAWAY, let calls finish, close.
struct DrainConnectionEvent: Sendable {}

/// The channel handler of one accepted connection: bytes in and out of its ``HTTP2ServerConnection``.
final class HTTP2ServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let connection: HTTP2ServerConnection
    private var started = false

    init(connection: HTTP2ServerConnection) {
        self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            self.start(context: context)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard !self.started else { return }
        self.started = true
        do {
            try self.connection.start(context: context)
        } catch {
            self.connection.logger.error("cannot start HTTP/2 session", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.connection.receive(self.unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.connection.readComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.connection.flush()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.connection.close()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.connection.close()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainConnectionEvent {
            self.connection.beginDrain()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Resets by the peer are ordinary on a server; anything else is worth a line.
        self.connection.logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
