internal import CNghttp2
internal import NIOCore
internal import RPCFraming

/// One call on one HTTP/2 stream of a client connection.
///
/// Created on any thread, then confined to the channel's event loop: from ``start(on:)`` on, only nghttp2
/// callbacks and jobs on that loop touch it. `@unchecked Sendable` because it is handed to the loop once, and
/// the cancellation path reaches it only through `EventLoop.execute`.
final class ClientStream: @unchecked Sendable {
    /// Where the responses go.
    enum Mode {
        /// Keep up to two messages and the metadata for `completion` (unary calls).
        case collect
        /// Count messages, keep nothing, parse no metadata: the cheapest path, for load generation.
        case count
        /// Hand messages to a consumer that returns HTTP/2 window as it reads.
        case stream(ResponseStreamBuffer)
    }

    let path: String
    let mode: Mode
    let deadline: NIODeadline?
    private(set) var id: Int32 = -1
    private(set) var connection: HTTP2ClientConnection?
    private var completion: ((CallResult) -> Void)?
    /// Told once the call is on the wire (streaming calls wire their buffer to the connection then).
    private let onSubmitted: ((ClientStream, HTTP2ClientConnection, Int32) -> Void)?

    // Request side: the framed message, handed to nghttp2 by the data provider.
    let requestHeaders: [(name: String, value: String)]
    private var requestBody: ByteBuffer

    // Response side.
    private var receivedFields: [(name: String, value: String)] = []
    private var initialFields: [(name: String, value: String)] = []
    private var headersReceived = false
    private var deframer: MessageDeframer
    private let maxReceiveMessageSize: Int
    private var messages: [[UInt8]] = []
    private var messageCount = 0

    private var deadlineTimer: Scheduled<Void>?
    private(set) var finished = false

    init(
        path: String,
        requestHeaders: [(name: String, value: String)],
        requestBody: ByteBuffer,
        mode: Mode,
        deadline: NIODeadline?,
        maxReceiveMessageSize: Int,
        onSubmitted: ((ClientStream, HTTP2ClientConnection, Int32) -> Void)? = nil
    ) {
        self.path = path
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.mode = mode
        self.deadline = deadline
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.deframer = MessageDeframer(maxMessageSize: maxReceiveMessageSize)
        self.onSubmitted = onSubmitted
    }

    /// Sets what receives the result of a `.collect` or `.count` call; before the call starts.
    func setCompletion(_ completion: @escaping (CallResult) -> Void) {
        self.completion = completion
    }

    // MARK: Lifecycle

    /// Submits the request on `connection` and arms the deadline. On the connection's loop.
    func start(on connection: HTTP2ClientConnection) {
        guard !self.finished else { return }
        if let deadline = self.deadline {
            guard deadline > .now() else {
                self.finish(code: .deadlineExceeded, message: "deadline exceeded before the call started")
                return
            }
            self.deadlineTimer = connection.eventLoop.scheduleTask(deadline: deadline) { [self] in
                self.deadlineTimer = nil
                self.reset(code: .deadlineExceeded, message: "deadline exceeded")
            }
        }
        self.connection = connection
        switch connection.submit(self) {
        case .success(let id):
            self.id = id
            self.onSubmitted?(self, connection, id)
        case .failure(let error):
            self.connection = nil
            self.finish(code: error.code, message: error.message)
        }
    }

    /// Cancels the call: RST_STREAM CANCEL if it is on the wire, CANCELLED for the caller. On the loop.
    func cancel() {
        self.reset(code: .cancelled, message: "the call was cancelled")
    }

    /// Ends the call here with `code`, telling the server with RST_STREAM CANCEL.
    private func reset(code: StatusCode, message: String) {
        guard !self.finished else { return }
        if let connection = self.connection, self.id > 0 {
            connection.resetStream(id: self.id)
        }
        self.finish(code: code, message: message)
    }

    /// Fails a call that never reached a connection (connect failure, backoff, channel closed).
    func fail(_ error: RPCError) {
        self.finish(code: error.code, message: error.message)
    }

    // MARK: Request body

