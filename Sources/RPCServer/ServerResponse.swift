public import RPCFraming

/// The answer of a unary handler.
public struct ServerResponse: Sendable {
    /// Sent in the response headers.
    public var metadata: Metadata
    /// The one response message.
    public var message: [UInt8]
    /// Sent in the trailers beside `grpc-status: 0`.
    public var trailingMetadata: Metadata
    /// Compress the message with this algorithm when the client accepts it; `nil` uses the server's default.
    public var compression: CompressionAlgorithm?

    public init(
        message: [UInt8],
        metadata: Metadata = Metadata(),
        trailingMetadata: Metadata = Metadata(),
        compression: CompressionAlgorithm? = nil
    ) {
        self.message = message
        self.metadata = metadata
        self.trailingMetadata = trailingMetadata
        self.compression = compression
    }
}

/// The answer of a server-streaming handler: headers at once, then whatever `producer` writes.
///
/// The response headers leave as soon as the handler returns this value, so a client sees the
/// call accepted before the first message is ready. `producer` returns the trailing metadata;
/// throwing from it ends the call with that error's status.
public struct StreamingServerResponse: Sendable {
    public var metadata: Metadata
    public var compression: CompressionAlgorithm?
    public var producer: @Sendable (RPCWriter) async throws -> Metadata

    public init(
        metadata: Metadata = Metadata(),
        compression: CompressionAlgorithm? = nil,
        producer: @escaping @Sendable (RPCWriter) async throws -> Metadata
    ) {
        self.metadata = metadata
        self.compression = compression
        self.producer = producer
    }
}
