/// How the web listener listens and what it accepts.
public struct WebGatewayConfiguration: Sendable {
    /// Address to bind; loopback by default.
    public var host = "127.0.0.1"
    /// Port to bind; 0 picks a free one (the log says which).
    public var port = 8080
    /// Origins allowed to call from other pages (exact, or `*`); empty turns CORS off.
    public var corsOrigins: [String] = []
    /// Largest request message in bytes, after decompression: the gRPC port's limit.
    public var maxReceiveMessageSize = 4 * 1024 * 1024
    /// Largest request header list in bytes, counted as HTTP/2 counts it (name + value + 32 per field): the gRPC
    /// port's limit, so that a request too large for one is too large for the other.
    public var maxHeaderListSize = 16 * 1024

    public init() {}
}
