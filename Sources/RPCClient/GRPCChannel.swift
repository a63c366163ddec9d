public import Logging
public import NIOCore
public import NIOPosix
public import RPCFraming

/// A gRPC client over HTTP/2 on nghttp2 and SwiftNIO: cleartext with prior knowledge, or TLS with ALPN h2 when
/// ``ClientConfiguration/tls`` is set.
///
/// One channel is one server address and at most one usable connection at a time, on which every call is
/// multiplexed. The connection opens on the first call; after the server sends GOAWAY or the connection drops,
/// the next call opens a new one, and failed attempts are spaced by ``ConnectionBackoff``.
///
/// ```swift
/// let channel = GRPCChannel(host: "127.0.0.1", port: 50051)
/// let response = try await channel.unary(path: "/bench.Echo/Unary", request: [1, 2, 3])
/// for try await message in channel.serverStreaming(path: "/bench.Echo/Stream", request: [0, 0, 0, 3]) { ... }
/// await channel.close()
/// ```
///
/// All of a channel's I/O runs on one event loop (``eventLoop``), picked from the group at creation.
public final class GRPCChannel: Sendable {
    public let host: String
    public let port: Int
    public let configuration: ClientConfiguration
    /// The loop that runs the channel's connections and call callbacks.
    public let eventLoop: any EventLoop

    let manager: ConnectionManager

