internal import NIOCore
internal import RPCFraming

/// The request side of bidirectional-streaming calls.
///
/// Unary and server-streaming calls collect their one request message until END_STREAM and only then start the
/// handler. A bidirectional call starts its handler at the request HEADERS and hands each message over as it is
/// de-framed, through a buffer of at most `maxBufferedStreamingRequestMessages` messages.
///
/// Why a count and not flow control: nghttp2 updates the receive windows on its own (automatic window updates are
/// on for every stream), so a client is never held back by how fast the handler reads. A client that sends faster
/// than the handler reads ends up over the limit and gets RESOURCE_EXHAUSTED, which bounds the memory of a call
/// at `maxBufferedStreamingRequestMessages * maxReceiveMessageSize`.
extension ServerStream {
    /// What a bidirectional call keeps for its request messages.
    struct BidirectionalInbound {
        let messages: AsyncThrowingStream<[UInt8], any Error>
        let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    }

    /// Called at the request HEADERS of a bidirectional method: opens the message buffer and starts the handler.
    func startBidirectional(head: RequestHead) {
        guard let method = self.method else { return }
        let (messages, continuation) = AsyncThrowingStream.makeStream(
            of: [UInt8].self,
            throwing: (any Error).self,
            bufferingPolicy: .bufferingOldest(self.connection.configuration.maxBufferedStreamingRequestMessages)
        )
        self.inbound = BidirectionalInbound(messages: messages, continuation: continuation)
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
        ServerRequestStream(metadata: metadata, messages: RPCRequestMessages(self.inbound!.messages))
    }

    /// DATA of a bidirectional call: de-frame and hand over every complete message.
    func receiveStreaming(_ bytes: UnsafeRawBufferPointer) {
        guard let inbound = self.inbound, self.state == .running || self.state == .responding else {
            // The call has ended; nghttp2 still accounts the window.
            return
        }
        self.deframer.append(bytes)
        do {
            while let message = try self.deframer.next() {
                if case .dropped = inbound.continuation.yield(message) {
                    self.endInbound(
                        RPCError(
                            code: .resourceExhausted,
                            message: "the handler fell more than "
                                + "\(self.connection.configuration.maxBufferedStreamingRequestMessages) "
                                + "request messages behind"
                        )
                    )
                    return
                }
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
