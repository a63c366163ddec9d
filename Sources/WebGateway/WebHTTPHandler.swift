internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import RPCFraming
internal import RPCServer

/// Reads one connection's HTTP/1.1 requests and hands each to what serves it: the dashboard's files, a CORS
/// preflight, or a ``WebCall`` for an RPC. NIO's HTTP server pipeline holds a pipelined request back until the
/// previous response has ended, so there is one request at a time.
final class WebHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// A request answered without reading its body (static file, error): the body is dropped.
        case discardingBody
        /// An RPC: its body goes to the call, which answers when it is complete or fails.
        case call(WebCall)
    }

    private let shared: WebGateway.Shared
    private var state = State.idle

    init(shared: WebGateway.Shared) {
        self.shared = shared
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.state = self.begin(head, context: context)
        case .body(let buffer):
            if case .call(let call) = self.state {
                call.receive(buffer)
            }
        case .end:
            if case .call(let call) = self.state {
                call.requestComplete()
            }
            self.state = .idle
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.current?.writabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.current?.connectionClosed()
        self.current = nil
        self.state = .idle
        context.fireChannelInactive()
    }

    /// The call whose response may still be running after its request ended, so a closed connection stops it.
    private var current: WebCall?

    // MARK: Routing

    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) -> State {
        let origin = self.shared.cors.allowedOrigin(head.headers)
        if Self.headerListSize(head.headers) > self.shared.configuration.maxHeaderListSize {
            self.respond(
                status: .requestHeaderFieldsTooLarge,
                body: "request header list larger than \(self.shared.configuration.maxHeaderListSize) bytes\n",
                head: head,
                origin: origin,
                closing: true,
                context: context
            )
            return .discardingBody
        }
        let (path, query) = Self.splitURI(head.uri)
        if head.method == .OPTIONS {
            self.preflight(head, context: context)
            return .discardingBody
        }
        if let (service, method) = RequestHeadValidator.splitPath(path), service.contains(".") {
            return self.beginCall(head, service: service, method: method, query: query, origin: origin, context)
        }
        guard head.method == .GET || head.method == .HEAD else {
            self.respond(
                status: .methodNotAllowed,
                body: "method not allowed\n",
                head: head,
                origin: origin,
                extraHeaders: [("allow", "GET, HEAD")],
                context: context
            )
            return .discardingBody
        }
        guard let asset = Dashboard.asset(at: path) else {
            self.respond(status: .notFound, body: "not found\n", head: head, origin: origin, context: context)
            return .discardingBody
        }
        self.respond(
            status: .ok,
            body: asset.body,
            contentType: asset.contentType,
            head: head,
            origin: origin,
            extraHeaders: Dashboard.securityHeaders,
            context: context
        )
        return .discardingBody
    }

    private func beginCall(
        _ head: HTTPRequestHead,
        service: String,
        method: String,
        query: Substring?,
        origin: String?,
        _ context: ChannelHandlerContext
    ) -> State {
        let webProtocol: WebProtocol
        switch head.method {
        case .POST:
            guard let contentType = head.headers.first(name: "content-type"),
                let parsed = WebProtocol(postContentType: contentType)
            else {
                let received = head.headers.first(name: "content-type") ?? ""
                self.respond(
                    status: .unsupportedMediaType,
                    body: "unsupported content-type '\(received)'\n",
                    head: head,
                    origin: origin,
                    context: context
                )
                return .discardingBody
            }
            webProtocol = parsed
        case .GET:
            webProtocol = .connectUnary(.json)
        default:
            self.respond(
                status: .methodNotAllowed,
                body: "method not allowed\n",
                head: head,
                origin: origin,
                extraHeaders: [("allow", "GET, POST")],
                context: context
            )
            return .discardingBody
        }
        let call = WebCall(
            shared: self.shared,
            protocol: webProtocol,
            head: head,
            service: service,
            method: method,
            origin: origin,
            context: context,
            onEnd: { [weak self] call in
                if self?.current === call { self?.current = nil }
            }
        )
        self.current = call
        if head.method == .GET {
            call.startGET(query: query)
        } else {
            call.start()
        }
        return .call(call)
    }

    private func preflight(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard self.shared.cors.isEnabled else {
            self.respond(
                status: .methodNotAllowed,
                body: "method not allowed\n",
                head: head,
                origin: nil,
                extraHeaders: [("allow", "GET, POST")],
                context: context
            )
            return
        }
        guard let origin = self.shared.cors.allowedOrigin(head.headers) else {
            self.respond(status: .forbidden, body: "origin not allowed\n", head: head, origin: nil, context: context)
            return
        }
        let headers = self.shared.cors.preflightHeaders(origin: origin, request: head.headers)
        self.write(
            HTTPResponseHead(version: head.version, status: .noContent, headers: headers),
            body: [],
            keepAlive: head.isKeepAlive,
            context: context
        )
    }

    // MARK: Plain responses

    private func respond(
        status: HTTPResponseStatus,
        body: String,
        contentType: String = "text/plain; charset=utf-8",
        head: HTTPRequestHead,
        origin: String?,
        extraHeaders: [(String, String)] = [],
        closing: Bool = false,
        context: ChannelHandlerContext
    ) {
        self.respond(
            status: status,
            body: Array(body.utf8),
            contentType: contentType,
            head: head,
            origin: origin,
            extraHeaders: extraHeaders,
            closing: closing,
            context: context
        )
    }

    private func respond(
        status: HTTPResponseStatus,
        body: [UInt8],
        contentType: String,
        head: HTTPRequestHead,
        origin: String?,
        extraHeaders: [(String, String)] = [],
        closing: Bool = false,
        context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "cache-control", value: "no-store")
        for (name, value) in extraHeaders {
            headers.add(name: name, value: value)
        }
        if let origin {
            self.shared.cors.addResponseHeaders(origin: origin, metadataNames: [], to: &headers)
        }
        let keepAlive = head.isKeepAlive && !closing
        if !keepAlive {
            headers.add(name: "connection", value: "close")
        }
        let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
        self.write(responseHead, body: head.method == .HEAD ? [] : body, keepAlive: keepAlive, context: context)
    }

    private func write(_ head: HTTPResponseHead, body: [UInt8], keepAlive: Bool, context: ChannelHandlerContext) {
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        if !body.isEmpty {
            context.write(
                self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                promise: nil
            )
        }
        WebCall.end(context: context, keepAlive: keepAlive)
    }

    // MARK: Parsing

    /// The size of a header list as HTTP/2 counts it (RFC 9113 §6.5.2): name + value + 32 per field.
    static func headerListSize(_ headers: HTTPHeaders) -> Int {
        headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 32 }
    }

    /// The path and the query (without `?`) of a request target.
    static func splitURI(_ uri: String) -> (path: String, query: Substring?) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, nil) }
        return (String(uri[..<mark]), uri[uri.index(after: mark)...])
    }
}
