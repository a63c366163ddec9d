import ArgumentParser
import RPCClient

/// The TLS options of every command, `bench` included. Any of the files or the server name implies `--tls`.
struct ClientTLSOptions: ParsableArguments {
    @Flag(help: "Connect with TLS (ALPN h2), trusting the system's CAs unless --tls-ca is given.")
    var tls = false

    @Option(help: "PEM bundle of the CAs that the server's certificate must chain to (implies --tls).")
    var tlsCa: String?

    @Option(help: "PEM client certificate for servers that ask for one (mTLS; implies --tls, needs --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "Name sent as SNI and checked in the server's certificate instead of the --server host.")
    var tlsServerName: String?

    /// The channel's TLS configuration, or nil for cleartext HTTP/2.
    var configuration: ClientTLSConfiguration? {
        guard self.tls || self.tlsCa != nil || self.tlsCert != nil || self.tlsKey != nil || self.tlsServerName != nil
        else { return nil }
        return ClientTLSConfiguration(
            caBundlePath: self.tlsCa,
            certificateChainPath: self.tlsCert,
            privateKeyPath: self.tlsKey,
            serverName: self.tlsServerName
        )
    }

    func validate() throws {
        if (self.tlsCert == nil) != (self.tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if let name = self.tlsServerName, name.isEmpty || name.contains(where: { $0 == "/" || $0.isWhitespace }) {
            throw ValidationError("--tls-server-name must be a host name, got '\(name)'")
        }
        // The files are read now, so a missing or mismatched one is a usage error with its name, not a failed call.
        do {
            _ = try self.configuration?.makeContext()
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
