public import NIOSSL
internal import X509

/// Distinguished names of certificates as strings.
public enum CertificateSubject {
    /// The subject of `certificate` as an RFC 4514 string (`CN=alice,OU=risk,O=Example`: the most specific
    /// attribute first, `,` `+` `"` `\` `<` `>` `;` escaped), or nil when the certificate cannot be parsed.
    public static func rfc4514(of certificate: NIOSSLCertificate) -> String? {
        guard let parsed = try? Certificate(derEncoded: certificate.toDERBytes()) else { return nil }
        return String(describing: parsed.subject)
    }

    /// The serial number in lower-case hex without leading zeros, as `openssl x509 -serial` prints it (but
    /// lower-case), for log lines that tell which certificate is in use.
    public static func serial(of certificate: NIOSSLCertificate) -> String {
        let hex = certificate.serialNumber.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
        let trimmed = hex.drop(while: { $0 == "0" })
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}
