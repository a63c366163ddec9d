internal import NIOCore
internal import NIOHTTP1

/// Answers one admin connection's requests, one at a time (NIO's HTTP server pipeline orders them).
final class AdminHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

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
        let answer: (status: HTTPResponseStatus, contentType: String, body: [UInt8])
        if head.method != .GET && head.method != .HEAD {
            answer = (.methodNotAllowed, "text/plain; charset=utf-8", Array("method not allowed\n".utf8))
        } else {
            switch path {
            case "/metrics":
                self.endpoints.beforeScrape()
                answer = (.ok, "text/plain; version=0.0.4; charset=utf-8", self.endpoints.registry.emitToBuffer())
            case "/healthz":
                answer = (.ok, "text/plain; charset=utf-8", Array("ok\n".utf8))
            case "/readyz":
                answer =
                    self.endpoints.isReady()
                    ? (.ok, "text/plain; charset=utf-8", Array("ready\n".utf8))
                    : (.serviceUnavailable, "text/plain; charset=utf-8", Array("not ready\n".utf8))
            default:
                answer = (.notFound, "text/plain; charset=utf-8", Array("not found\n".utf8))
            }
        }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: answer.contentType)
        headers.add(name: "content-length", value: "\(answer.body.count)")
        if head.method == .GET || head.method == .HEAD {
            headers.add(name: "cache-control", value: "no-store")
        } else {
            headers.add(name: "allow", value: "GET, HEAD")
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
