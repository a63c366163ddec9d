internal import NIOCore
internal import NIOHTTP1

/// Answers one admin connection's requests, one at a time (NIO's HTTP server pipeline holds the next request back
/// until the previous response has ended, so an answer that waits for the scrape hook cannot be overtaken).
final class AdminHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    struct Answer {
        var status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var body: [UInt8]
    }

    private let endpoints: AdminServer.Endpoints
    private var request: HTTPRequestHead?

    init(endpoints: AdminServer.Endpoints) {
        self.endpoints = endpoints
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.request = head
        case .body:
            // No endpoint takes a body; it is read and dropped.
            break
        case .end:
            guard let head = self.request else { return }
            self.request = nil
            self.respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard head.method == .GET || head.method == .HEAD else {
            self.write(Answer(status: .methodNotAllowed, body: Array("method not allowed\n".utf8)), for: head, context)
            return
        }
        switch path {
        case "/metrics":
            // The hook is async (it may visit every connection's event loop); the answer comes back to this loop.
            let endpoints = self.endpoints
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            Task {
                await endpoints.beforeScrape()
                let body = endpoints.registry.emitToBuffer()
                bound.eventLoop.execute {
                    let contentType = "text/plain; version=0.0.4; charset=utf-8"
                    let answer = Answer(status: .ok, contentType: contentType, body: body)
                    bound.value.handler.write(answer, for: head, bound.value.context)
                }
            }
        case "/healthz":
            self.write(Answer(status: .ok, body: Array("ok\n".utf8)), for: head, context)
        case "/readyz":
            let ready = self.endpoints.isReady()
            let answer =
                ready
                ? Answer(status: .ok, body: Array("ready\n".utf8))
                : Answer(status: .serviceUnavailable, body: Array("not ready\n".utf8))
            self.write(answer, for: head, context)
        default:
            self.write(Answer(status: .notFound, body: Array("not found\n".utf8)), for: head, context)
        }
    }

    private func write(_ answer: Answer, for head: HTTPRequestHead, _ context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: answer.contentType)
        headers.add(name: "content-length", value: "\(answer.body.count)")
        if answer.status == .methodNotAllowed {
            headers.add(name: "allow", value: "GET, HEAD")
        } else {
            headers.add(name: "cache-control", value: "no-store")
        }
        let keepAlive = head.isKeepAlive
        if !keepAlive {
            headers.add(name: "connection", value: "close")
        }
        let responseHead = HTTPResponseHead(version: head.version, status: answer.status, headers: headers)
        context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD, !answer.body.isEmpty {
            let body = context.channel.allocator.buffer(bytes: answer.body)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        if keepAlive {
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: done)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }
        }
    }
}
