internal import CNghttp2
internal import Logging
internal import NIOCore
internal import RPCFraming
internal import TraceExport

/// One gRPC call on one HTTP/2 stream.
///
/// Confined to its connection's event loop: nghttp2 callbacks and the handler's task (whose
/// executor is that loop) are the only code that touches it. `@unchecked Sendable` because the
/// handler's writer carries it into the task; ``write(_:)`` hops to the loop when called elsewhere.
final class ServerStream: @unchecked Sendable {
    enum State {
        /// HEADERS (and CONTINUATIONs) still arriving.
        case receivingHead
        /// Routed; collecting the request message until END_STREAM.
        case receivingMessage
        /// The handler runs; no response headers yet.
        case running
        /// Response headers submitted; messages may still be written.
        case responding
        /// The call has ended for the application: trailers are queued or sent, or the stream is gone.
        case closed
    }

    let id: Int32
    let connection: HTTP2ServerConnection
    var state: State = .receivingHead

    // Request side.
    var headParser = RequestHeadParser()
    var headerBytes = 0
    /// Held from routing until the handler starts, which takes it.
    var head: RequestHead?
    var acceptEncoding: String?
    var method: RPCRouter.Method?
    var deframer: MessageDeframer
    var request: [UInt8]?
    var extraMessages = 0
    /// The request messages of a bidirectional-streaming call, from its HEADERS on (see ServerStream+Bidirectional).
    var inbound: BidirectionalInbound?
    /// Request bytes held for this stream, counted against the connection's budget.
    var bufferedRequestBytes = 0

    // Call side.
    var task: Task<Void, Never>?
    var deadlineTimer: Scheduled<Void>?
    var startTime: NIODeadline = .now()
    /// The call's server span while it runs, when trace export is on.
    var span: Span?

    // Response side: framed bytes not yet taken by nghttp2, and the trailers that follow them.
    var outbound = ByteBuffer()
    /// A unary call's uncompressed response, framed on the fly into nghttp2's buffer: no queue
    /// buffer to allocate and no extra copy for the one message a unary call sends.
    var unaryMessage: [UInt8]?
    /// How much of the framed unary message (5-byte prefix, then the message) nghttp2 has taken.
    var unaryOffset = 0
    var trailers: Trailers?
    var dataDeferred = false
    var writeWaiter: CheckedContinuation<Void, any Error>?
    var compressor: MessageCompressor?
    var finalCode: StatusCode?
    /// Response messages written since the last report to `metrics.sent`. Counted here and reported in batches
    /// (and at the end of the call): an atomic increment per message is a measurable part of a stream of small
    /// messages, and the counter does not need to be more current than that.
    var unreportedSent = 0
    static let sentReportBatch = 64

    /// The trailers that follow the queued messages.
    enum Trailers {
        /// `grpc-status: 0` alone, the usual end, sent from a block built once.
        case ok
        case fields([(name: String, value: String)])

        init(status: StatusCode, message: String, metadata: Metadata) {
            if status == .ok && message.isEmpty && metadata.isEmpty {
                self = .ok
            } else {
                self = .fields(ResponseHead.trailers(status: status, message: message, metadata: metadata))
            }
        }
    }

    init(id: Int32, connection: HTTP2ServerConnection) {
        self.id = id
        self.connection = connection
        self.deframer = MessageDeframer(maxMessageSize: connection.configuration.maxReceiveMessageSize)
    }

    var eventLoop: any EventLoop { self.connection.eventLoop }

    // MARK: Request

