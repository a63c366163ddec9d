/// Why a job failed or was cancelled.
public struct JobFailure: Sendable, Equatable {
    /// gRPC status code, e.g. 1 CANCELLED, 4 DEADLINE_EXCEEDED, 13 INTERNAL.
    public var code: Int32
    /// Human-readable message.
    public var message: String

    /// A failure with a gRPC status code and a message.
    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }
}
