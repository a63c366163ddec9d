import RPCServer

extension EchoService {
    /// `/bench.Echo/Peer` answers with the subject of the client's TLS certificate (RFC 4514, UTF-8), or with no
    /// bytes on a plaintext connection or without a client certificate: what the mTLS interop tests check.
    static func registerPeer(with router: inout RPCRouter) {
        router.registerUnary(service: "bench.Echo", method: "Peer") { _, context in
            ServerResponse(message: Array((context.tlsPeerSubject ?? "").utf8))
        }
    }
}