    /// The head is complete: validate it, route it, and arm the deadline.
    func headersComplete(endStream: Bool) {
        // Swapped out rather than copied: the parser's Strings move into the head.
        var parser = RequestHeadParser()
        swap(&parser, &self.headParser)
        switch parser.finish() {
        case .failure(.http(let status, let grpcStatus, let message)):
            self.connection.logger.debug("rejected request head", metadata: ["status": "\(status)", "reason": "\(message)"])
            self.respondTrailersOnly(code: grpcStatus, message: message, metadata: Metadata(), httpStatus: status)
            return
        case .failure(.grpc(let error)):
            self.respondTrailersOnly(code: error.code, message: error.message, metadata: error.metadata)
            return
        case .success(let head):
            switch self.connection.router.method(for: head) {
            case .failure(let error):
                self.respondTrailersOnly(code: error.code, message: error.message, metadata: error.metadata)
                return
            case .success(let method):
                self.method = method
                method.metrics.started.increment()
                if let tracer = self.connection.router.tracer {
                    self.span = tracer.startSpan(
                        name: method.spanName, kind: .server, parent: TraceContext(metadata: head.metadata))
                }
            }
            if head.encoding != .identity {
                self.deframer = MessageDeframer(
                    maxMessageSize: self.connection.configuration.maxReceiveMessageSize,
                    encoding: head.encoding
                )
            }
            self.state = .receivingMessage
            if let timeout = head.timeout {
                self.armDeadline(nanoseconds: timeout.nanoseconds)
            }
            self.acceptEncoding = head.acceptEncoding
            if case .bidirectionalStreaming = self.method?.handler {
                self.startBidirectional(head: head)
            }
            self.head = head
            if endStream {
                self.requestComplete()
            }
        }
    }

    func receive(_ bytes: UnsafeRawBufferPointer) {
        if self.inbound != nil {
            self.receiveStreaming(bytes)
            return
        }
        guard self.state == .receivingMessage else {
            // Data after we answered (e.g. an early error): nghttp2 still accounts the window.
            return
        }
        self.bufferedRequestBytes += bytes.count
        guard self.connection.reserveRequestBytes(bytes.count) else {
            self.respondTrailersOnly(
                code: .resourceExhausted,
                message: "connection request buffer limit exceeded",
                metadata: Metadata()
            )
            return
        }
        self.deframer.append(bytes)
        do {
            while let message = try self.deframer.next() {
                if self.request == nil {
                    self.request = message
                } else {
                    self.extraMessages += 1
                }
            }
        } catch {
            self.respondTrailersOnly(code: error.code, message: error.message, metadata: error.metadata)
        }
    }

    /// END_STREAM from the client: exactly one message must have arrived.
    func requestComplete() {
        if self.inbound != nil {
            self.inboundComplete()
            return
        }
        guard self.state == .receivingMessage, let method = self.method, self.head != nil else { return }
        self.releaseRequestBytes()
        do {
            try self.deframer.finish()
        } catch {
            self.respondTrailersOnly(code: error.code, message: error.message, metadata: error.metadata)
            return
        }
        guard let message = self.request.take() else {
            self.respondTrailersOnly(
                code: .internalError,
                message: "the call ended without a request message",
                metadata: Metadata()
            )
            return
        }
        guard self.extraMessages == 0 else {
            self.respondTrailersOnly(
                code: .internalError,
                message: "a \(method.kindName) call takes exactly one request message, got \(self.extraMessages + 1)",
                metadata: Metadata()
            )
            return
        }
        // Taken, not copied: its Strings and metadata move into the request and the context.
        let head = self.head.take()!
        self.state = .running
        if let response = self.connection.configuration.defaultResponseCompression {
            self.chooseCompression(response)
        }
        let request = ServerRequest(metadata: head.metadata, message: message)
        let context = ServerContext(
            path: head.path,
            peer: self.connection.peer,
            deadline: head.timeout.map { .now + .nanoseconds($0.nanoseconds) },
            authority: head.authority,
            tlsPeerSubject: self.connection.tlsPeerSubject
        )
        self.task = Task(executorPreference: self.connection.executor) {
            await self.run(method.handler, request: request, context: context)
        }
    }

    private func releaseRequestBytes() {
        self.connection.releaseRequestBytes(self.bufferedRequestBytes)
        self.bufferedRequestBytes = 0
    }

    // MARK: Handler

    /// Runs the handler, with the call's W3C trace context (if it sent a valid one) as the task's
    /// ``TraceContext/current``, so that every log line of the call carries its trace id.
    func run(_ handler: RPCRouter.Handler, request: ServerRequest, context: ServerContext) async {
        // With trace export on, the context is the call's own server span, so that its log lines (and the job it
        // may create) name the span the collector receives.
        if let span = self.span {
            await TraceContext.$current.withValue(span.context) {
                await self.runHandler(handler, request: request, context: context)
            }
        } else if let trace = TraceContext(metadata: request.metadata) {
            // Most calls carry no metadata: a scan of an empty list, and no task-local push.
            await TraceContext.$current.withValue(trace) {
                await self.runHandler(handler, request: request, context: context)
            }
        } else {
            await self.runHandler(handler, request: request, context: context)
        }
    }

