/// A gRPC call's failure: a status code, a human-readable message and trailing metadata.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The status code sent in `grpc-status`.
    public var code: StatusCode
    /// The message sent (percent-encoded) in `grpc-message`; empty means none is sent.
    public var message: String
    /// Trailers to send with the error, e.g. `grpc-status-details-bin`.
    public var metadata: Metadata

    public init(code: StatusCode, message: String, metadata: Metadata = Metadata()) {
        self.code = code
        self.message = message
        self.metadata = metadata
    }

    public var description: String {
        message.isEmpty ? code.name : "\(code.name): \(message)"
    }
}
