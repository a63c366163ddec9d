internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import RPCFraming
internal import RPCServer
internal import TraceExport

/// One RPC on the web listener, from its request head to the end of its response.
///
/// Confined to its connection's event loop, like the HTTP/2 transport's streams: the channel handler and the
/// handler task's hops (``onLoop(_:)``) are the only code that touches it. `@unchecked Sendable` because the task
/// carries it; every method but ``write(_:)`` and ``run(_:request:context:)`` runs on the loop.
///
/// The response goes out as soon as there is something to send: the head when a streaming handler returns, each
/// message as it is written. A write waits while the channel is not writable (the client does not read), so a slow
/// reader holds the handler, not the server's memory; a closed connection cancels the handler's task.
final class WebCall: @unchecked Sendable {
    enum Phase {
        /// Reading the request body.
        case receiving
        /// The handler runs; nothing sent yet.
        case running
        /// The response head is sent; messages may follow.
        case streaming
        /// The response has ended, or the connection has gone.
        case finished
    }

    let shared: WebGateway.Shared
    var webProtocol: WebProtocol
    let head: HTTPRequestHead
    let path: String
    let service: String
    let method: String
    let origin: String?
    let context: ChannelHandlerContext
    let eventLoop: any EventLoop
    private let onEnd: (WebCall) -> Void
    var phase = Phase.receiving

    private var route: RPCRoute?
    private var entry: WebMethodCatalog.Entry?
    private var metadata = Metadata()
    private var deadline: ContinuousClock.Instant?

    // Request body.
    private var deframer: MessageDeframer?
    private var text: GRPCWebText?
    private var messages: [[UInt8]] = []
    private var body: [UInt8] = []
    private var bodyEncoding = CompressionAlgorithm.identity
    private var receivedBytes = 0

    // Call.
    private var task: Task<Void, Never>?
    private var deadlineTimer: Scheduled<Void>?
    private var writeWaiter: CheckedContinuation<Void, any Error>?
    private let startTime = ContinuousClock.now
    private var finalCode: StatusCode?
    /// The call's server span, when trace export is on.
    private var span: Span?
    /// The request's end has been read.
    private(set) var hasRequestEnded = false

    init(
        shared: WebGateway.Shared,
        protocol webProtocol: WebProtocol,
        head: HTTPRequestHead,
        service: String,
        method: String,
        origin: String?,
        context: ChannelHandlerContext,
        onEnd: @escaping (WebCall) -> Void
    ) {
        self.shared = shared
        self.webProtocol = webProtocol
        self.head = head
        self.path = "/\(service)/\(method)"
        self.service = service
        self.method = method
        self.origin = origin
        self.context = context
        self.eventLoop = context.eventLoop
        self.onEnd = onEnd
    }

    private var maxMessageSize: Int { self.shared.configuration.maxReceiveMessageSize }

    // MARK: Request

    /// Routes the call and reads what its head says; answers at once when the head is enough to fail.
    func start() {
        switch self.shared.router.route(service: self.service, method: self.method) {
        case .failure(let error):
            self.finish(error: error)
            return
        case .success(let route):
            self.route = route
            route.recordStarted()
        }
        self.entry = self.shared.catalog.entry(for: self.path)
        guard let route = self.route else { return }
        switch (self.webProtocol, route.kind) {
        case (.connectUnary, .unary), (.connectStreaming, .serverStreaming),
            (.connectStreaming, .bidirectionalStreaming),
            (.grpcWeb, _):
            break
        case (.connectUnary, _):
            return self.finish(
                error: RPCError(
                    code: .unimplemented,
                    message:
                        "\(self.path) is a streaming method: use application/connect+json or application/connect+proto"
                )
            )
        case (.connectStreaming, _):
            return self.finish(
                error: RPCError(
                    code: .unimplemented,
                    message: "\(self.path) is a unary method: use application/json or application/proto"
                )
            )
        }
        if self.webProtocol.codec == .json && self.entry == nil {
            return self.finish(
                error: RPCError(
                    code: .unimplemented,
                    message: "\(self.path) has no JSON mapping here; use the proto codec"
                )
            )
        }
        do throws(RPCError) {
            try self.readHead()
        } catch {
            return self.finish(error: error)
        }
        // Once the head is read: the metadata holds the caller's `traceparent`.
        self.span = route.startSpan(metadata: self.metadata)
    }

