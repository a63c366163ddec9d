public import NIOSSL
internal import RPCTLS

/// TLS for a ``GRPCChannel``: which CAs to trust, an optional client certificate (mTLS), the name to verify.
///
/// The client offers TLS 1.2 and 1.3 only and ALPN `h2` only, verifies the server's certificate chain and its name
/// (a DNS name, or the IP address when the host is one and no ``serverName`` is given).
public struct ClientTLSConfiguration: Sendable, Equatable {
    /// PEM bundle of the CAs that the server's certificate must chain to; nil trusts the system's CA store.
    public var caBundlePath: String?
    /// PEM file of the client certificate (and its intermediates), for servers that ask for one.
    public var certificateChainPath: String?
    /// PEM file of the client certificate's private key; required with ``certificateChainPath``.
    public var privateKeyPath: String?
    /// The name sent as SNI and checked against the server's certificate instead of the host connected to (for a
    /// server reached by IP address or through a tunnel). NIOSSL also accepts a certificate whose IP address
    /// entry is the address connected to.
    public var serverName: String?

    public init(
        caBundlePath: String? = nil,
        certificateChainPath: String? = nil,
        privateKeyPath: String? = nil,
        serverName: String? = nil
    ) {
        self.caBundlePath = caBundlePath
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.serverName = serverName
    }

    /// Reads and checks the files and builds the NIOSSL context that connections use (the channel does this at
    /// its first connection; a command-line client calls it first to report a bad file as a usage error).
    ///
    /// - Throws: ``TLSConfigurationError`` naming the file and what is wrong with it.
    public func makeContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.applicationProtocols = ["h2"]
        tls.certificateVerification = .fullVerification
        if let path = self.caBundlePath {
            tls.trustRoots = .certificates(try TLSFiles.certificates(at: path, role: "CA bundle"))
        }
        switch (self.certificateChainPath, self.privateKeyPath) {
        case (let certificatePath?, let keyPath?):
            let chain = try TLSFiles.certificates(at: certificatePath, role: "client certificate")
            let key = try TLSFiles.privateKey(at: keyPath, role: "client private key")
            try TLSFiles.checkKeyMatches(certificate: chain[0], keyPath: keyPath, certificatePath: certificatePath)
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(key)
        case (nil, nil):
            break
        case (_?, nil):
            throw TLSConfigurationError("a client certificate needs its private key too")
        case (nil, _?):
            throw TLSConfigurationError("a client private key needs its certificate too")
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw TLSConfigurationError("TLS client context: \(TLSErrorDescription.describe(error))")
        }
    }

    /// The SNI host name for a connection to `host`: ``serverName`` if set, else `host` unless it is an IP address
    /// (SNI carries names only; the certificate is then checked against the address).
    public func sniHostname(connectingTo host: String) -> String? {
        if let serverName = self.serverName { return serverName }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        let isAddress = host.contains(":") || (parts.count == 4 && parts.allSatisfy { UInt8($0) != nil })
        return isAddress ? nil : host
    }
}
