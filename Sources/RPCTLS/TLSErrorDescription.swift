internal import NIOSSL

/// Short, readable text for TLS errors, for log lines and client error messages.
public enum TLSErrorDescription {
    /// `CERTIFICATE_VERIFY_FAILED` rather than `handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 268435581
    /// error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED]))`; other errors as they describe
    /// themselves.
    public static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        // BoringSSL's packed errors end with `:REASON_NAME`; the reason names are what a person can search for.
        let reasons = text.split(separator: "OPENSSL_internal:").dropFirst().compactMap { part in
            part.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }).nilIfEmpty
        }
        if !reasons.isEmpty {
            return reasons.joined(separator: ", ")
        }
        if let extra = error as? NIOSSLExtraError {
            return String(describing: extra)
        }
        return text
    }
}

extension Substring {
    fileprivate var nilIfEmpty: Substring? { self.isEmpty ? nil : self }
}
