/// Writes the messages of a server-streaming response.
///
/// `write` returns once the message is queued and the stream's queue is under its limit, and
/// suspends otherwise until HTTP/2 flow control has taken enough of it: a client that stops
/// reading holds the handler, not the server's memory. It throws ``RPCError`` CANCELLED when the
/// call has ended (client reset, deadline, connection loss).
public struct RPCWriter: Sendable {
    let stream: ServerStream

    public func write(_ message: [UInt8]) async throws {
        try await self.stream.write(message)
    }

    /// Writes each message in order.
    public func write(contentsOf messages: some Sequence<[UInt8]>) async throws {
        for message in messages {
            try await self.stream.write(message)
        }
    }
}
