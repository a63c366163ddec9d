import ArgumentParser
import RPCServer

/// The daemon's TLS flags. Without `--tls-cert` the daemon serves cleartext HTTP/2 (prior knowledge).
struct ServerTLSOptions: ParsableArguments {
    @Option(help: "PEM certificate chain (server certificate first): serve TLS with ALPN h2 (reloaded on SIGHUP).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert (unencrypted; reloaded on SIGHUP).")
    var tlsKey: String?

    @Option(help: "PEM bundle of the CAs that client certificates must chain to (mTLS).")
    var tlsClientCa: String?

    @Option(
        help: """
            Client certificates: none, optional (checked when presented) or require \
            (default: require with --tls-client-ca, none without).
            """
    )
    var tlsClientAuth: ClientAuthentication?

    /// The flag's values, those of ``TLSServerConfiguration/ClientAuthentication``.
    enum ClientAuthentication: String, CaseIterable, ExpressibleByArgument {
        case none
        case optional
        case require

        var configuration: TLSServerConfiguration.ClientAuthentication {
            switch self {
            case .none: .none
            case .optional: .optional
            case .require: .require
            }
        }
    }

    func validate() throws {
        guard let configuration = try self.configuration() else { return }
        // Every file is read and checked now, so a bad one stops the daemon with a message before it starts.
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The server's TLS configuration, or nil for cleartext.
    func configuration() throws -> TLSServerConfiguration? {
        switch (self.tlsCert, self.tlsKey) {
        case (nil, nil):
            guard self.tlsClientCa == nil, self.tlsClientAuth == nil else {
                throw ValidationError("--tls-client-ca and --tls-client-auth need --tls-cert and --tls-key")
            }
            return nil
        case (_?, nil):
            throw ValidationError("--tls-cert needs --tls-key")
        case (nil, _?):
            throw ValidationError("--tls-key needs --tls-cert")
        case (let certificate?, let key?):
            if self.tlsClientAuth.map({ $0 != .none }) ?? false, self.tlsClientCa == nil {
                throw ValidationError("--tls-client-auth \(self.tlsClientAuth!.rawValue) needs --tls-client-ca")
            }
            return TLSServerConfiguration(
                certificateChainPath: certificate,
                privateKeyPath: key,
                clientCAPath: self.tlsClientCa,
                clientAuthentication: self.tlsClientAuth?.configuration
            )
        }
    }
}