    private func readHead() throws(RPCError) {
        let headers = self.head.headers
        if let version = headers.first(name: "connect-protocol-version"), version != "1" {
            throw RPCError(code: .invalidArgument, message: "connect-protocol-version must be 1, got '\(version)'")
        }
        self.metadata = try Metadata(
            receivedHeaders: headers.compactMap { field in
                let name = field.name.lowercased()
                return Self.transportHeaders.contains(name) ? nil : (name: name, value: field.value)
            }
        )
        switch self.webProtocol {
        case .grpcWeb(let text):
            if let value = headers.first(name: "grpc-timeout") {
                guard let timeout = GRPCTimeout(headerValue: value) else {
                    throw RPCError(code: .internalError, message: "malformed grpc-timeout: '\(value)'")
                }
                self.armDeadline(nanoseconds: timeout.nanoseconds)
            }
            let encoding = try CompressionNegotiation.requestEncoding(headers.first(name: "grpc-encoding"))
            self.deframer = MessageDeframer(maxMessageSize: self.maxMessageSize, encoding: encoding)
            self.text = text ? GRPCWebText() : nil
        case .connectUnary:
            try self.readConnectTimeout()
            self.bodyEncoding = try Self.connectEncoding(headers.first(name: "content-encoding"))
        case .connectStreaming:
            try self.readConnectTimeout()
            let encoding = try Self.connectEncoding(headers.first(name: "connect-content-encoding"))
            self.deframer = MessageDeframer(maxMessageSize: self.maxMessageSize, encoding: encoding)
        }
    }

    private func readConnectTimeout() throws(RPCError) {
        guard let value = self.head.headers.first(name: "connect-timeout-ms") else { return }
        // At most 10 digits, as the Connect specification says.
        guard (1...10).contains(value.utf8.count), value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let milliseconds = Int64(value)
        else {
            throw RPCError(code: .invalidArgument, message: "malformed connect-timeout-ms: '\(value)'")
        }
        self.armDeadline(nanoseconds: milliseconds * 1_000_000)
    }

    /// A Connect GET: the message and its codec come from the query, and only methods without side effects may
    /// be called so (`idempotency_level = NO_SIDE_EFFECTS`).
    func startGET(query: Substring?) {
        self.start()
        guard self.phase == .receiving, let route = self.route else { return }
        guard route.kind == .unary, self.shared.catalog.hasNoSideEffects(self.path) else {
            return self.finishPlain(
                status: .methodNotAllowed,
                message: "\(self.path) has side effects: call it with POST\n",
                extraHeaders: [("allow", "POST")]
            )
        }
        var parameters: [String: String] = [:]
        // `+` is a space in a query, as form encoding (and Go's url.ParseQuery, which connect-go uses) has it.
        let query = (query ?? "").replacingOccurrences(of: "+", with: "%20")
        for item in URLComponents(string: "?" + query)?.queryItems ?? [] {
            parameters[item.name] = item.value ?? ""
        }
        do throws(RPCError) {
            guard let encoding = parameters["encoding"], let codec = WebProtocol.Codec(rawValue: encoding) else {
                throw RPCError(code: .invalidArgument, message: "the query needs encoding=json or encoding=proto")
            }
            self.webProtocol = .connectUnary(codec)
            let message = parameters["message"] ?? ""
            if parameters["base64"] == "1" {
                guard let bytes = Self.base64URLDecode(message) else {
                    throw RPCError(code: .invalidArgument, message: "message is not base64url")
                }
                self.body = bytes
            } else {
                self.body = Array(message.utf8)
            }
            self.bodyEncoding = try Self.connectEncoding(parameters["compression"])
            if self.body.count > self.maxMessageSize {
                throw Self.tooLarge(self.body.count, self.maxMessageSize)
            }
        } catch {
            self.finish(error: error)
        }
    }

