public import RPCFraming

/// How a call ended, as the low-level ``GRPCChannel/startCall(path:request:metadata:timeout:keepMessages:completion:)``
/// reports it: the status, whatever the status was, and the responses.
public struct CallResult: Sendable {
    /// The status: from the trailers, or made here (DEADLINE_EXCEEDED, CANCELLED, UNAVAILABLE, ...).
    public var code: StatusCode
    /// The status message (percent-decoded).
    public var message: String
    /// How many response messages arrived.
    public var messageCount: Int
    /// The response messages, when the call was asked to keep them (at most two: enough to tell a unary
    /// call's cardinality violation).
    public var messages: [[UInt8]]
    /// Response header metadata; empty when metadata was not asked for.
    public var initialMetadata: Metadata
    /// Trailer metadata; empty when metadata was not asked for.
    public var trailingMetadata: Metadata

    /// The result as an error, or nil for OK.
    public var error: RPCError? {
        self.code == .ok ? nil : RPCError(code: self.code, message: self.message, metadata: self.trailingMetadata)
    }
}
