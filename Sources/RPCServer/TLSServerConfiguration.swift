/// TLS for ``RPCServer``: where the certificate chain, its key and the client CA bundle are, and whether clients
/// must present a certificate. The files are read at ``RPCServer/start()`` and again at ``RPCServer/reloadTLS()``.
///
/// The server speaks TLS 1.2 and 1.3 only and offers exactly one ALPN protocol, `h2`.
public struct TLSServerConfiguration: Sendable, Equatable {
    /// Whether a client certificate is asked for and how its absence is treated.
    public enum ClientAuthentication: String, Sendable, Equatable, CaseIterable {
        /// No certificate is asked for.
        case none
        /// A certificate is asked for; one that is presented must chain to the client CA bundle, none is fine too.
        case optional
        /// A certificate that chains to the client CA bundle is required; the handshake fails without one.
        case require
    }

    /// PEM file with the server certificate first, then any intermediates.
    public var certificateChainPath: String
    /// PEM file with the private key of the first certificate (PKCS#8, SEC1 or PKCS#1, unencrypted).
    public var privateKeyPath: String
    /// PEM bundle of the CAs that client certificates must chain to; required unless `clientAuthentication` is
    /// `none`.
    public var clientCAPath: String?
    public var clientAuthentication: ClientAuthentication

    /// - Parameter clientAuthentication: `nil` means `require` when a client CA bundle is given, `none` otherwise.
    public init(
        certificateChainPath: String,
        privateKeyPath: String,
        clientCAPath: String? = nil,
        clientAuthentication: ClientAuthentication? = nil
    ) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.clientAuthentication = clientAuthentication ?? (clientCAPath == nil ? .none : .require)
    }
}
