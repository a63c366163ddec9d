internal import NIOCore
internal import RPCFraming
internal import Synchronization

/// The request side of bidirectional-streaming calls.
///
/// Unary and server-streaming calls collect their one request message until END_STREAM and only then start the
/// handler. A bidirectional call starts its handler at the request HEADERS and hands each message over as it is
/// de-framed, through a buffer of at most `maxBufferedStreamingRequestBytes` bytes not yet read by the handler.
/// Those bytes also count against the connection's `maxBufferedRequestBytesPerConnection`, as the request bytes
/// of calls that have not started do, so that many streams with stalled handlers cannot add up past it.
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
        let connection = self.connection
        let buffered = RequestBuffer { count in
            // The handler's iterator may take messages off the loop; the connection's budget lives on it.
            if connection.eventLoop.inEventLoop {
                connection.releaseRequestBytes(count)
            } else {
                connection.eventLoop.execute { connection.releaseRequestBytes(count) }
            }
        }
        self.inbound = BidirectionalInbound(messages: messages, continuation: continuation, buffered: buffered)
        self.state = .running
        if let response = self.connection.configuration.defaultResponseCompression {
            self.chooseCompression(response)
        }
        let request = ServerRequest(metadata: head.metadata, message: [])
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
                guard self.connection.reserveRequestBytes(message.count) else {
                    self.connection.releaseRequestBytes(message.count)
                    self.endInbound(
                        RPCError(code: .resourceExhausted, message: "connection request buffer limit exceeded")
                    )
                    return
                }
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

    /// The stream is gone: what the handler never took goes back to the connection's budget.
    func closeInbound() {
        self.inbound?.buffered.close()
    }

    /// A malformed or overflowing request stream ends the call with `error`, and the handler with it.
    private func endInbound(_ error: RPCError) {
        self.inbound?.continuation.finish(throwing: error)
        self.task?.cancel()
        self.outbound.clear()
        self.finish(code: error.code, message: error.message, metadata: error.metadata)
    }
}

/// The request bytes of one streaming call that its handler has not taken yet, and their return to the
/// connection's budget: as the handler takes each message, or all at once when the stream closes (never both).
final class RequestBuffer: Sendable {
    private struct State {
        var bytes = 0
        var closed = false
    }

    private let state = Mutex(State())
    private let release: @Sendable (Int) -> Void

    init(release: @escaping @Sendable (Int) -> Void) {
        self.release = release
    }

    /// Adds `count` bytes handed to the handler; returns the call's new total.
    func add(_ count: Int) -> Int {
        self.state.withLock { state in
            state.bytes += count
            return state.bytes
        }
    }

    /// The handler took a message of `count` bytes.
    func remove(_ count: Int) {
        let taken = self.state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.bytes -= count
            return true
        }
        if taken {
            self.release(count)
        }
    }

    /// The stream has closed: releases what the handler never took.
    func close() {
        let outstanding = self.state.withLock { state -> Int in
            guard !state.closed else { return 0 }
            state.closed = true
            defer { state.bytes = 0 }
            return state.bytes
        }
        if outstanding > 0 {
            self.release(outstanding)
        }
    }
}
