public import RPCFraming

/// The responses of a server-streaming call, as an `AsyncSequence` of raw messages.
///
/// Reading is what lets the server send more: HTTP/2 window is handed back only as messages are taken, so a
/// slow consumer slows the server down instead of filling memory. The sequence ends normally on `grpc-status`
/// 0 and throws ``RPCError`` with the status otherwise. Cancelling the reading task, or dropping the stream
/// before its end, resets the HTTP/2 stream (RST_STREAM CANCEL), which cancels the server's handler.
///
/// Iterate it once: it is a single-pass sequence.
public final class ResponseStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    let buffer: ResponseStreamBuffer

    init(buffer: ResponseStreamBuffer) {
        self.buffer = buffer
    }

    deinit {
        // Nobody can read any more: stop the call and return the window its unread messages hold.
        self.buffer.cancel()
    }

    /// The metadata of the response headers; waits for them. Throws the call's error when it fails before
    /// sending headers (a trailers-only response).
    public var initialMetadata: Metadata {
        get async throws { try await self.buffer.initialMetadata() }
    }

    /// The metadata of the trailers, once the sequence has ended (nil before).
    public var trailingMetadata: Metadata? {
        self.buffer.trailingMetadata
    }

    /// Stops the call, as dropping the stream does.
    public func cancel() {
        self.buffer.cancel()
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        // Holds the stream (not just its buffer) so the call lives as long as someone iterates.
        let stream: ResponseStream

        public mutating func next() async throws -> [UInt8]? {
            try await self.stream.buffer.next()
        }
    }
}
