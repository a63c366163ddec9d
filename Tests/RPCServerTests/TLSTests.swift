import Foundation
import RPCClient
import RPCFraming
import RPCServer
import Testing

/// RPCClient over TLS against RPCServer over TLS, with certificates made for each test by the openssl CLI.
@Suite(.timeLimit(.minutes(1)))
struct TLSTests {
    typealias ClientAuthentication = TLSServerConfiguration.ClientAuthentication

    private static func server(
        _ certificates: TestCertificates,
        clientAuthentication: ClientAuthentication? = nil
    ) -> TLSServerConfiguration {
        TLSServerConfiguration(
            certificateChainPath: certificates.path("server.pem"),
            privateKeyPath: certificates.path("server.key"),
            clientCAPath: clientAuthentication == nil || clientAuthentication == ClientAuthentication.none
                ? nil : certificates.path("ca.pem"),
            clientAuthentication: clientAuthentication
        )
    }

    private static func client(
        _ certificates: TestCertificates,
        ca: String = "ca.pem",
        certificate: String? = nil,
        serverName: String? = nil
    ) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        configuration.tls = ClientTLSConfiguration(
            caBundlePath: certificates.path(ca),
            certificateChainPath: certificate.map { certificates.path("\($0).pem") },
            privateKeyPath: certificate.map { certificates.path("\($0).key") },
            serverName: serverName
        )
        return configuration
    }

    private static func peer(_ channel: GRPCChannel) async throws -> String {
        String(decoding: try await channel.unary(path: "/test.Control/Peer", request: []).message, as: UTF8.self)
    }

    /// The error of a call that must fail, with its code checked.
    private static func failure(_ channel: GRPCChannel, code: StatusCode = .unavailable) async -> RPCError? {
        let error = await #expect(throws: RPCError.self) {
            try await channel.unary(path: "/test.Echo/Unary", request: [1], timeout: .seconds(5))
        }
        #expect(error?.code == code)
        return error
    }

    @Test func unaryAndStreamingCallsOverTLS() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTestServer(
            configure: { $0.tls = Self.server(certificates) },
            client: Self.client(certificates)
        ) { server, channel in
            let request = (0..<65536).map { UInt8(truncatingIfNeeded: $0) }
            #expect(try await channel.unary(path: "/test.Echo/Unary", request: request).message == request)
            var count = 0
            for try await message in channel.serverStreaming(
                path: "/test.Echo/Stream",
                request: [UInt8].uint32(100) + [UInt8].uint32(1024)
            ) {
                #expect(message.uint32(at: 0) == UInt32(count))
                count += 1
            }
            #expect(count == 100)
            // No client certificate asked for: handlers see none.
            #expect(try await Self.peer(channel) == "none")
            #expect(server.connectionCount == 1)
        }
    }

    @Test func theServerNameOverrideIsWhatTheCertificateIsCheckedAgainst() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        // A certificate for named.test only: reached at 127.0.0.1, it is valid only under the override.
        try certificates.makeServer("named", subjectAltName: "DNS:named.test")
        try await withTestServer(
            configure: {
                $0.tls = TLSServerConfiguration(
                    certificateChainPath: certificates.path("named.pem"),
                    privateKeyPath: certificates.path("named.key")
                )
            },
            client: Self.client(certificates, serverName: "named.test")
        ) { _, channel in
            let subject = try await Self.peer(channel)
            #expect(subject == "none")
            for serverName in [nil, "wrong.example"] {
                let misnamed = GRPCChannel(
                    host: "127.0.0.1",
                    port: channel.port,
                    configuration: Self.client(certificates, serverName: serverName)
                )
                let error = await Self.failure(misnamed)
                #expect(error?.message.hasPrefix("TLS handshake with 127.0.0.1:\(channel.port) failed: ") == true)
                await misnamed.close()
            }
        }
    }

    @Test func anUntrustedServerCertificateFailsTheCallWithTheReason() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTestServer(
            configure: { $0.tls = Self.server(certificates) },
            client: Self.client(certificates, ca: "other-ca.pem")
        ) { server, channel in
            let error = await Self.failure(channel)
            #expect(error?.message.contains("CERTIFICATE_VERIFY_FAILED") == true)
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test(arguments: [ClientAuthentication.optional, .require])
    func theClientCertificateSubjectReachesHandlers(clientAuthentication: ClientAuthentication) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTestServer(
            configure: { $0.tls = Self.server(certificates, clientAuthentication: clientAuthentication) },
            client: Self.client(certificates, certificate: "client")
        ) { _, channel in
            let subject = try await Self.peer(channel)
            #expect(subject == "subject:\(TestCertificates.clientSubject)")
        }
    }

    @Test func optionalClientAuthenticationAcceptsAClientWithoutCertificate() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTestServer(
            configure: { $0.tls = Self.server(certificates, clientAuthentication: .optional) },
            client: Self.client(certificates)
        ) { _, channel in
            let subject = try await Self.peer(channel)
            #expect(subject == "none")
        }
    }

    @Test func requiredClientAuthenticationRefusesAClientWithoutCertificate() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTestServer(
            configure: { $0.tls = Self.server(certificates, clientAuthentication: .require) },
            client: Self.client(certificates)
        ) { _, channel in
            _ = await Self.failure(channel)
        }
    }

    @Test(arguments: [ClientAuthentication.optional, .require])
    func aClientCertificateFromAnotherCAIsRefused(clientAuthentication: ClientAuthentication) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTestServer(
            configure: { $0.tls = Self.server(certificates, clientAuthentication: clientAuthentication) },
            client: Self.client(certificates, certificate: "other-client")
        ) { _, channel in
            _ = await Self.failure(channel)
        }
    }

    @Test func cleartextAndTLSDoNotMix() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        // A cleartext client on a TLS server: its preface is no ClientHello.
        try await withTestServer(configure: { $0.tls = Self.server(certificates) }) { server, channel in
            _ = await Self.failure(channel)
            #expect(await eventually { server.connectionCount == 0 })
        }
        // A TLS client on a cleartext server: the server answers the ClientHello as HTTP/2 and closes.
        try await withTestServer(client: Self.client(certificates)) { _, channel in
            _ = await Self.failure(channel)
        }
    }

    @Test func aReloadServesNewConnectionsTheNewCertificateAndKeepsOpenOnes() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        // The old certificate names 127.0.0.1, the new one only reloaded.test: a new connection to 127.0.0.1
        // without a server name override tells the two apart.
        try certificates.makeServer("renewed", subjectAltName: "DNS:reloaded.test")
        try await withTestServer(
            configure: { $0.tls = Self.server(certificates) },
            client: Self.client(certificates)
        ) { server, old in
            #expect(try await Self.peer(old) == "none")
            let port = old.port

            for suffix in ["pem", "key"] {
                try FileManager.default.removeItem(atPath: certificates.path("server.\(suffix)"))
                try FileManager.default.copyItem(
                    atPath: certificates.path("renewed.\(suffix)"),
                    toPath: certificates.path("server.\(suffix)")
                )
            }
            let serial = try server.server.reloadTLS()
            #expect(!serial.isEmpty)

            // The open connection goes on with the certificate it started with.
            #expect(try await Self.peer(old) == "none")
            let after = GRPCChannel(
                host: "127.0.0.1", port: port, configuration: Self.client(certificates, serverName: "reloaded.test"))
            #expect(try await Self.peer(after) == "none")
            let byAddress = GRPCChannel(host: "127.0.0.1", port: port, configuration: Self.client(certificates))
            _ = await Self.failure(byAddress)
            #expect(await eventually { server.connectionCount == 2 })
            await after.close()
            await byAddress.close()
        }
    }

    @Test func aFailedReloadKeepsTheCertificatesInUse() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTestServer(
            configure: { $0.tls = Self.server(certificates) },
            client: Self.client(certificates)
        ) { server, channel in
            try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: certificates.path("server.key")))
            #expect(throws: (any Error).self) { try server.server.reloadTLS() }
            #expect(try await Self.peer(channel) == "none")
        }
    }

    @Test func reloadWithoutTLSIsAnError() async throws {
        try await withTestServer { server, _ in
            let error = #expect(throws: (any Error).self) { try server.server.reloadTLS() }
            #expect("\(error.map { "\($0)" } ?? "")" == "TLS is not configured; nothing to reload")
        }
    }

    @Test func configurationErrorsNameTheFileAndTheProblem() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let notPEM = certificates.path("notes.txt")
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: notPEM))
        let cases: [(TLSServerConfiguration, String)] = [
            (
                TLSServerConfiguration(certificateChainPath: certificates.path("missing.pem"),
                                       privateKeyPath: certificates.path("server.key")),
                "certificate chain \(certificates.path("missing.pem")): cannot be read: No such file or directory"
            ),
            (
                TLSServerConfiguration(certificateChainPath: notPEM, privateKeyPath: certificates.path("server.key")),
                "certificate chain \(notPEM): "
            ),
            (
                TLSServerConfiguration(certificateChainPath: certificates.path("server.pem"), privateKeyPath: notPEM),
                "private key \(notPEM): not an unencrypted PEM private key"
            ),
            (
                TLSServerConfiguration(certificateChainPath: certificates.path("server.pem"),
                                       privateKeyPath: certificates.path("client.key")),
                "private key \(certificates.path("client.key")) does not match the certificate"
            ),
            (
                TLSServerConfiguration(certificateChainPath: certificates.path("server.pem"),
                                       privateKeyPath: certificates.path("server.key"), clientAuthentication: .require),
                "client authentication 'require' needs a client CA bundle"
            ),
            (
                TLSServerConfiguration(certificateChainPath: certificates.path("server.pem"),
                                       privateKeyPath: certificates.path("server.key"), clientCAPath: notPEM),
                "client CA bundle \(notPEM): "
            ),
        ]
        for (configuration, message) in cases {
            let error = #expect(throws: (any Error).self) { try configuration.validate() }
            #expect("\(error.map { "\($0)" } ?? "")".hasPrefix(message))
        }
        // A CA bundle alone means client certificates are required.
        let mutual = TLSServerConfiguration(certificateChainPath: "c", privateKeyPath: "k", clientCAPath: "ca")
        #expect(mutual.clientAuthentication == .require)
        #expect(TLSServerConfiguration(certificateChainPath: "c", privateKeyPath: "k").clientAuthentication == .none)
    }

    @Test func clientConfigurationErrorsNameTheProblem() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let halves = [
            ClientTLSConfiguration(certificateChainPath: certificates.path("client.pem")),
            ClientTLSConfiguration(privateKeyPath: certificates.path("client.key")),
        ]
        for configuration in halves {
            #expect(throws: (any Error).self) { try configuration.makeContext() }
        }
        let mismatched = ClientTLSConfiguration(
            certificateChainPath: certificates.path("client.pem"),
            privateKeyPath: certificates.path("server.key")
        )
        let error = #expect(throws: (any Error).self) { try mismatched.makeContext() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("does not match"))
        #expect(ClientTLSConfiguration().sniHostname(connectingTo: "127.0.0.1") == nil)
        #expect(ClientTLSConfiguration().sniHostname(connectingTo: "::1") == nil)
        #expect(ClientTLSConfiguration().sniHostname(connectingTo: "localhost") == "localhost")
        #expect(ClientTLSConfiguration(serverName: "a.test").sniHostname(connectingTo: "127.0.0.1") == "a.test")
    }
}
