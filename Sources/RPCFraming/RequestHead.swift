/// A validated gRPC request head: what the transport and the router need from the request's HEADERS.
public struct RequestHead: Sendable {
    /// The `:path`, `/package.Service/Method`.
    public var path: String
    /// The service part of the path, `package.Service`.
    public var service: String
    /// The method part of the path, `Method`.
    public var method: String
    /// The `:authority`, if sent.
    public var authority: String?
    /// The client's `grpc-timeout`, if sent.
    public var timeout: GRPCTimeout?
    /// The encoding of the request messages (`grpc-encoding`; identity when absent).
    public var encoding: CompressionAlgorithm
    /// The client's `grpc-accept-encoding` (repeated headers joined with commas), if sent.
    public var acceptEncoding: String?
    /// The content-type's subtype: `proto` for `application/grpc+proto`, nil for plain `application/grpc`.
    public var contentSubtype: String?
    /// Application metadata only: no pseudo-headers, no reserved keys.
    public var metadata: Metadata

    public init(
        path: String,
        service: String,
        method: String,
        authority: String? = nil,
        timeout: GRPCTimeout? = nil,
        encoding: CompressionAlgorithm = .identity,
        acceptEncoding: String? = nil,
        contentSubtype: String? = nil,
        metadata: Metadata = Metadata()
    ) {
        self.path = path
        self.service = service
        self.method = method
        self.authority = authority
        self.timeout = timeout
        self.encoding = encoding
        self.acceptEncoding = acceptEncoding
        self.contentSubtype = contentSubtype
        self.metadata = metadata
    }
}