    /// - Parameters:
    ///   - eventLoopGroup: where to pick the channel's loop; NIO's shared singleton group by default.
    public init(
        host: String,
        port: Int,
        configuration: ClientConfiguration = ClientConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "rpc.client")
    ) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.eventLoop = eventLoopGroup.next()
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let staticHeaders = StaticHeaderBlock([
            (name: ":method", value: "POST"),
            (name: ":scheme", value: configuration.tls == nil ? "http" : "https"),
            (name: ":authority", value: authority),
            (name: "content-type", value: "application/grpc"),
            (name: "te", value: "trailers"),
            (name: "user-agent", value: configuration.userAgent),
            (name: "grpc-accept-encoding", value: CompressionNegotiation.acceptEncodingHeaderValue),
        ])
        self.manager = ConnectionManager(
            host: host,
            port: port,
            configuration: configuration,
            staticHeaders: staticHeaders,
            eventLoop: self.eventLoop,
            logger: logger
        )
    }

    // MARK: Calls

    /// Makes a unary call.
    ///
    /// - Parameters:
    ///   - path: `/package.Service/Method`.
    ///   - timeout: sent as `grpc-timeout` and enforced here too: when it passes the stream is reset
    ///     (RST_STREAM CANCEL) and the call fails with DEADLINE_EXCEEDED.
    ///   - compression: compresses the request message; `nil` uses ``ClientConfiguration/requestCompression``.
    /// - Returns: the response message and the metadata of headers and trailers.
    /// - Throws: ``RPCError`` with the call's status when it is not OK (UNAVAILABLE when the server cannot be
    ///   reached or the connection drops, CANCELLED when the calling task is cancelled).
    public func unary(
        path: String,
        request: [UInt8],
        metadata: Metadata = Metadata(),
        timeout: Duration? = nil,
        compression: CompressionAlgorithm? = nil
    ) async throws -> ClientResponse {
        let stream = try self.makeStream(
            path: path,
            request: request,
            metadata: metadata,
            timeout: timeout,
            compression: compression,
            mode: .collect
        )
        let result: CallResult = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CallResult, any Error>) in
                stream.setCompletion { result in continuation.resume(returning: result) }
                self.start(stream)
            }
        } onCancel: {
            self.eventLoop.execute { stream.cancel() }
        }
        if let error = result.error {
            throw error
        }
        guard result.messageCount == 1, let message = result.messages.first else {
            throw RPCError(
                code: .internalError,
                message: "a unary call must have exactly one response message, got \(result.messageCount)"
            )
        }
        return ClientResponse(
            message: message,
            initialMetadata: result.initialMetadata,
            trailingMetadata: result.trailingMetadata
        )
    }

    /// Starts a server-streaming call. The call is on its way when this returns; read the responses from the
    /// returned sequence (see ``ResponseStream`` for back-pressure and cancellation).
    public func serverStreaming(
        path: String,
        request: [UInt8],
        metadata: Metadata = Metadata(),
        timeout: Duration? = nil,
        compression: CompressionAlgorithm? = nil
    ) -> ResponseStream {
        let buffer = ResponseStreamBuffer()
        let responses = ResponseStream(buffer: buffer)
        do {
            let stream = try self.makeStream(
                path: path,
                request: request,
                metadata: metadata,
                timeout: timeout,
                compression: compression,
                mode: .stream(buffer)
            )
            self.start(stream)
        } catch {
            buffer.finish(code: error.code, message: error.message, trailingMetadata: Metadata())
        }
        return responses
    }

    /// Starts a call and reports its end to `completion`, on ``eventLoop``; no task, no continuation.
    ///
    /// This is the load generator's entry point: started from `completion` itself, a new call costs no thread
    /// hop. Calls started on another thread hop to the loop once.
    ///
    /// - Parameter keepMessages: keep the response messages and metadata in the result; otherwise they are only
    ///   counted (cheapest).
    public func startCall(
        path: String,
        request: [UInt8],
        metadata: Metadata = Metadata(),
        timeout: Duration? = nil,
        keepMessages: Bool = false,
        completion: @escaping @Sendable (CallResult) -> Void
    ) {
        do {
            let stream = try self.makeStream(
                path: path,
                request: request,
                metadata: metadata,
                timeout: timeout,
                compression: nil,
                mode: keepMessages ? .collect : .count
            )
            stream.setCompletion(completion)
            self.start(stream)
        } catch {
            completion(
                CallResult(
                    code: error.code,
                    message: error.message,
                    messageCount: 0,
                    messages: [],
                    initialMetadata: Metadata(),
                    trailingMetadata: Metadata()
                )
            )
        }
    }

    /// Closes the channel's connections. Calls in flight fail with UNAVAILABLE, and so do later calls.
    public func close() async {
        let future = self.eventLoop.flatSubmit { self.manager.shutdown() }
        try? await future.get()
    }

    // MARK: Internals

    private func start(_ stream: ClientStream) {
        if self.eventLoop.inEventLoop {
            self.manager.start(stream)
        } else {
            self.eventLoop.execute { self.manager.start(stream) }
        }
    }

    private func makeStream(
        path: String,
        request: [UInt8],
        metadata: Metadata,
        timeout: Duration?,
        compression: CompressionAlgorithm?,
        mode: ClientStream.Mode
    ) throws(RPCError) -> ClientStream {
        // The fields every call sends are the connection's StaticHeaderBlock; these are the call's own.
        var headers: [(name: String, value: String)] = [(name: ":path", value: path)]
        headers.reserveCapacity(3 + metadata.count)
        var deadline: NIODeadline?
        if let timeout {
            let nanoseconds = timeout.nanoseconds
            headers.append((name: "grpc-timeout", value: GRPCTimeout(nanoseconds: nanoseconds).headerValue))
            deadline = .now() + .nanoseconds(max(0, nanoseconds))
        }
        let algorithm = compression ?? self.configuration.requestCompression ?? .identity
        var body = ByteBuffer()
        if algorithm == .identity {
            body.reserveCapacity(MessageFramer.prefixLength + request.count)
            body.writeGRPCMessage(request, compressed: false)
        } else {
            headers.append((name: "grpc-encoding", value: algorithm.rawValue))
            let compressed = try MessageCompressor(algorithm: algorithm).compress(request)
            body.writeGRPCMessage(compressed, compressed: true)
        }
        metadata.appendHeaderFields(to: &headers)
        return ClientStream(
            path: path,
            requestHeaders: headers,
            requestBody: body,
            mode: mode,
            deadline: deadline,
            maxReceiveMessageSize: self.configuration.maxReceiveMessageSize,
            onSubmitted: { [eventLoop = self.eventLoop] stream, connection, id in
                Self.attach(stream, connection, id, on: eventLoop)
            }
        )
    }

    /// Wires a streaming call's buffer to its connection once the call is on the wire.
    ///
    /// The closures hold the stream and the connection weakly: the buffer belongs to the stream, so a strong
    /// reference back would be a cycle that outlives the call (and with it the connection and its manager, as
    /// LeakSanitizer showed); and window credit for a connection that is gone is owed to nobody.
    private static func attach(
        _ stream: ClientStream, _ connection: HTTP2ClientConnection, _ id: Int32, on loop: any EventLoop
    ) {
        guard case .stream(let buffer) = stream.mode else { return }
        buffer.attach(
            returnCredit: { [weak connection] count in
                guard let connection else { return }
                loop.execute { connection.consume(streamID: id, count: count) }
            },
            cancelStream: { [weak stream] in
                guard let stream else { return }
                loop.execute { stream.cancel() }
            }
        )
    }
}

extension ByteBuffer {
    /// Appends the 5-byte gRPC prefix and the message.
    mutating func writeGRPCMessage(_ message: [UInt8], compressed: Bool) {
        self.reserveCapacity(minimumWritableBytes: MessageFramer.prefixLength + message.count)
        self.writeInteger(compressed ? UInt8(1) : UInt8(0))
        self.writeInteger(UInt32(message.count))
        self.writeBytes(message)
    }
}
