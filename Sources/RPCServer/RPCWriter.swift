/// Writes the messages of a server-streaming response.
///
/// `write` returns once the message is queued and the stream's queue is under its limit, and
/// suspends otherwise until HTTP/2 flow control has taken enough of it: a client that stops
/// reading holds the handler, not the server's memory. It throws ``RPCError`` CANCELLED when the
/// call has ended (client reset, deadline, connection loss).
public struct RPCWriter: Sendable {
    private enum Target: Sendable {
        /// A call on the HTTP/2 transport.
        case stream(ServerStream)
        /// A call from another transport, which brings its own back-pressure (see ``init(sink:)``).
        case sink(@Sendable ([UInt8]) async throws -> Void)
    }

    private let target: Target

    init(stream: ServerStream) {
        self.target = .stream(stream)
    }

    /// A writer for a transport other than the HTTP/2 one (the web gateway): `sink` takes each message and must
    /// suspend while its peer is not reading, and throw CANCELLED once the call has ended, as the HTTP/2 writer does.
    public init(sink: @escaping @Sendable ([UInt8]) async throws -> Void) {
        self.target = .sink(sink)
    }

    public func write(_ message: [UInt8]) async throws {
        switch self.target {
        case .stream(let stream):
            try await stream.write(message)
        case .sink(let sink):
            try await sink(message)
        }
    }

    /// Writes each message in order.
    public func write(contentsOf messages: some Sequence<[UInt8]>) async throws {
        for message in messages {
            try await self.write(message)
        }
    }
}
