import NIOCore
import NIOHTTP1

/// Reads the one response of an export request and completes the exporter's promise with its head once the body has
/// been read (the body, a partial-success report at most, is not needed).
final class ExportResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<HTTPResponseHead>
    private var head: HTTPResponseHead?

    init(promise: EventLoopPromise<HTTPResponseHead>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            // A 100 Continue is not the answer.
            if head.status.code >= 200 { self.head = head }
        case .body:
            break
        case .end:
            if let head = self.head {
                self.promise.succeed(head)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.promise.fail(ExportFailure("the collector closed the connection before answering"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.promise.fail(error)
        context.close(promise: nil)
    }
}
