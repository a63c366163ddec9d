internal import NIOCore
public import RPCFraming

/// Every limit and timer of the server, with the defaults gRPC's own servers use where they have one.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 50051
    /// Event loop threads; one per core by default.
    public var threads: Int = System.coreCount

    /// SETTINGS_MAX_CONCURRENT_STREAMS; streams past it are refused with REFUSED_STREAM.
    public var maxConcurrentStreams: Int = 256
    /// SETTINGS_MAX_HEADER_LIST_SIZE, enforced by counting (nghttp2 only advertises it).
    public var maxHeaderListSize: Int = 16 * 1024
    /// Largest request message after decompression; larger -> RESOURCE_EXHAUSTED.
    public var maxReceiveMessageSize: Int = 4 * 1024 * 1024
    /// Request bytes a connection may hold for calls that have not started yet, over all its streams;
    /// past it the stream that overflows gets RESOURCE_EXHAUSTED. Bounds memory per connection.
    public var maxBufferedRequestBytesPerConnection: Int = 64 * 1024 * 1024
    /// Request bytes a bidirectional-streaming call may hold before its handler reads them; past it the call ends
    /// with RESOURCE_EXHAUSTED (HTTP/2 flow control does not hold the client back: windows update on receipt).
    /// Never less than `maxReceiveMessageSize`, so that one message of the largest size always fits.
    public var maxBufferedStreamingRequestBytes: Int = 4 * 1024 * 1024
    /// SETTINGS_INITIAL_WINDOW_SIZE: how much a client may send on one stream before we consume it.
    public var initialStreamWindowSize: Int = 1024 * 1024
    /// The connection-level receive window.
    public var connectionWindowSize: Int = 16 * 1024 * 1024
    /// A streaming writer suspends while a stream has more than this many bytes not yet taken
    /// by HTTP/2 flow control.
    public var streamWriteBufferLimit: Int = 64 * 1024

    /// Token bucket for RST_STREAM frames the client sends (rapid reset, CVE-2023-44487).
    public var resetRateBurst: Int = 1000
    public var resetRatePerSecond: Int = 33
    /// The same bucket for RST_STREAM frames the client makes us send (MadeYouReset, CVE-2025-8671).
    public var serverResetRateBurst: Int = 1000
    public var serverResetRatePerSecond: Int = 33
    /// CONTINUATION frames accepted after one HEADERS (CVE-2024-28182).
    public var maxContinuations: Int = 8
    /// Queued SETTINGS and PING acknowledgements before the peer counts as flooding.
    public var maxOutboundAcks: Int = 1000
    /// Entries accepted in one SETTINGS frame (CVE-2020-11080).
    public var maxSettingsEntries: Int = 32

    /// A client ping earlier than this after the previous one is a strike (grpc-go's
    /// `EnforcementPolicy.MinTime`, 5 minutes by default).
    public var minPingInterval: Duration = .seconds(300)
    /// Pings without active streams are strikes too unless this is true.
    public var permitPingsWithoutCalls: Bool = false
    /// Strikes tolerated before GOAWAY ENHANCE_YOUR_CALM "too_many_pings" (grpc-go: 2).
    public var maxPingStrikes: Int = 2
    /// Ping a connection that has been silent this long (nil: never; grpc-go: 2 hours).
    public var keepaliveInterval: Duration? = .seconds(7200)
    /// Close the connection when a keepalive ping gets no answer within this time.
    public var keepaliveTimeout: Duration = .seconds(20)
    /// Close a connection without calls after this long (nil: never).
    public var maxConnectionIdle: Duration? = nil
    /// Drain a connection after this age (nil: never), so clients rebalance.
    public var maxConnectionAge: Duration? = nil
    /// A connection that has not sent a complete preface and SETTINGS within this time is closed (slowloris).
    public var handshakeTimeout: Duration = .seconds(10)
    /// How long graceful shutdown waits for calls in flight before cancelling them.
    public var drainTimeout: Duration = .seconds(30)

    /// Compression used for responses when a handler does not choose, if the client accepts it.
    public var defaultResponseCompression: CompressionAlgorithm? = nil

    /// TLS (ALPN h2, TLS 1.2+, optional client certificates); nil serves cleartext HTTP/2 with prior knowledge.
    public var tls: TLSServerConfiguration? = nil

    public init() {}
}