    private func runHandler(_ handler: RPCRouter.Handler, request: ServerRequest, context: ServerContext) async {
        let outcome: StatusCode
        do {
            switch handler {
            case .unary(let unary):
                let response = try await unary(request, context)
                // Not through onLoop: its escaping closure would box the response on every call.
                if self.eventLoop.inEventLoop {
                    self.respond(response)
                } else {
                    self.onLoop { $0.respond(response) }
                }
            case .serverStreaming(let streaming):
                let response = try await streaming(request, context)
                self.onLoop { $0.startResponse(metadata: response.metadata, compression: response.compression) }
                let trailing = try await response.producer(RPCWriter(stream: self))
                self.onLoop { $0.finish(code: .ok, message: "", metadata: trailing) }
            case .bidirectionalStreaming(let bidirectional):
                let response = try await bidirectional(self.requestStream(metadata: request.metadata), context)
                self.onLoop { $0.startResponse(metadata: response.metadata, compression: response.compression) }
                let trailing = try await response.producer(RPCWriter(stream: self))
                self.onLoop { $0.finish(code: .ok, message: "", metadata: trailing) }
            }
            outcome = .ok
        } catch let error as RPCError {
            outcome = error.code
            self.onLoop { $0.finish(code: error.code, message: error.message, metadata: error.metadata) }
        } catch is CancellationError {
            outcome = .cancelled
            self.onLoop { $0.finish(code: .cancelled, message: "the call was cancelled", metadata: Metadata()) }
        } catch {
            outcome = .unknown
            // As grpc-go and grpc-java: the client learns only that something failed; the log has the detail.
            self.onLoop { stream in
                stream.connection.logger.error(
                    "handler threw a non-RPC error",
                    metadata: ["path": "\(context.path)", "error": "\(error)"]
                )
                stream.finish(code: .unknown, message: "the handler failed", metadata: Metadata())
            }
        }
        self.connection.logger.debug("handler finished", metadata: ["path": "\(context.path)", "status": "\(outcome)"])
        // The handler is done, so there is nothing left to cancel: dropping the handle here spares
        // the stream's close a swift_task_cancel (status-record lock) on a finished task.
        if self.eventLoop.inEventLoop {
            self.task = nil
        }
    }

    /// Runs `body` on the event loop: at once when already there (the usual case, since the
    /// handler's task executor is the loop), otherwise as a job on it.
    private func onLoop(_ body: @escaping @Sendable (ServerStream) -> Void) {
        if self.eventLoop.inEventLoop {
            body(self)
        } else {
            self.eventLoop.execute { body(self) }
        }
    }

    // MARK: Response

    func chooseCompression(_ preferred: CompressionAlgorithm?) {
        let algorithm = CompressionNegotiation.responseEncoding(
            preferred: preferred,
            acceptEncoding: self.acceptEncoding
        )
        self.compressor = algorithm == .identity ? nil : MessageCompressor(algorithm: algorithm)
    }

    private func respond(_ response: ServerResponse) {
        guard self.state == .running else { return }
        if let compression = response.compression {
            self.chooseCompression(compression)
        }
        self.countSent()
        do {
            if self.compressor == nil {
                self.unaryMessage = response.message
            } else {
                try self.append(response.message)
            }
        } catch {
            self.finish(code: error.code, message: error.message, metadata: error.metadata)
            return
        }
        self.trailers = Trailers(status: .ok, message: "", metadata: response.trailingMetadata)
        self.record(.ok, message: "")
        self.submitResponse(metadata: response.metadata)
        self.state = .closed
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
    }

    private func startResponse(metadata: Metadata, compression: CompressionAlgorithm?) {
        guard self.state == .running else { return }
        if let compression {
            self.chooseCompression(compression)
        }
        self.submitResponse(metadata: metadata)
        self.state = .responding
    }

    private func submitResponse(metadata: Metadata) {
        if self.compressor == nil && metadata.isEmpty {
            self.connection.submitResponse(streamID: self.id, block: .identityResponseHeaders, withBody: true)
            return
        }
        let headers = ResponseHead.headers(encoding: self.compressor?.algorithm ?? .identity, metadata: metadata)
        self.connection.submitResponse(streamID: self.id, headers: headers, withBody: true)
    }

