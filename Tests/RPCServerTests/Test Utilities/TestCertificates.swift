import Foundation

/// Throw-away TLS material made by `scripts/make-test-certs` (the openssl CLI) in a temporary directory: a CA,
/// a server certificate for localhost and 127.0.0.1, a client certificate `CN=alice,OU=risk,O=Example`, and a
/// second CA with a client certificate the server does not trust.
struct TestCertificates: Sendable {
    let directory: String

    static let clientSubject = "CN=alice,OU=risk,O=Example"

    init() throws {
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rpc-tls-\(UUID().uuidString)").path
        try Self.script([self.directory])
    }

    func path(_ name: String) -> String { "\(self.directory)/\(name)" }

    /// Another server certificate from the same CA, `name.pem`/`name.key`, with a new serial and these SANs.
    func makeServer(_ name: String, subjectAltName: String) throws {
        try Self.script([self.directory, "server", name, subjectAltName])
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    private static func script(_ arguments: [String]) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/make-test-certs")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CertificateScriptFailed(status: process.terminationStatus)
        }
    }

    struct CertificateScriptFailed: Error {
        let status: Int32
    }
}
