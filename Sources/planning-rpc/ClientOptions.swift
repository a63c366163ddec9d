import Foundation
import ArgumentParser
import RPCClient
import RPCFraming

/// The options every catalog command takes.
struct ClientOptions: ParsableArguments {
    @Option(help: "The server, as host:port.")
    var server = "127.0.0.1:50051"

    @Option(help: "Seconds each call may take (sent as grpc-timeout).")
    var timeout: Double = 10

    @Option(help: "Output format: table or json (one JSON object per line).")
    var output: OutputFormat = .table

    @Option(help: "Caller name sent as x-planning-user.")
    var user: String?

    @Option(help: "Bearer token sent as authorization metadata (or set PLANNING_RPC_TOKEN).")
    var token: String?

    @OptionGroup(title: "TLS")
    var tls: ClientTLSOptions

    func validate() throws {
        _ = try Self.parse(server: self.server)
        guard self.timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// Splits `host:port` (`[::1]:50051` for IPv6).
    static func parse(server: String) throws -> (host: String, port: Int) {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]),
            (1...65535).contains(port)
        else {
            throw ValidationError("--server must be host:port, got '\(server)'")
        }
        var host = String(server[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty else { throw ValidationError("--server must be host:port, got '\(server)'") }
        return (host, port)
    }

    func makeClient() throws -> CatalogClient {
        let (host, port) = try Self.parse(server: self.server)
        var metadata = Metadata()
        if let user = self.user, !user.isEmpty, Metadata.isValidValue(user) {
            metadata.add("x-planning-user", user)
        }
        if let token = self.token ?? ProcessInfo.processInfo.environment["PLANNING_RPC_TOKEN"], !token.isEmpty {
            guard Metadata.isValidValue(token) else { throw ValidationError("--token must be printable ASCII") }
            metadata.add("authorization", "Bearer \(token)")
        }
        var configuration = ClientConfiguration()
        configuration.tls = self.tls.configuration
        return CatalogClient(
            channel: GRPCChannel(host: host, port: port, configuration: configuration),
            metadata: metadata,
            timeout: .milliseconds(Int64(self.timeout * 1000))
        )
    }
}

extension ClientOptions {
    /// Runs `body` with a client that is closed afterwards; failures are reported as ``reportingFailures(_:)``
    /// reports them.
    func withClient(_ body: (CatalogClient) async throws -> Void) async throws {
        try await reportingFailures {
            let client = try self.makeClient()
            do {
                try await body(client)
            } catch {
                await client.close()
                throw error
            }
            await client.close()
        }
    }

    var printer: Printer { Printer(format: self.output) }
}