    /// nghttp2 asks for up to `length` body bytes; END_STREAM goes with the last of them.
    func readRequestBody(into buffer: UnsafeMutablePointer<UInt8>, length: Int, flags: inout UInt32) -> Int {
        let count = min(length, self.requestBody.readableBytes)
        if count > 0 {
            self.requestBody.withUnsafeReadableBytes { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress!, byteCount: count)
            }
            self.requestBody.moveReaderIndex(forwardBy: count)
        }
        if self.requestBody.readableBytes == 0 {
            self.requestBody = ByteBuffer()
            flags |= NGHTTP2_DATA_FLAG_EOF.rawValue
        }
        return count
    }

    // MARK: Response

    func headerReceived(name: String, value: String) {
        self.receivedFields.append((name: name, value: value))
    }

    /// A HEADERS block is complete: the response head, a trailers-only response, or the trailers.
    func headersComplete(endStream: Bool) {
        let fields = self.receivedFields
        self.receivedFields = []
        guard !self.finished else { return }
        if self.headersReceived || endStream {
            // Trailers, or a trailers-only response (whose one block carries the status).
            self.complete(trailers: fields)
            return
        }
        self.headersReceived = true
        var httpStatus: String?
        var contentType: String?
        var encoding: String?
        for (name, value) in fields {
            switch name {
            case ":status": httpStatus = value
            case "content-type": contentType = value
            case "grpc-encoding": encoding = value
            default: break
            }
        }
        if httpStatus != "200" {
            let status = ResponseHead.receivedStatus([(name: ":status", value: httpStatus ?? "")])
            self.reset(code: status.code, message: status.message)
            return
        }
        guard let contentType, contentType.hasPrefix("application/grpc") else {
            self.reset(code: .internalError, message: "unexpected content-type '\(contentType ?? "")'")
            return
        }
        if let encoding, !encoding.isEmpty, encoding != "identity" {
            guard let algorithm = CompressionAlgorithm(rawValue: encoding) else {
                self.reset(code: .internalError, message: "the server used an unsupported grpc-encoding '\(encoding)'")
                return
            }
            self.deframer = MessageDeframer(maxMessageSize: self.maxReceiveMessageSize, encoding: algorithm)
        }
        switch self.mode {
        case .collect:
            self.initialFields = fields
        case .count:
            break
        case .stream(let buffer):
            do {
                buffer.receivedHeaders(try Metadata(receivedHeaders: fields))
            } catch {
                self.reset(code: error.code, message: error.message)
            }
        }
    }

    /// DATA bytes of this stream. Returns how many bytes to hand back to flow control now.
    func dataReceived(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard !self.finished else { return bytes.count }
        self.deframer.append(bytes)
        switch self.mode {
        case .collect, .count:
            do {
                while let message = try self.deframer.next() {
                    self.messageCount += 1
                    if case .collect = self.mode, self.messages.count < 2 {
                        self.messages.append(message)
                    }
                }
            } catch {
                self.reset(code: error.code, message: error.message)
            }
            // Unary responses are bounded by the message size limit: no reason to hold window back.
            return bytes.count
        case .stream(let buffer):
            var produced: [[UInt8]] = []
            do {
                while let message = try self.deframer.next() {
                    produced.append(message)
                }
            } catch {
                self.reset(code: error.code, message: error.message)
                return bytes.count
            }
            self.messageCount += produced.count
            return buffer.deliver(produced, wireBytes: bytes.count)
        }
    }

    private func complete(trailers: [(name: String, value: String)]) {
        var (code, message) = ResponseHead.receivedStatus(trailers)
        var trailing = Metadata()
        if case .count = self.mode {
            // No metadata for load generation.
        } else {
            do {
                trailing = try Metadata(receivedHeaders: trailers)
            } catch {
                if code == .ok { (code, message) = (error.code, error.message) }
            }
        }
        if code == .ok {
            do {
                try self.deframer.finish()
            } catch {
                (code, message) = (error.code, error.message)
            }
        }
        self.finish(code: code, message: message, trailingMetadata: trailing)
    }

    /// The stream is gone from the session. A call that has no status yet gets one from the reset code.
    func closed(errorCode: UInt32) {
        self.connection = nil
        guard !self.finished else { return }
        let (code, message): (StatusCode, String) =
            switch errorCode {
            case NGHTTP2_REFUSED_STREAM.rawValue:
                (.unavailable, "the server refused the stream (it may be shutting down)")
            case NGHTTP2_CANCEL.rawValue: (.cancelled, "the server cancelled the stream")
            case NGHTTP2_ENHANCE_YOUR_CALM.rawValue: (.resourceExhausted, "the server asked to enhance our calm")
            case NGHTTP2_INADEQUATE_SECURITY.rawValue: (.permissionDenied, "inadequate security")
            case NGHTTP2_NO_ERROR.rawValue: (.internalError, "the stream ended without a status")
            default: (.internalError, "the stream was reset with HTTP/2 error \(errorCode)")
            }
        self.finish(code: code, message: message)
    }

    /// The connection is gone.
    func connectionLost(_ reason: String) {
        self.connection = nil
        self.finish(code: .unavailable, message: reason)
    }

    private func finish(code: StatusCode, message: String, trailingMetadata: Metadata = Metadata()) {
        guard !self.finished else { return }
        self.finished = true
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        self.requestBody = ByteBuffer()
        switch self.mode {
        case .stream(let buffer):
            buffer.finish(code: code, message: message, trailingMetadata: trailingMetadata)
        case .collect, .count:
            var initial = Metadata()
            if case .collect = self.mode, !self.initialFields.isEmpty {
                initial = (try? Metadata(receivedHeaders: self.initialFields)) ?? Metadata()
            }
            let result = CallResult(
                code: code,
                message: message,
                messageCount: self.messageCount,
                messages: self.messages,
                initialMetadata: initial,
                trailingMetadata: trailingMetadata
            )
            self.messages = []
            let completion = self.completion
            self.completion = nil
            completion?(result)
        }
    }
}
