internal import RPCFraming

/// What a handler knows about its call besides the request.
public struct ServerContext: Sendable {
    /// The full method path, `/package.Service/Method`.
    public let path: String
    /// The remote address, as `ipv4:127.0.0.1:5432` or `ipv6:[::1]:5432`, or `unknown`.
    public let peer: String
    /// When the client gives up, from `grpc-timeout`; the handler's task is cancelled then.
    public let deadline: ContinuousClock.Instant?
    /// The `:authority` the client addressed.
    public let authority: String?
    /// The subject of the client's certificate as an RFC 4514 string (`CN=alice,OU=risk,O=Example`), when the
    /// connection is TLS and the client presented a certificate that chains to the client CA bundle; nil on
    /// plaintext connections and TLS ones without a client certificate.
    public var tlsPeerSubject: String?
    /// The caller as a ``CallInterceptor`` (the authenticator) established it; nil when no authenticator runs or
    /// the method is exempt from authentication.
    public var principal: AuthenticatedPrincipal?

    public init(
        path: String,
        peer: String,
        deadline: ContinuousClock.Instant?,
        authority: String?,
        tlsPeerSubject: String? = nil
    ) {
        self.path = path
        self.peer = peer
        self.deadline = deadline
        self.authority = authority
        self.tlsPeerSubject = tlsPeerSubject
    }
}
