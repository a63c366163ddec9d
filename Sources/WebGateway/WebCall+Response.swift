internal import NIOCore
internal import NIOHTTP1
internal import RPCFraming
internal import RPCServer

/// The response side of a call, per protocol: what the head carries, how messages are framed, how the call ends.
extension WebCall {
    /// gRPC-Web's flag on the frame that carries the trailers.
    static let trailersFlag: UInt8 = 0x80
    /// Connect's flag on the end-of-stream envelope.
    static let endStreamFlag: UInt8 = 0x02

    /// One length-prefixed frame (gRPC-Web) or envelope (Connect) around `payload`, base64 for grpc-web-text.
    func frame(_ payload: [UInt8], flag: UInt8) -> [UInt8] {
        var bytes: [UInt8] = []
        MessageFramer.append(payload, compressed: false, to: &bytes)
        bytes[0] = flag
        if case .grpcWeb(text: true) = self.webProtocol {
            return GRPCWebText.encode(bytes)
        }
        return bytes
    }

    /// The unary handler answered.
    func respondUnary(_ response: ServerResponse) {
        guard self.phase == .running else { return }
        switch self.webProtocol {
        case .connectUnary:
            var headers = self.responseHeaders(
                contentType: self.webProtocol.responseContentType,
                metadata: response.metadata
            )
            for (name, value) in response.trailingMetadata.headerFields() {
                headers.add(name: "trailer-" + name, value: value)
            }
            self.record(.ok, message: "")
            self.sendComplete(status: .ok, headers: headers, body: response.message)
        case .grpcWeb, .connectStreaming:
            self.startStreaming(metadata: response.metadata)
            self.sendBody(self.frame(response.message, flag: 0))
            self.finish(error: nil, trailers: response.trailingMetadata)
        }
    }

    /// The streaming handler returned its response: the head goes out now.
    func startStreaming(metadata: Metadata) {
        // From .receiving too: an error found while the request is read is answered as a stream that only ends.
        guard self.phase == .running || self.phase == .receiving else { return }
        let headers = self.responseHeaders(contentType: self.webProtocol.responseContentType, metadata: metadata)
        self.context.write(
            NIOAny(
                HTTPServerResponsePart.head(
                    HTTPResponseHead(version: self.head.version, status: .ok, headers: headers)
                )
            ),
            promise: nil
        )
        self.context.flush()
        self.phase = .streaming
    }

    /// Ends the call with its status: an error response before anything was sent, the trailers after.
    func finish(error: RPCError?, trailers: Metadata = Metadata()) {
        guard self.phase != .finished else { return }
        let code = error?.code ?? .ok
        switch self.webProtocol {
        case .connectUnary:
            // A unary success never gets here (respondUnary answers it); an error replaces any response.
            let error = error ?? RPCError(code: .internalError, message: "the call ended without a response")
            guard self.phase != .streaming else { break }
            var headers = self.responseHeaders(contentType: "application/json", metadata: error.metadata)
            headers.replaceOrAdd(name: "cache-control", value: "no-store")
            self.record(error.code, message: error.message)
            self.sendComplete(
                status: HTTPResponseStatus(statusCode: ConnectError.httpStatus(of: error.code)),
                headers: headers,
                body: ConnectError.unaryBody(error)
            )
            return
        case .grpcWeb:
            if self.phase != .streaming { self.startStreaming(metadata: Metadata()) }
            self.sendBody(self.frame(Self.grpcWebTrailers(error: error, trailers: trailers), flag: Self.trailersFlag))
        case .connectStreaming:
            if self.phase != .streaming { self.startStreaming(metadata: Metadata()) }
            self.sendBody(
                self.frame(ConnectError.endOfStream(error: error, trailers: trailers), flag: Self.endStreamFlag)
            )
        }
        self.record(code, message: error?.message ?? "")
        self.phase = .finished
        self.ended()
        Self.end(context: self.context, keepAlive: self.keepAlive)
    }

    /// An answer at the HTTP level (wrong method for a GET, say), in plain text.
    func finishPlain(status: HTTPResponseStatus, message: String, extraHeaders: [(String, String)]) {
        guard self.phase == .receiving || self.phase == .running else { return }
        var headers = self.responseHeaders(contentType: "text/plain; charset=utf-8", metadata: Metadata())
        for (name, value) in extraHeaders {
            headers.add(name: name, value: value)
        }
        self.record(.unimplemented, message: message)
        self.sendComplete(status: status, headers: headers, body: Array(message.utf8))
    }

    /// A whole response with a content-length: Connect unary answers and errors.
    private func sendComplete(status: HTTPResponseStatus, headers: HTTPHeaders, body: [UInt8]) {
        var headers = headers
        headers.add(name: "content-length", value: String(body.count))
        self.context.write(
            NIOAny(
                HTTPServerResponsePart.head(
                    HTTPResponseHead(version: self.head.version, status: status, headers: headers)
                )
            ),
            promise: nil
        )
        if !body.isEmpty {
            self.sendBody(body)
        }
        self.phase = .finished
        self.ended()
        Self.end(context: self.context, keepAlive: self.keepAlive)
    }

    private func sendBody(_ bytes: [UInt8]) {
        let buffer = self.context.channel.allocator.buffer(bytes: bytes)
        self.context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
    }

    /// Whether the connection can carry another request: not when the client said so, and not when this answer
    /// went out before the request's body was read (the rest of it would be taken for the next request).
    private var keepAlive: Bool {
        self.head.isKeepAlive && (self.hasRequestEnded || self.head.method == .GET)
    }

    private func responseHeaders(contentType: String, metadata: Metadata) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        if case .grpcWeb = self.webProtocol {
            headers.add(name: "grpc-accept-encoding", value: CompressionNegotiation.acceptEncodingHeaderValue)
        }
        let fields = metadata.headerFields()
        for (name, value) in fields {
            headers.add(name: name, value: value)
        }
        if let origin = self.origin {
            self.shared.cors.addResponseHeaders(origin: origin, metadataNames: fields.map(\.name), to: &headers)
        }
        if !self.keepAlive {
            headers.add(name: "connection", value: "close")
        }
        return headers
    }

    /// The payload of gRPC-Web's trailers frame: the trailers as an HTTP/1 header block.
    static func grpcWebTrailers(error: RPCError?, trailers: Metadata) -> [UInt8] {
        var all = trailers
        if let error { all.append(contentsOf: error.metadata) }
        let fields = ResponseHead.trailers(
            status: error?.code ?? .ok,
            message: error?.message ?? "",
            metadata: all
        )
        var block = ""
        for (name, value) in fields {
            block += "\(name):\(value)\r\n"
        }
        return Array(block.utf8)
    }

    /// Ends an HTTP response; closes the connection after it unless it is kept alive.
    static func end(context: ChannelHandlerContext, keepAlive: Bool) {
        if keepAlive {
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        } else {
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: done)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }
        }
    }
}