    func receive(_ buffer: ByteBuffer) {
        guard self.phase == .receiving, self.head.method == .POST else { return }
        if self.receivedBytes == 0, self.webProtocol == .connectStreaming(.json),
            buffer.readableBytesView.first == UInt8(ascii: "{")
        {
            // A bare JSON request, as `curl --data '{"jobId": ...}'` sends it. `{` (0x7B) is no envelope flag, so
            // this cannot be mistaken for an enveloped stream; it is read as the one request message.
            self.deframer = nil
        }
        self.receivedBytes += buffer.readableBytes
        do throws(RPCError) {
            guard var deframer = self.deframer else {
                self.body.append(contentsOf: buffer.readableBytesView)
                if self.body.count > self.maxMessageSize {
                    throw Self.tooLarge(self.body.count, self.maxMessageSize)
                }
                return
            }
            if var text = self.text {
                guard let decoded = text.decode(buffer.readableBytesView) else {
                    throw RPCError(code: .internalError, message: "the grpc-web-text body is not base64")
                }
                self.text = text
                deframer.append(decoded)
            } else {
                deframer.append(buffer.readableBytesView)
            }
            defer { self.deframer = deframer }
            while let message = try deframer.next() {
                self.messages.append(message)
            }
        } catch {
            self.finish(error: error)
        }
    }

    /// The request has ended: check it and start the handler.
    func requestComplete() {
        self.hasRequestEnded = true
        guard self.phase == .receiving, let route = self.route else { return }
        let request: ServerRequest
        let messages: [[UInt8]]
        do throws(RPCError) {
            messages = try self.requestMessages()
            if route.kind != .bidirectionalStreaming {
                guard messages.count == 1 else {
                    // INTERNAL either way, as the HTTP/2 transport answers a call without exactly one message.
                    throw RPCError(
                        code: .internalError,
                        message: messages.isEmpty
                            ? "the call ended without a request message"
                            : "a \(route.kind) call takes exactly one request message, got \(messages.count)"
                    )
                }
            }
            request = ServerRequest(metadata: self.metadata, message: messages.first ?? [])
        } catch {
            return self.finish(error: error)
        }
        self.phase = .running
        let context = ServerContext(
            path: self.path,
            peer: Self.peer(self.context.channel.remoteAddress),
            deadline: self.deadline,
            authority: self.head.headers.first(name: "host")
        )
        // As on the gRPC port: the handler's log lines, and a job it creates, carry the call's trace context (its
        // own server span's when export is on).
        let trace = self.span?.context ?? TraceContext(metadata: self.metadata)
        self.task = Task {
            if let trace {
                await TraceContext.$current.withValue(trace) {
                    await self.run(route, request: request, messages: messages, context: context)
                }
            } else {
                await self.run(route, request: request, messages: messages, context: context)
            }
        }
    }

    /// The request's messages, decoded from the body by the protocol's rules and from JSON to binary.
    private func requestMessages() throws(RPCError) -> [[UInt8]] {
        var messages: [[UInt8]]
        if let deframer = self.deframer {
            if let text = self.text, !text.isComplete {
                throw RPCError(code: .internalError, message: "the grpc-web-text body ends inside a base64 group")
            }
            try deframer.finish()
            messages = self.messages
        } else {
            var body = self.body
            if self.bodyEncoding != .identity {
                body = try MessageDecompressor(algorithm: self.bodyEncoding).decompress(
                    body,
                    limit: self.maxMessageSize
                )
            }
            messages = [body]
        }
        if self.webProtocol.codec == .json, let entry = self.entry {
            messages = try messages.map { message throws(RPCError) in try entry.requestFromJSON(message) }
        }
        return messages
    }

    // MARK: Handler

