public import NIOSSL
internal import X509

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Reads the PEM files of a TLS configuration and says precisely what is wrong with one that cannot be used:
/// BoringSSL's own errors ("failedToLoadPrivateKey") name neither the file nor the cause.
public enum TLSFiles {
    /// The certificates of a PEM file, in file order (a chain: leaf first).
    ///
    /// - Parameter role: what the file is for, as the error message names it (`certificate chain`, `CA bundle`).
    public static func certificates(at path: String, role: String) throws -> [NIOSSLCertificate] {
        let bytes = try self.contents(of: path, role: role)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw TLSConfigurationError("\(role) \(path): not a PEM certificate file")
        }
        guard !certificates.isEmpty else {
            throw TLSConfigurationError("\(role) \(path): holds no PEM certificate")
        }
        return certificates
    }

    /// The private key of a PEM file (PKCS#8, SEC1 or PKCS#1, unencrypted).
    public static func privateKey(at path: String, role: String = "private key") throws -> NIOSSLPrivateKey {
        let bytes = try self.contents(of: path, role: role)
        do {
            return try NIOSSLPrivateKey(bytes: bytes, format: .pem)
        } catch {
            throw TLSConfigurationError(
                "\(role) \(path): not an unencrypted PEM private key (PKCS#8, SEC1 or PKCS#1)"
            )
        }
    }

    /// Throws unless the key in `keyPath` is the private key of `certificate`, so that a key and a certificate
    /// from different pairs fail at start with a message instead of at every handshake.
    public static func checkKeyMatches(certificate: NIOSSLCertificate, keyPath: String, certificatePath: String) throws
    {
        let bytes = try self.contents(of: keyPath, role: "private key")
        // Keys that swift-certificates cannot read (rarer curves) are left to BoringSSL, which accepted them.
        guard let key = try? Certificate.PrivateKey(pemEncoded: String(decoding: bytes, as: UTF8.self)),
            let parsed = try? Certificate(derEncoded: certificate.toDERBytes())
        else { return }
        guard key.publicKey == parsed.publicKey else {
            throw TLSConfigurationError(
                "private key \(keyPath) does not match the certificate \(certificatePath) (a key of another pair)"
            )
        }
    }

    private static func contents(of path: String, role: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw TLSConfigurationError("\(role) \(path): cannot be read: \(reason)")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count { break }
            // A PEM file of a few MB is already absurd; this bounds what a wrong path (a device) can make us read.
            guard bytes.count <= 16 * 1024 * 1024 else {
                throw TLSConfigurationError("\(role) \(path): larger than 16 MiB, not a PEM file")
            }
        }
        guard ferror(file) == 0 else {
            throw TLSConfigurationError("\(role) \(path): cannot be read: \(String(cString: strerror(errno)))")
        }
        guard !bytes.isEmpty else { throw TLSConfigurationError("\(role) \(path): is empty") }
        return bytes
    }
}
