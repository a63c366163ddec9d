public import RPCFraming

/// The limits, windows and timers of a ``GRPCChannel``.
public struct ClientConfiguration: Sendable {
    /// How long establishing the TCP connection may take before calls waiting for it fail with UNAVAILABLE.
    public var connectTimeout: Duration = .seconds(10)
    /// The largest response message accepted, after decompression; larger fails the call with RESOURCE_EXHAUSTED.
    public var maxReceiveMessageSize: Int = 4 * 1024 * 1024
    /// SETTINGS_INITIAL_WINDOW_SIZE: how much the server may send on one stream before the consumer reads it.
    /// A server-streaming response that nobody reads holds at most this much (plus one partial message) here.
    public var initialStreamWindowSize: Int = 1024 * 1024
    /// The connection-level receive window, shared by every call of the connection.
    public var connectionWindowSize: Int = 16 * 1024 * 1024
    /// Compression of request messages when a call does not choose; `nil` sends them uncompressed.
    public var requestCompression: CompressionAlgorithm? = nil
    /// The `user-agent` header.
    public var userAgent: String = "planning-rpc-swift/0.1"
    /// Delays between failed connection attempts.
    public var backoff: ConnectionBackoff = ConnectionBackoff()
    /// TLS with ALPN h2; nil speaks cleartext HTTP/2 with prior knowledge.
    public var tls: ClientTLSConfiguration? = nil

    public init() {}
}