    /// Ends the call with a status. Before any response headers this is a trailers-only
    /// response; afterwards the trailers follow the queued messages.
    func finish(code: StatusCode, message: String, metadata: Metadata) {
        switch self.state {
        case .receivingHead, .receivingMessage, .running:
            self.respondTrailersOnly(code: code, message: message, metadata: metadata)
        case .responding:
            self.trailers = Trailers(status: code, message: message, metadata: metadata)
            self.state = .closed
            self.record(code, message: message)
            self.resumeData()
        case .closed:
            return
        }
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        self.failWriter(RPCError(code: .cancelled, message: "the call has ended"))
    }

    func respondTrailersOnly(code: StatusCode, message: String, metadata: Metadata, httpStatus: Int = 200) {
        guard self.state != .closed else { return }
        if self.state != .responding {
            self.state = .closed
            self.releaseRequestBytes()
            self.record(code, message: message)
            let fields = ResponseHead.trailersOnly(
                status: code,
                message: message,
                metadata: metadata,
                httpStatus: httpStatus
            )
            self.connection.submitResponse(streamID: self.id, headers: fields, withBody: false)
        }
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
    }

    private func countSent() {
        self.unreportedSent += 1
        if self.unreportedSent >= Self.sentReportBatch { self.reportSent() }
    }

    private func reportSent() {
        guard self.unreportedSent > 0 else { return }
        self.method?.metrics.sent.increment(by: Int64(self.unreportedSent))
        self.unreportedSent = 0
    }

    private func record(_ code: StatusCode, message: String) {
        self.reportSent()
        guard self.finalCode == nil else { return }
        self.finalCode = code
        guard let method = self.method else { return }
        let elapsed = NIODeadline.now() - self.startTime
        method.metrics.record(code, nanoseconds: elapsed.nanoseconds)
        if let span = self.span.take() {
            self.connection.router.tracer?.end(span, code: code, message: message)
        }
        if code != .ok {
            self.connection.logger.debug(
                "call ended",
                metadata: ["path": "\(method.path)", "status": "\(code)", "peer": "\(self.connection.peer)"]
            )
        }
    }

    // MARK: Writing

    /// Frames one message into the outbound queue. Throws when compression fails.
    private func append(_ message: [UInt8]) throws(RPCError) {
        if let compressor = self.compressor {
            let compressed = try compressor.compress(message)
            self.outbound.writeFramedMessage(compressed, compressed: true)
        } else {
            self.outbound.writeFramedMessage(message, compressed: false)
        }
    }

