internal import NIOCore
internal import RPCFraming
internal import Synchronization

/// The request side of bidirectional-streaming calls.
///
/// Unary and server-streaming calls collect their one request message until END_STREAM and only then start the
/// handler. A bidirectional call starts its handler at the request HEADERS and hands each message over as it is
/// de-framed, through a buffer of at most `maxBufferedStreamingRequestBytes` bytes not yet read by the handler.
///
/// Why a byte budget and not flow control: nghttp2 updates the receive windows on its own (automatic window
/// updates are on for every stream, and turning them off would put a `nghttp2_session_consume` on the unary path),
/// so a client is never held back by how fast the handler reads. A client that sends faster than the handler
/// reads for long enough gets RESOURCE_EXHAUSTED, which bounds the memory of a call. Pausing the connection's reads
/// instead would deadlock a handler that waits for a WINDOW_UPDATE to write its response.
extension ServerStream {
    /// What a bidirectional call keeps for its request messages.
    struct BidirectionalInbound {
        let messages: AsyncThrowingStream<[UInt8], any Error>
        let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
        /// Bytes handed over and not yet taken by the handler's iterator, which may run off the event loop.
        let buffered: RequestBuffer
    }

    /// Called at the request HEADERS of a bidirectional method: opens the message buffer and starts the handler.
    func startBidirectional(head: RequestHead) {
        guard let method = self.method else { return }
        let (messages, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self, throwing: (any Error).self)
        self.inbound = BidirectionalInbound(messages: messages, continuation: continuation, buffered: RequestBuffer())
        self.state = .running
        if let response = self.connection.configuration.defaultResponseCompression {
            self.chooseCompression(response)
        }
        let request = ServerRequest(metadata: head.metadata, message: [])
        let context = ServerContext(
            path: head.path,
            peer: self.connection.peer,
            deadline: head.timeout.map { .now + .nanoseconds($0.nanoseconds) },
            authority: head.authority
        )
        self.task = Task(executorPreference: self.connection.executor) {
            await self.run(method.handler, request: request, context: context)
        }
    }

    /// The request messages for the handler, with the metadata of the request head.
    func requestStream(metadata: Metadata) -> ServerRequestStream {
        // Only bidirectional methods reach here, and startBidirectional set `inbound` before starting the task.
        let inbound = self.inbound!
        return ServerRequestStream(
            metadata: metadata,
            messages: RPCRequestMessages(inbound.messages, buffer: inbound.buffered)
        )
    }

    /// DATA of a bidirectional call: de-frame and hand over every complete message.
    func receiveStreaming(_ bytes: UnsafeRawBufferPointer) {
        guard let inbound = self.inbound, self.state == .running || self.state == .responding else {
            // The call has ended; nghttp2 still accounts the window.
            return
        }
        let configuration = self.connection.configuration
        let limit = max(configuration.maxBufferedStreamingRequestBytes, configuration.maxReceiveMessageSize)
        self.deframer.append(bytes)
        do {
            while let message = try self.deframer.next() {
                guard inbound.buffered.add(message.count) <= limit else {
                    let error = RPCError(
                        code: .resourceExhausted,
                        message: "the handler fell more than \(limit) bytes of request messages behind"
                    )
                    self.endInbound(error)
                    return
                }
                inbound.continuation.yield(message)
            }
        } catch {
            self.endInbound(error)
        }
    }

    /// END_STREAM of a bidirectional call: the message sequence ends, the handler goes on writing.
    func inboundComplete() {
        guard let inbound = self.inbound else { return }
        do {
            try self.deframer.finish()
            inbound.continuation.finish()
        } catch {
            self.endInbound(error)
        }
    }

    /// A malformed or overflowing request stream ends the call with `error`, and the handler with it.
    private func endInbound(_ error: RPCError) {
        self.inbound?.continuation.finish(throwing: error)
        self.task?.cancel()
        self.outbound.clear()
        self.finish(code: error.code, message: error.message, metadata: error.metadata)
    }
}

/// The request bytes of one streaming call that its handler has not taken yet.
final class RequestBuffer: Sendable {
    private let bytes = Mutex(0)

    /// Adds `count` bytes; returns the new total.
    func add(_ count: Int) -> Int {
        self.bytes.withLock { bytes in
            bytes += count
            return bytes
        }
    }

    func remove(_ count: Int) {
        self.bytes.withLock { $0 -= count }
    }
}
