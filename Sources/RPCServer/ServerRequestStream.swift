public import RPCFraming

/// The request side of a bidirectional-streaming call: the request metadata, then the messages as the client
/// sends them.
public struct ServerRequestStream: Sendable {
    /// Application metadata: reserved and connection-specific headers are never here.
    public var metadata: Metadata
    /// The decompressed request messages, in order; the sequence ends when the client half-closes.
    public var messages: RPCRequestMessages

    public init(metadata: Metadata = Metadata(), messages: RPCRequestMessages) {
        self.metadata = metadata
        self.messages = messages
    }
}

/// The request messages of a streaming call, as raw bytes.
///
/// Iterating ends (returns `nil`) at the client's END_STREAM or when the call is cancelled, and throws the
/// ``RPCError`` that ended the call when the request stream was malformed (a truncated or oversized message).
public struct RPCRequestMessages: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let stream: AsyncThrowingStream<[UInt8], any Error>
    /// The transport's count of bytes not yet taken, released as the handler takes each message.
    let buffer: RequestBuffer?

    /// Messages from a stream of your own, e.g. to test a handler without a transport.
    public init(_ stream: AsyncThrowingStream<[UInt8], any Error>) {
        self.stream = stream
        self.buffer = nil
    }

    init(_ stream: AsyncThrowingStream<[UInt8], any Error>, buffer: RequestBuffer) {
        self.stream = stream
        self.buffer = buffer
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.stream.makeAsyncIterator(), buffer: self.buffer)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
        let buffer: RequestBuffer?

        public mutating func next() async throws -> [UInt8]? {
            let message = try await self.base.next()
            if let message {
                self.buffer?.remove(message.count)
            }
            return message
        }
    }
}
