public import RPCFraming

/// The one request message of a unary or server-streaming call, with the request metadata.
///
/// Messages are raw bytes at this layer; ``ProtobufCoding`` adapts them to typed messages.
public struct ServerRequest: Sendable {
    /// Application metadata: reserved and connection-specific headers are never here.
    public var metadata: Metadata
    /// The decompressed message bytes.
    public var message: [UInt8]

    public init(metadata: Metadata = Metadata(), message: [UInt8]) {
        self.metadata = metadata
        self.message = message
    }
}
