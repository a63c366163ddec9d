public import RPCFraming

/// The answer to a successful unary call.
public struct ClientResponse: Sendable {
    /// The one response message (decompressed).
    public var message: [UInt8]
    /// The metadata of the response headers.
    public var initialMetadata: Metadata
    /// The metadata of the trailers, beside `grpc-status: 0`.
    public var trailingMetadata: Metadata

    public init(message: [UInt8], initialMetadata: Metadata, trailingMetadata: Metadata) {
        self.message = message
        self.initialMetadata = initialMetadata
        self.trailingMetadata = trailingMetadata
    }
}
