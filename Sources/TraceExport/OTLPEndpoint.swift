/// Where spans go: an OTLP/HTTP receiver's base URL (`http://host:port[/prefix]`, as
/// `OTEL_EXPORTER_OTLP_ENDPOINT` means it), to which `/v1/traces` is appended, and extra request headers.
///
/// Only `http` is supported: the exporter is meant for a collector beside the daemon (its OTLP/HTTP receiver listens
/// on 4318), which forwards over TLS if it must.
public struct OTLPEndpoint: Sendable, Equatable {
    public let host: String
    public let port: Int
    /// The request path: the URL's path without its trailing `/`, then `/v1/traces`.
    public let path: String
    /// Sent on every export (e.g. a collector's `authorization`).
    public let headers: [(name: String, value: String)]

    /// Parses `url` and the `k=v,k2=v2` header list (`OTEL_EXPORTER_OTLP_HEADERS`'s syntax); the error says what
    /// is wrong in words a start-up log can show.
    public init(url: String, headers: String = "") throws(OTLPConfigurationError) {
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw OTLPConfigurationError("--otlp-endpoint must be an http:// URL, got \"\(url)\"")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" else {
            throw OTLPConfigurationError(
                "--otlp-endpoint must be an http:// URL (\(scheme) is not supported; point it at a local collector)")
        }
        let rest = url[schemeEnd.upperBound...]
        guard !rest.contains("?"), !rest.contains("#"), !rest.contains("@") else {
            throw OTLPConfigurationError("--otlp-endpoint must have no user, query or fragment, got \"\(url)\"")
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        var base = String(rest[slash...])
        while base.hasSuffix("/") { base.removeLast() }
        let host: Substring
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw OTLPConfigurationError("--otlp-endpoint has an unclosed IPv6 address: \"\(url)\"")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            portText = after.isEmpty ? nil : (after.hasPrefix(":") ? after.dropFirst() : after)
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
            portText = nil
        }
        guard !host.isEmpty else { throw OTLPConfigurationError("--otlp-endpoint has no host: \"\(url)\"") }
        var port = 80
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw OTLPConfigurationError("--otlp-endpoint has a bad port \"\(portText)\" (1...65535)")
            }
            port = value
        }
        self.host = String(host)
        self.port = port
        self.path = base + "/v1/traces"
        self.headers = try Self.parseHeaders(headers)
    }

    static func parseHeaders(_ list: String) throws(OTLPConfigurationError) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: true) {
            guard let equals = item.firstIndex(of: "=") else {
                throw OTLPConfigurationError("--otlp-headers takes name=value pairs separated by commas")
            }
            let name = item[..<equals].trimmingSpaces
            let value = item[item.index(after: equals)...].trimmingSpaces
            let token = name.utf8.allSatisfy { byte in
                byte > 0x20 && byte < 0x7f && !"()<>@,;:\\\"/[]?={}".utf8.contains(byte)
            }
            guard !name.isEmpty, token else {
                throw OTLPConfigurationError("--otlp-headers has a bad header name \"\(name)\"")
            }
            guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7f }) else {
                throw OTLPConfigurationError("--otlp-headers has a control character in the value of \(name)")
            }
            headers.append((name.lowercased(), value))
        }
        return headers
    }

    public static func == (lhs: OTLPEndpoint, rhs: OTLPEndpoint) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port && lhs.path == rhs.path
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