    /// Runs the handler off the event loop; every effect on the response hops back to it.
    private func run(_ route: RPCRoute, request: ServerRequest, messages: [[UInt8]], context: ServerContext) async {
        let codec = self.webProtocol.codec
        let entry = self.entry
        do {
            switch route.kind {
            case .unary:
                var response = try await route.callUnary(request, context: context)
                if codec == .json, let entry {
                    response.message = try entry.responseToJSON(response.message)
                }
                let answer = response
                self.onLoop { $0.respondUnary(answer) }
            case .serverStreaming, .bidirectionalStreaming:
                let response: StreamingServerResponse
                if route.kind == .serverStreaming {
                    response = try await route.callServerStreaming(request, context: context)
                } else {
                    let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
                        for message in messages { continuation.yield(message) }
                        continuation.finish()
                    }
                    let requests = ServerRequestStream(metadata: request.metadata, messages: RPCRequestMessages(stream))
                    response = try await route.callBidirectionalStreaming(requests, context: context)
                }
                self.onLoop { $0.startStreaming(metadata: response.metadata) }
                let writer = RPCWriter(sink: { message in
                    let payload = codec == .json && entry != nil ? try entry!.responseToJSON(message) : message
                    try await self.write(self.frame(payload, flag: 0))
                })
                let trailing = try await response.producer(writer)
                self.onLoop { $0.finish(error: nil, trailers: trailing) }
            }
        } catch {
            let status = RPCRoute.status(of: error)
            if !(error is RPCError), !(error is CancellationError) {
                self.shared.logger.error(
                    "handler threw a non-RPC error",
                    metadata: ["path": "\(self.path)", "error": "\(error)"]
                )
            }
            self.onLoop { $0.finish(error: status) }
        }
    }

    private func onLoop(_ body: @escaping @Sendable (WebCall) -> Void) {
        if self.eventLoop.inEventLoop {
            body(self)
        } else {
            self.eventLoop.execute { body(self) }
        }
    }

    /// Sends one framed message; returns when the channel can take more, throws CANCELLED once the call has ended.
    private func write(_ bytes: [UInt8]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            self.eventLoop.execute {
                guard self.phase == .streaming else {
                    continuation.resume(throwing: RPCError(code: .cancelled, message: "the call has ended"))
                    return
                }
                let buffer = self.context.channel.allocator.buffer(bytes: bytes)
                self.context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
                if self.context.channel.isWritable {
                    continuation.resume()
                } else {
                    self.writeWaiter = continuation
                }
            }
        }
    }

    func writabilityChanged() {
        if self.context.channel.isWritable, let waiter = self.writeWaiter {
            self.writeWaiter = nil
            waiter.resume()
        }
    }

    // MARK: Deadline and cancellation

    private func armDeadline(nanoseconds: Int64) {
        self.deadline = .now + .nanoseconds(nanoseconds)
        self.deadlineTimer = self.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { [self] in
            self.deadlineTimer = nil
            guard self.phase != .finished else { return }
            self.task?.cancel()
            self.finish(error: RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
        }
    }

    /// The connection is gone: stop the handler.
    func connectionClosed() {
        self.task?.cancel()
        self.task = nil
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        if self.phase != .finished {
            self.phase = .finished
            self.record(.cancelled, message: "the connection closed before the call ended")
        }
        self.failWriter()
    }

    /// The response has ended: nothing more to time or to write.
    func ended() {
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        self.failWriter()
        self.onEnd(self)
    }

    private func failWriter() {
        if let waiter = self.writeWaiter {
            self.writeWaiter = nil
            waiter.resume(throwing: RPCError(code: .cancelled, message: "the call has ended"))
        }
    }

    func record(_ code: StatusCode, message: String) {
        guard self.finalCode == nil else { return }
        self.finalCode = code
        guard let route = self.route else { return }
        route.recordFinished(code, elapsed: ContinuousClock.now - self.startTime)
        if let span = self.span.take() {
            route.endSpan(span, code: code, message: message)
        }
        self.shared.logger.debug(
            "web call ended",
            metadata: ["path": "\(self.path)", "status": "\(code)", "protocol": "\(self.webProtocol)"]
        )
    }
}

extension WebCall {
    /// Request headers that belong to HTTP/1.1 or to the web protocols, not to the application's metadata.
    static let transportHeaders: Set<String> = [
        "content-length", "content-encoding", "accept-encoding", "connect-protocol-version", "connect-timeout-ms",
        "connect-content-encoding", "connect-accept-encoding", "x-grpc-web",
    ]

    /// `ipv4:127.0.0.1:5432`, as the HTTP/2 transport writes a peer.
    static func peer(_ address: SocketAddress?) -> String {
        switch address {
        case .v4(let v4)?: "ipv4:\(v4.host):\(address?.port ?? 0)"
        case .v6(let v6)?: "ipv6:[\(v6.host)]:\(address?.port ?? 0)"
        default: "unknown"
        }
    }

    static func tooLarge(_ size: Int, _ limit: Int) -> RPCError {
        RPCError(code: .resourceExhausted, message: "received message larger than max (\(size) vs. \(limit))")
    }

    /// A Connect `content-encoding` (unary) or `connect-content-encoding` (streaming): identity, gzip or deflate.
    static func connectEncoding(_ value: String?) throws(RPCError) -> CompressionAlgorithm {
        guard let value, !value.isEmpty else { return .identity }
        guard let algorithm = CompressionAlgorithm(rawValue: value.lowercased()) else {
            throw RPCError(code: .unimplemented, message: "content encoding '\(value)' is not supported")
        }
        return algorithm
    }

    /// base64url (RFC 4648 §5), padded or not, as Connect GET's `base64=1` sends the message.
    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map { Array($0) }
    }
}