    func write(_ message: [UInt8]) async throws {
        if self.eventLoop.inEventLoop {
            if try self.enqueue(message) {
                return
            }
            try await withCheckedThrowingContinuation { continuation in
                self.writeWaiter = continuation
            }
        } else {
            try await withCheckedThrowingContinuation { continuation in
                self.eventLoop.execute {
                    do {
                        if try self.enqueue(message) {
                            continuation.resume()
                        } else {
                            self.writeWaiter = continuation
                        }
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    /// Queues a message; true when the queue is still under its limit, so the writer need not wait.
    private func enqueue(_ message: [UInt8]) throws -> Bool {
        guard self.state == .responding, !self.connection.isClosed else {
            throw RPCError(code: .cancelled, message: "the call has ended")
        }
        try self.append(message)
        self.countSent()
        self.resumeData()
        return self.outbound.readableBytes <= self.connection.configuration.streamWriteBufferLimit
    }

    private func resumeData() {
        if self.dataDeferred {
            self.dataDeferred = false
            self.connection.resumeData(streamID: self.id)
        }
    }

    private func failWriter(_ error: RPCError) {
        if let waiter = self.writeWaiter {
            self.writeWaiter = nil
            waiter.resume(throwing: error)
        }
    }

    /// nghttp2 asks for up to `length` body bytes. Returns the count copied, or
    /// `NGHTTP2_ERR_DEFERRED` when nothing is queued yet; sets EOF and submits the trailers
    /// once the queue is empty and the call has ended.
    func readBody(into buffer: UnsafeMutablePointer<UInt8>, length: Int, flags: inout UInt32) -> Int {
        var count = 0
        if self.unaryMessage != nil {
            count = self.readUnaryMessage(into: buffer, length: length)
        }
        let queued = min(length - count, self.outbound.readableBytes)
        if queued > 0 {
            self.outbound.withUnsafeReadableBytes { bytes in
                UnsafeMutableRawPointer(buffer + count).copyMemory(from: bytes.baseAddress!, byteCount: queued)
            }
            self.outbound.moveReaderIndex(forwardBy: queued)
            count += queued
        }
        if self.unaryMessage == nil && self.outbound.readableBytes == 0 {
            // Only a buffer that was written to needs rewinding; clear() on the untouched empty
            // buffer would allocate storage for it.
            if self.outbound.writerIndex > 0 {
                self.outbound.clear()
            }
            if let trailers = self.trailers {
                self.trailers = nil
                flags |= NGHTTP2_DATA_FLAG_EOF.rawValue | NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                switch trailers {
                case .ok:
                    self.connection.submitTrailers(streamID: self.id, block: .okTrailers)
                case .fields(let fields):
                    self.connection.submitTrailers(streamID: self.id, trailers: fields)
                }
                return count
            }
            if count == 0 {
                self.dataDeferred = true
                return Int(NGHTTP2_ERR_DEFERRED.rawValue)
            }
        }
        if self.writeWaiter != nil,
            self.outbound.readableBytes <= self.connection.configuration.streamWriteBufferLimit / 2
        {
            let waiter = self.writeWaiter!
            self.writeWaiter = nil
            waiter.resume()
        }
        return count
    }

    /// Copies the next part of the framed unary message; drops the message once all of it is taken.
    private func readUnaryMessage(into buffer: UnsafeMutablePointer<UInt8>, length: Int) -> Int {
        guard let message = self.unaryMessage else { return 0 }
        let prefixLength = 5
        var count = 0
        while self.unaryOffset < prefixLength && count < length {
            buffer[count] =
                self.unaryOffset == 0
                ? 0 : UInt8(truncatingIfNeeded: UInt32(message.count) >> (8 * (prefixLength - 1 - self.unaryOffset)))
            self.unaryOffset += 1
            count += 1
        }
        let start = self.unaryOffset - prefixLength
        let take = min(length - count, message.count - start)
        if take > 0 {
            message.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer + count).copyMemory(from: bytes.baseAddress! + start, byteCount: take)
            }
            self.unaryOffset += take
            count += take
        }
        if self.unaryOffset == prefixLength + message.count {
            self.unaryMessage = nil
            self.unaryOffset = 0
        }
        return count
    }

    // MARK: Deadline and cancellation

    private func armDeadline(nanoseconds: Int64) {
        self.deadlineTimer = self.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { [self] in
            self.deadlineTimer = nil
            guard self.state != .closed else { return }
            self.task?.cancel()
            // Messages queued but not yet sent are dropped: the client has stopped waiting.
            self.outbound.clear()
            self.finish(code: .deadlineExceeded, message: "deadline exceeded", metadata: Metadata())
            self.connection.scheduleFlush()
        }
    }

    /// The stream is gone (client reset, stream closed, connection closed): stop the handler.
    func closed() {
        self.task?.cancel()
        self.task = nil
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        self.releaseRequestBytes()
        self.closeInbound()
        if self.state != .closed {
            self.state = .closed
            self.record(.cancelled, message: "the stream was closed before the call ended")
        }
        self.failWriter(RPCError(code: .cancelled, message: "the call was cancelled"))
    }
}

extension RPCRouter.Method {
    var kindName: String {
        switch self.handler {
        case .unary: "unary"
        case .serverStreaming: "server-streaming"
        case .bidirectionalStreaming: "bidirectional-streaming"
        }
    }
}

extension ByteBuffer {
    /// Appends the 5-byte gRPC prefix and the message.
    mutating func writeFramedMessage(_ message: [UInt8], compressed: Bool) {
        self.reserveCapacity(minimumWritableBytes: 5 + message.count)
        self.writeInteger(compressed ? UInt8(1) : UInt8(0))
        self.writeInteger(UInt32(message.count))
        self.writeBytes(message)
    }
}
