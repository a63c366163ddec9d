internal import NIOSSL
internal import RPCTLS

/// The NIOSSL context built from a ``TLSServerConfiguration``'s files, checked: readable PEM files, a key that
/// belongs to the certificate, a client CA bundle whenever client certificates are asked for.
struct ServerTLSContext: Sendable {
    let context: NIOSSLContext
    /// The serial number of the server certificate, for the log lines of start and reload.
    let serial: String

    init(_ configuration: TLSServerConfiguration) throws {
        let chain = try TLSFiles.certificates(at: configuration.certificateChainPath, role: "certificate chain")
        let key = try TLSFiles.privateKey(at: configuration.privateKeyPath)
        try TLSFiles.checkKeyMatches(
            certificate: chain[0],
            keyPath: configuration.privateKeyPath,
            certificatePath: configuration.certificateChainPath
        )
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        tls.minimumTLSVersion = .tlsv12
        // gRPC is HTTP/2 only; a client that cannot negotiate h2 is refused after the handshake (see
        // TLSServerHandshakeHandler), as gRPC C++ and grpc-go refuse a client without ALPN h2.
        tls.applicationProtocols = ["h2"]
        switch configuration.clientAuthentication {
        case .none:
            tls.certificateVerification = .none
        case .optional, .require:
            guard let path = configuration.clientCAPath else {
                throw TLSConfigurationError(
                    "client authentication '\(configuration.clientAuthentication.rawValue)' needs a client CA bundle"
                )
            }
            let authorities = try TLSFiles.certificates(at: path, role: "client CA bundle")
            tls.trustRoots = .certificates(authorities)
            // Tells clients which CAs are accepted, so one with several certificates can pick the right one.
            tls.sendCANameList = true
            // The client's certificate is checked against the CAs; a client has no host name to check.
            tls.certificateVerification =
                configuration.clientAuthentication == .require ? .noHostnameVerification : .optionalVerification
        }
        do {
            self.context = try NIOSSLContext(configuration: tls)
        } catch {
            throw TLSConfigurationError(
                "TLS context from \(configuration.certificateChainPath) and \(configuration.privateKeyPath): "
                    + TLSErrorDescription.describe(error)
            )
        }
        self.serial = CertificateSubject.serial(of: chain[0])
    }
}

extension TLSServerConfiguration {
    /// Reads and checks every file as ``RPCServer/start()`` will, so that a daemon can refuse a bad configuration
    /// before it opens anything else.
    ///
    /// - Throws: ``TLSConfigurationError`` naming the file and what is wrong with it.
    public func validate() throws {
        _ = try ServerTLSContext(self)
    }
}
